# Catalog coverage: escalation by removing or replacing one's own permissions boundary.
#
# Proves: per AWS's evaluation logic a principal with a permissions boundary holds only what
# both its identity policies and the boundary allow. Each principal below is granted DynamoDB
# by its identity policy but capped by `team-boundary` to CloudWatch Logs. The boundary also
# (wrongly) lets it manage boundaries, so it can drop or swap its own boundary and then hold
# DynamoDB too. The catalog path each principal demonstrates is named above it.

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

# The boundary: logs, plus boundary management that should have been denied.
resource "aws_iam_policy" "team_boundary" {
  name = "team-boundary"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "logs:*"
        Resource = "*"
      },
      {
        Effect = "Allow"
        Action = [
          "iam:DeleteUserPermissionsBoundary",
          "iam:PutUserPermissionsBoundary",
          "iam:DeleteRolePermissionsBoundary",
          "iam:PutRolePermissionsBoundary"
        ]
        Resource = "*"
      }
    ]
  })
}

# What each principal's own policy grants beyond the boundary.
resource "aws_iam_policy" "data_work" {
  name = "data-work"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:*", "logs:*"]
      Resource = "*"
    }]
  })
}

# path: iam-delete-user-permissions-boundary
resource "aws_iam_user" "boundary_dropper" {
  name                 = "boundary-dropper"
  permissions_boundary = aws_iam_policy.team_boundary.arn
}

resource "aws_iam_user_policy_attachment" "boundary_dropper" {
  user       = aws_iam_user.boundary_dropper.name
  policy_arn = aws_iam_policy.data_work.arn
}

resource "aws_iam_user_policy" "boundary_dropper" {
  name = "own-boundary"
  user = aws_iam_user.boundary_dropper.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:DeleteUserPermissionsBoundary"
      Resource = aws_iam_user.boundary_dropper.arn
    }]
  })
}

# path: iam-put-user-permissions-boundary
resource "aws_iam_user" "boundary_swapper" {
  name                 = "boundary-swapper"
  permissions_boundary = aws_iam_policy.team_boundary.arn
}

resource "aws_iam_user_policy_attachment" "boundary_swapper" {
  user       = aws_iam_user.boundary_swapper.name
  policy_arn = aws_iam_policy.data_work.arn
}

resource "aws_iam_user_policy" "boundary_swapper" {
  name = "own-boundary"
  user = aws_iam_user.boundary_swapper.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PutUserPermissionsBoundary"
      Resource = aws_iam_user.boundary_swapper.arn
    }]
  })
}

# path: iam-delete-role-permissions-boundary
resource "aws_iam_role" "boundary_dropper" {
  name                 = "boundary-dropper"
  assume_role_policy   = local.human_trust
  permissions_boundary = aws_iam_policy.team_boundary.arn
}

resource "aws_iam_role_policy_attachment" "boundary_dropper" {
  role       = aws_iam_role.boundary_dropper.name
  policy_arn = aws_iam_policy.data_work.arn
}

resource "aws_iam_role_policy" "boundary_dropper" {
  name = "own-boundary"
  role = aws_iam_role.boundary_dropper.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:DeleteRolePermissionsBoundary"
      Resource = aws_iam_role.boundary_dropper.arn
    }]
  })
}

# path: iam-put-role-permissions-boundary
resource "aws_iam_role" "boundary_swapper" {
  name                 = "boundary-swapper"
  assume_role_policy   = local.human_trust
  permissions_boundary = aws_iam_policy.team_boundary.arn
}

resource "aws_iam_role_policy_attachment" "boundary_swapper" {
  role       = aws_iam_role.boundary_swapper.name
  policy_arn = aws_iam_policy.data_work.arn
}

resource "aws_iam_role_policy" "boundary_swapper" {
  name = "own-boundary"
  role = aws_iam_role.boundary_swapper.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PutRolePermissionsBoundary"
      Resource = aws_iam_role.boundary_swapper.arn
    }]
  })
}
