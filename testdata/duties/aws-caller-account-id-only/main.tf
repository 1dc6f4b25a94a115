# Negative for SOD101-SOD111 on the identity running Terraform when the code uses it only for
# its account id.
#
# Proves: `data.aws_caller_identity.current.account_id` is the account, not the identity (AWS
# provider: aws_caller_identity returns the account, ARN and user id of the caller of
# sts:GetCallerIdentity). The caller's own identity policies are not in the code, so the code
# shows it holding only what resource-based policies grant its own `.arn`; none does here.
# - The key policy names `arn:aws:iam::<account>:role/ops` as administrator and user: that ARN
#   names role `ops` (IAM identifiers), not the caller; the account-root statement only enables
#   IAM policies of the account (KMS key policy default), which the code does not state for the
#   caller. No SOD101 on the caller.
# - Role `exec` (AdministratorAccess: SOD111 on it) trusts one role session,
#   `arn:aws:sts::<account>:assumed-role/Admin/deploy`: that principal is a session of role
#   Admin, not the caller, so the caller cannot be shown to assume `exec` (no SOD110/SOD111
#   and no duties on the caller).

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

resource "aws_kms_key" "data" {
  description = "data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM policies"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Ops administers and uses the key"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/ops" }
        Action    = ["kms:Create*", "kms:Put*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
      }
    ]
  })
}

resource "aws_iam_role" "exec" {
  name = "exec"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:sts::${data.aws_caller_identity.current.account_id}:assumed-role/Admin/deploy" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "exec_admin" {
  role       = aws_iam_role.exec.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}
