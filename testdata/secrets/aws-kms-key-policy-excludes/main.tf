# Negative (SOD301): the key policy does not allow the second reader.
#
# Proves: "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
# access to a KMS key. Without permission from the key policy, IAM policies that allow
# permissions have no effect" (AWS KMS Developer Guide, "Key policies in AWS KMS"). This key
# policy names aws_iam_role.app for kms:Decrypt and an admin role for management, and has no
# statement for the account root: IAM policies are not enabled. aws_iam_role.reporting holds
# GetSecretValue and kms:Decrypt in IAM, but cannot decrypt: only aws_iam_role.app reads.

resource "aws_kms_key" "data" {
  description = "Customer data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "KeyAdmins"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.key_admin.arn }
        Action    = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:Put*", "kms:Update*", "kms:Revoke*",
                     "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
        Resource  = "*"
      },
      {
        Sid       = "AppDecryptsThroughSecretsManager"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.app.arn }
        Action    = ["kms:Decrypt", "kms:DescribeKey"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.eu-west-1.amazonaws.com" } }
      }
    ]
  })
}

resource "aws_iam_role" "key_admin" {
  name = "key-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_secretsmanager_secret" "db" {
  name       = "prod/db/password"
  kms_key_id = aws_kms_key.data.arn
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "app" {
  name = "read-db"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_iam_role" "reporting" {
  name = "reporting"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

# reporting holds both GetSecretValue and kms:Decrypt in IAM
resource "aws_iam_role_policy" "reporting" {
  name = "read-db"
  role = aws_iam_role.reporting.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }
    ]
  })
}

