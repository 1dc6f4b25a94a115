# Positive (SOD301): a second reader through an IAM group.
#
# Proves: an IAM user holds the permissions of the groups it belongs to (IAM User Guide,
# "IAM user groups"): the policy on aws_iam_group.oncall allows GetSecretValue on the secret,
# so the group (and its member aws_iam_user.alice) reads it besides aws_iam_role.app. The
# group is the reader; its members are named in the evidence.

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

resource "aws_iam_group" "oncall" {
  name = "oncall"
}

resource "aws_iam_group_policy" "oncall" {
  name  = "debug-db"
  group = aws_iam_group.oncall.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_group_membership" "alice" {
  user   = aws_iam_user.alice.name
  groups = [aws_iam_group.oncall.name]
}
