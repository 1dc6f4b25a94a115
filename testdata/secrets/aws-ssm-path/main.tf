# Positive (SOD301) and negative: SSM SecureString readers through the path hierarchy.
#
# Proves: Parameter Store paths are hierarchical and "if a user has access to a path, then the
# user can access all levels of that path ... Even if a user has explicitly been denied access
# in IAM for parameter /a/b, they can still call the GetParametersByPath API operation
# recursively for /a and view /a/b" (AWS Systems Manager User Guide, "Restricting access to
# Parameter Store parameters using IAM policies").
# - aws_iam_role.app reads /app/db/password with GetParameter on its ARN.
# - aws_iam_role.batch may GetParametersByPath on /app and is denied GetParameter* on the
#   parameter itself: it still reads it through the path. Two readers: SOD301.
# - aws_iam_role.web may GetParametersByPath on /web only: not a reader.
# - /app/db/host is a plain String parameter: configuration, not a secret.

resource "aws_ssm_parameter" "db_password" {
  name  = "/app/db/password"
  type  = "SecureString"
  value = "change-me"
}

resource "aws_ssm_parameter" "db_host" {
  name  = "/app/db/host"
  type  = "String"
  value = "db.internal"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "app" {
  name = "read-password"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ssm:GetParameter", Resource = aws_ssm_parameter.db_password.arn }]
  })
}

resource "aws_iam_role" "batch" {
  name = "batch"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "batch.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "batch" {
  name = "app-config"
  role = aws_iam_role.batch.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ssm:GetParametersByPath", Resource = "arn:aws:ssm:*:*:parameter/app" },
      { Effect = "Deny", Action = "ssm:GetParameter*", Resource = aws_ssm_parameter.db_password.arn }
    ]
  })
}

resource "aws_iam_role" "web" {
  name = "web"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "web" {
  name = "web-config"
  role = aws_iam_role.web.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ssm:GetParametersByPath", Resource = "arn:aws:ssm:*:*:parameter/web" }]
  })
}
