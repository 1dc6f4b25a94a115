# Negative (SOD302, SOD301): Principal "*" narrowed to one role by aws:PrincipalArn.
#
# Proves: a condition on aws:PrincipalArn limits a statement to the principals whose ARN
# matches (IAM User Guide, "AWS global condition context keys"). The statement names
# everyone, then admits only aws_iam_role.app: the secret is not public, and its one reader
# is aws_iam_role.app, which needs no identity policy (same-account resource policy).
# aws_iam_role.other is not admitted and holds no identity grant: not a reader.

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db/password"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "other" {
  name = "other"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_secretsmanager_secret_policy" "db" {
  secret_arn = aws_secretsmanager_secret.db.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
      Condition = { ArnEquals = { "aws:PrincipalArn" = aws_iam_role.app.arn } }
    }]
  })
}
