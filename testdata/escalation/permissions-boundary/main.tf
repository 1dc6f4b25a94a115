# Negative: a permissions boundary removes the path.
#
# Proves: for a user or role with a permissions boundary, AWS allows only what both its
# identity policies and the boundary allow. The boundary `app-boundary` allows reading S3 and
# writing CloudWatch Logs and nothing in IAM, Lambda or EC2.
#   - `bounded_role` is allowed to attach and write policies on itself: the boundary cuts
#     both. Quiet.
#   - `bounded_user` is allowed to attach policies to itself and to pass the privileged Lambda
#     role to a new function: the boundary cuts all of it. Quiet.
#
# Control: `unbounded_role` has the same identity policy as `bounded_role` and no boundary
# (path: iam-attach-role-policy-self): it is flagged.

locals {
  human_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
    }]
  })
}

resource "aws_iam_policy" "app_boundary" {
  name = "app-boundary"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:ListBucket", "logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "*"
    }]
  })
}

# Self-service on roles named app-*.
resource "aws_iam_policy" "role_self_service" {
  name = "role-self-service"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachRolePolicy", "iam:PutRolePolicy"]
      Resource = "arn:aws:iam::111122223333:role/app-*"
    }]
  })
}

resource "aws_iam_role" "bounded_role" {
  name                 = "app-bounded"
  assume_role_policy   = local.human_trust
  permissions_boundary = aws_iam_policy.app_boundary.arn
}

resource "aws_iam_role_policy_attachment" "bounded_role" {
  role       = aws_iam_role.bounded_role.name
  policy_arn = aws_iam_policy.role_self_service.arn
}

# path: iam-attach-role-policy-self
resource "aws_iam_role" "unbounded_role" {
  name               = "app-unbounded"
  assume_role_policy = local.human_trust
}

resource "aws_iam_role_policy_attachment" "unbounded_role" {
  role       = aws_iam_role.unbounded_role.name
  policy_arn = aws_iam_policy.role_self_service.arn
}

# The privileged Lambda role: controls every DynamoDB table.
resource "aws_iam_role" "lambda_data" {
  name = "lambda-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "lambda_data" {
  name = "data-admin"
  role = aws_iam_role.lambda_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "dynamodb:*"
      Resource = "*"
    }]
  })
}

resource "aws_iam_user" "bounded_user" {
  name                 = "bounded-user"
  permissions_boundary = aws_iam_policy.app_boundary.arn
}

resource "aws_iam_user_policy" "bounded_user" {
  name = "self-service-and-deploy"
  user = aws_iam_user.bounded_user.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:AttachUserPolicy"
        Resource = aws_iam_user.bounded_user.arn
      },
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.lambda_data.arn
      },
      {
        Effect   = "Allow"
        Action   = ["lambda:CreateFunction", "lambda:InvokeFunction"]
        Resource = "*"
      }
    ]
  })
}
