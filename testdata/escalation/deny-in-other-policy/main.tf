# Negative: an explicit Deny in another policy of the same principal removes the path.
#
# Proves: AWS evaluates all the policies that apply to a principal together (its managed and
# inline policies and those of its groups), and an explicit Deny in any of them overrides an
# Allow in any other.
#   - `app_denied` (role): the shared managed policy allows iam:PutRolePolicy on app-* roles,
#     its own inline policy denies it: quiet.
#   - `denied_by_group` (user): its user policy allows passing the privileged Lambda role and
#     creating and invoking functions; its group `guardrails` denies iam:PassRole: quiet.
#
# Controls, the same grants without the Deny, are flagged:
#   - `app_control` (path: iam-put-role-policy-self)
#   - `no_guardrail` (path: lambda-create-function-invoke)

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

# ------------------------------------------------------------------ two roles, one shared policy

resource "aws_iam_policy" "app_self_service" {
  name = "app-self-service"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PutRolePolicy"
      Resource = "arn:aws:iam::111122223333:role/app-*"
    }]
  })
}

resource "aws_iam_role" "app_denied" {
  name               = "app-denied"
  assume_role_policy = local.human_trust
}

resource "aws_iam_role_policy_attachment" "app_denied" {
  role       = aws_iam_role.app_denied.name
  policy_arn = aws_iam_policy.app_self_service.arn
}

resource "aws_iam_role_policy" "app_denied_guard" {
  name = "guard"
  role = aws_iam_role.app_denied.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Deny"
      Action   = "iam:PutRolePolicy"
      Resource = "*"
    }]
  })
}

# path: iam-put-role-policy-self
resource "aws_iam_role" "app_control" {
  name               = "app-control"
  assume_role_policy = local.human_trust
}

resource "aws_iam_role_policy_attachment" "app_control" {
  role       = aws_iam_role.app_control.name
  policy_arn = aws_iam_policy.app_self_service.arn
}

# ------------------------------------------------------------------ a user and its group

# The privileged Lambda execution role: a full administrator (Action "*" on "*").
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
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

resource "aws_iam_policy" "deploy_functions" {
  name = "deploy-functions"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
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

resource "aws_iam_group" "guardrails" {
  name = "guardrails"
}

resource "aws_iam_group_policy" "guardrails" {
  name  = "no-pass-role"
  group = aws_iam_group.guardrails.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Deny"
      Action   = "iam:PassRole"
      Resource = "*"
    }]
  })
}

resource "aws_iam_user" "denied_by_group" {
  name = "denied-by-group"
}

resource "aws_iam_user_policy_attachment" "denied_by_group" {
  user       = aws_iam_user.denied_by_group.name
  policy_arn = aws_iam_policy.deploy_functions.arn
}

resource "aws_iam_user_group_membership" "denied_by_group" {
  user   = aws_iam_user.denied_by_group.name
  groups = [aws_iam_group.guardrails.name]
}

# path: lambda-create-function-invoke
resource "aws_iam_user" "no_guardrail" {
  name = "no-guardrail"
}

resource "aws_iam_user_policy_attachment" "no_guardrail" {
  user       = aws_iam_user.no_guardrail.name
  policy_arn = aws_iam_policy.deploy_functions.arn
}
