# Positive (SOD301): a key policy that lets every principal of the account decrypt through
# Secrets Manager.
#
# Proves: a key policy statement with Principal "*" limited by kms:CallerAccount and
# kms:ViaService grants kms:Decrypt directly, without IAM policies, to every principal of the
# account whose request comes through that service; it is the statement of the AWS managed
# key aws/secretsmanager ("Allow access through AWS Secrets Manager for all principals in the
# account that are authorized to use AWS Secrets Manager"; AWS KMS "Key policies in AWS KMS",
# condition keys kms:CallerAccount and kms:ViaService). So aws_iam_role.reporting, with only
# GetSecretValue and no kms permission at all, reads the secret besides aws_iam_role.app.
# The key policy has no statement for the account root: IAM policies are not enabled, which
# does not matter here.

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "data" {
  description = "Customer data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ThroughSecretsManager"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:Decrypt", "kms:DescribeKey"]
      Resource  = "*"
      Condition = {
        StringEquals = {
          "kms:CallerAccount" = data.aws_caller_identity.current.account_id
          "kms:ViaService"    = "secretsmanager.eu-west-1.amazonaws.com"
        }
      }
    }]
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

resource "aws_iam_role" "reporting" {
  name = "reporting"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "read_db" {
  name = "read-db"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.read_db.arn
}

resource "aws_iam_role_policy_attachment" "reporting" {
  role       = aws_iam_role.reporting.name
  policy_arn = aws_iam_policy.read_db.arn
}
