# Positive (SOD301): a second reader through an action wildcard.
#
# Proves: in IAM an Action may use wildcards; "secretsmanager:Get*" covers every action of the
# service whose name starts with Get, GetSecretValue included (IAM JSON policy elements:
# Action). aws_iam_role.reporting meant to read metadata, but reads the value too.

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

resource "aws_iam_role_policy" "reporting" {
  name = "describe-secrets"
  role = aws_iam_role.reporting.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:Describe*", "secretsmanager:Get*"]
      Resource = aws_secretsmanager_secret.db.arn
    }]
  })
}
