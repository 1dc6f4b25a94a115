# Positive (SOD301): a second reader through a role it can assume.
#
# Proves: a principal that a role's trust policy names can call sts:AssumeRole and then acts
# with the role's permissions (IAM User Guide, "Roles terms and concepts", "Granting a user
# permissions to switch roles"). The app role's trust policy names the user aws_iam_user.sre
# besides ECS tasks, so the user reads the secret as the app role: two readers (the role and
# the user). aws_iam_user.dev is not named and holds no sts:AssumeRole: not a reader.

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db/password"
}

resource "aws_iam_user" "sre" {
  name = "sre"
}

resource "aws_iam_user" "dev" {
  name = "dev"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } },
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_user.sre.arn } }
    ]
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
