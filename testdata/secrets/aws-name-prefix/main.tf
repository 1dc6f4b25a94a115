# Positive (SOD301) and negative: readers through a name-prefix ARN.
#
# Proves: a Secrets Manager secret's ARN is its name plus a dash and six random characters
# (arn:aws:secretsmanager:REGION:ACCOUNT:secret:prod/db/password-AbCdEf), and a Resource with
# "*" matches any run of characters (IAM JSON policy elements: Resource). So
# "...:secret:prod/*" covers prod/db/password: aws_iam_role.reporting reads it.
# aws_iam_role.staging is granted "...:secret:staging/*", which can never match a name that
# starts with "prod/": it is not a reader.

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
  name = "prod-secrets"
  role = aws_iam_role.reporting.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:*:*:secret:prod/*" }]
  })
}

resource "aws_iam_role" "staging" {
  name = "staging"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "staging" {
  name = "staging-secrets"
  role = aws_iam_role.staging.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:*:*:secret:staging/*" }]
  })
}
