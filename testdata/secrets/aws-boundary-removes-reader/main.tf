# Negative (SOD301): a permissions boundary removes a reader.
#
# Proves: "the effective permissions for an entity are permissions that are granted by both
# its identity-based policies and its permissions boundaries" (IAM User Guide, Permissions
# boundaries). aws_iam_role.reporting's own policy allows GetSecretValue on the secret, but
# its boundary allows only S3 and CloudWatch reads: it cannot read the secret.

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
  name                 = "reporting"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "reporting" {
  name = "read-db"
  role = aws_iam_role.reporting.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_iam_policy" "boundary" {
  name = "reporting-boundary"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:Get*", "s3:List*", "cloudwatch:Get*"], Resource = "*" }]
  })
}
