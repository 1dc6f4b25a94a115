# SOD101 through a key policy (a resource policy naming principals directly).
#
# Proves: a KMS key policy that names a role as both key administrator and key user gives
# that role both duties even though no identity policy mentions KMS (AWS: the key policy is
# the primary way to grant access to a key). Follows the shape of AWS's default key policy.
#   - `ops` is listed in the "Allow administration" and in the "Allow use" statements: flagged.
#   - `admins` is only in the administration statement and `workload` only in the use
#     statement: quiet (the separation the default key policy intends).
resource "aws_iam_role" "ops" {
  name               = "ops"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_role" "admins" {
  name               = "key-admins"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_role" "workload" {
  name               = "workload"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_kms_key" "payments" {
  description = "payments"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Allow administration of the key"
        Effect    = "Allow"
        Principal = { AWS = [aws_iam_role.admins.arn, aws_iam_role.ops.arn] }
        Action    = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
        Resource  = "*"
      },
      {
        Sid       = "Allow use of the key"
        Effect    = "Allow"
        Principal = { AWS = [aws_iam_role.workload.arn, aws_iam_role.ops.arn] }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
      }
    ]
  })
}
