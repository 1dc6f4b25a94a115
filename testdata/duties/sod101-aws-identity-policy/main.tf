# SOD101 through identity policies (AWS policy evaluation logic).
#
# Proves:
#   - `key_custodian` may both administer (kms:PutKeyPolicy, kms:ScheduleKeyDeletion, ...) and
#     use (kms:Decrypt, kms:GenerateDataKey*) the key `data`: flagged.
#   - `app` may only use the key (Encrypt/Decrypt/GenerateDataKey): a use-only principal never
#     fires (public checks have shipped this logic inverted).
#   - `key_admin` may only administer the key: quiet.
#   - `denied_custodian` is granted kms:* on the key, but an explicit Deny of kms:Decrypt,
#     kms:ReEncrypt*, kms:Encrypt and kms:GenerateDataKey* removes the use side: quiet
#     (an explicit Deny wins over any Allow).
resource "aws_kms_key" "data" {
  description = "customer data"
}

locals {
  trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "key_custodian" {
  name               = "key-custodian"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "key_custodian" {
  name = "keys"
  role = aws_iam_role.key_custodian.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"], Resource = aws_kms_key.data.arn },
      { Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey*"], Resource = aws_kms_key.data.arn }
    ]
  })
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "app" {
  name = "use-key"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], Resource = aws_kms_key.data.arn }]
  })
}

resource "aws_iam_role" "key_admin" {
  name               = "key-admin"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "key_admin" {
  name = "administer-key"
  role = aws_iam_role.key_admin.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
      Resource = aws_kms_key.data.arn
    }]
  })
}

resource "aws_iam_role" "denied_custodian" {
  name               = "denied-custodian"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "denied_custodian" {
  name = "all-but-crypto"
  role = aws_iam_role.denied_custodian.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "kms:*", Resource = aws_kms_key.data.arn },
      { Effect = "Deny", Action = ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"], Resource = "*" }
    ]
  })
}
