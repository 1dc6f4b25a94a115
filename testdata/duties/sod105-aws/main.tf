# SOD105 on AWS Secrets Manager, judged per secret.
#
# Proves:
#   - `rotator` can put a new value into `db` and read `db`: flagged (it could plant a known
#     password, or read it and rotate to hide that).
#   - `split` can put values into `db` but only read `api`: quiet (different secrets).
#   - `app` can only read `db`: quiet.
#   - `policy_admin` can change `db`'s resource policy and read it, but an explicit Deny on
#     GetSecretValue removes the read: quiet.
locals {
  trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db"
}

resource "aws_secretsmanager_secret" "api" {
  name = "prod/api"
}

resource "aws_iam_role" "rotator" {
  name               = "rotator"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "rotator" {
  name = "rotate-db"
  role = aws_iam_role.rotator.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue"], Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_iam_role" "split" {
  name               = "split"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "split" {
  name = "write-db-read-api"
  role = aws_iam_role.split.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "secretsmanager:PutSecretValue", Resource = aws_secretsmanager_secret.db.arn },
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.api.arn }
    ]
  })
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "app" {
  name = "read-db"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_iam_role" "policy_admin" {
  name               = "policy-admin"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "policy_admin" {
  name = "manage-db-policy"
  role = aws_iam_role.policy_admin.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["secretsmanager:PutResourcePolicy", "secretsmanager:GetSecretValue"], Resource = aws_secretsmanager_secret.db.arn },
      { Effect = "Deny", Action = "secretsmanager:GetSecretValue", Resource = "*" }
    ]
  })
}
