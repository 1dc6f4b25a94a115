# SOD112 and iam:PermissionsBoundary: AWS's pattern for delegating IAM administration.
#
# Proves: `delegated_admin` may write and attach policies on every role, but only on roles that
# carry the permissions boundary `workload_boundary` (StringEquals iam:PermissionsBoundary, which
# PutRolePolicy and AttachRolePolicy requests carry). The boundary caps what any policy gives such a
# role (IAM User Guide, "Permissions boundaries for IAM entities"), so the grant is bounded (quiet).
# The same condition keeps it from escalating through its own role, which has no such boundary.

resource "aws_iam_policy" "workload_boundary" {
  name = "workload-boundary"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "*" }]
  })
}

resource "aws_iam_role" "workload" {
  name                 = "workload"
  permissions_boundary = aws_iam_policy.workload_boundary.arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role" "delegated_admin" {
  name = "delegated-admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "delegated_admin" {
  name = "manage-bounded-roles"
  role = aws_iam_role.delegated_admin.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PutRolePolicy", "iam:AttachRolePolicy"]
      Resource = "arn:aws:iam::*:role/*"
      Condition = {
        StringEquals = { "iam:PermissionsBoundary" = aws_iam_policy.workload_boundary.arn }
      }
    }]
  })
}
