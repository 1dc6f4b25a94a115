# Negative (SOD301, SOD302, SOD303): a secret read only by the role that uses it.
#
# Proves: Secrets Manager returns a value to a principal whose identity policy allows
# secretsmanager:GetSecretValue on the secret (AWS Secrets Manager User Guide,
# "Authentication and access control"). Only aws_iam_role.app holds that, on this secret's
# ARN, and the secret uses the AWS managed key aws/secretsmanager (no kms_key_id), which lets
# the account's principals decrypt through Secrets Manager. One reader: within the limit.
# aws_iam_role.other reads a different secret only, so it is not a reader of this one.

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db/password"
}

resource "aws_secretsmanager_secret" "other" {
  name = "prod/other/token"
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

resource "aws_iam_role" "other" {
  name = "other"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "other" {
  name = "read-other"
  role = aws_iam_role.other.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.other.arn }]
  })
}
