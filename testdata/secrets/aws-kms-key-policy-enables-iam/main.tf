# Positive (SOD301): the key policy enables IAM policies, so an IAM grant of kms:Decrypt counts.
#
# Proves: a key policy statement that allows the account root "enables IAM policies": then
# "IAM policies can allow access to the KMS key" (AWS KMS Developer Guide, "Default key
# policy: Allows access to the AWS account and enables IAM policies"). Same code as
# aws-kms-key-policy-excludes plus that statement: aws_iam_role.reporting's IAM kms:Decrypt
# now works and it reads the secret besides aws_iam_role.app (named by the key policy).

resource "aws_kms_key" "data" {
  description = "Customer data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableIAMPolicies"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
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

data "aws_caller_identity" "current" {}

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

