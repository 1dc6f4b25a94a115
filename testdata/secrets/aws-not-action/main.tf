# Positive (SOD301): a second reader through NotAction.
#
# Proves: "NotAction ... matches everything except the specified list of actions" (IAM JSON
# policy elements: NotAction). An Allow with NotAction that leaves out IAM and KMS still
# allows secretsmanager:GetSecretValue on the listed resource, so aws_iam_role.reporting reads.

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
  name = "everything-but-iam"
  role = aws_iam_role.reporting.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      NotAction = ["iam:*", "kms:*", "organizations:*"]
      Resource  = aws_secretsmanager_secret.db.arn
    }]
  })
}
