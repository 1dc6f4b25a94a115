# Negative (SOD301): the secret states that two readers are intended.
#
# Proves: sod-iac's own contract (issue 6: "per secret by a tag or label
# sod-iac:max-readers"): the tag raises this secret's limit to 2. It has exactly two readers
# (aws_iam_role.blue and aws_iam_role.green, a blue/green pair), so nothing is reported.

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db/password"
  tags = {
    "sod-iac:max-readers" = "2"
  }
}

resource "aws_iam_role" "blue" {
  name = "app-blue"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "green" {
  name = "app-green"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "read_db" {
  name = "read-db"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_iam_policy_attachment" "read_db" {
  name       = "read-db"
  roles      = [aws_iam_role.blue.name, aws_iam_role.green.name]
  policy_arn = aws_iam_policy.read_db.arn
}
