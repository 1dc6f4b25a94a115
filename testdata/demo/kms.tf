# The data key. Planted: the security-ops role administers the key and also uses it to
# decrypt data, so one person could both unlock data and hide how.
resource "aws_kms_key" "data" {
  description         = "Customer data"
  enable_key_rotation = true
}

resource "aws_iam_role" "security_ops" {
  name = "security-ops"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
    }]
  })
}

resource "aws_iam_role_policy" "security_ops_keys" {
  name = "keys"
  role = aws_iam_role.security_ops.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Administer"
        Effect   = "Allow"
        Action   = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:Put*", "kms:Update*",
                    "kms:Revoke*", "kms:Disable*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
        Resource = aws_kms_key.data.arn
      },
      {
        Sid      = "Use"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"]
        Resource = aws_kms_key.data.arn
      }
    ]
  })
}
