# Negative for SOD102 (and SOD110) where the only roles a principal may administer and act as
# are service-linked roles; positive twin on customer roles.
#
# AWS: the path `/aws-service-role/` is reserved to service-linked roles (IAM User Guide, "Using
# service-linked roles"). Their trust policy names only the service and cannot be edited, and IAM
# answers UnmodifiableEntity to iam:AttachRolePolicy, iam:PutRolePolicy and
# iam:UpdateAssumeRolePolicy on them; they are created and deleted only through
# iam:CreateServiceLinkedRole / iam:DeleteServiceLinkedRole. A grant confined to
# `role/aws-service-role/*` therefore lets no one administer, assume or act as a role of their
# choosing.
#
# Proves:
#   - `slr_ops` (those actions on `role/aws-service-role/*` only): no SOD102, no SOD110.
#   - `role_ops` (the same actions on `role/app-*`, customer roles): SOD102 (it may change an
#     app role's policies and trust, and pass or assume it), evidence at its statement.
resource "aws_iam_user" "slr_ops" {
  name = "slr-ops"
}

resource "aws_iam_user_policy" "slr_ops" {
  name = "service-linked-roles"
  user = aws_iam_user.slr_ops.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "sts:AssumeRole", "iam:PassRole"]
      Resource = "arn:aws:iam::*:role/aws-service-role/*"
    }]
  })
}

resource "aws_iam_user" "role_ops" {
  name = "role-ops"
}

resource "aws_iam_user_policy" "role_ops" {
  name = "app-roles"
  user = aws_iam_user.role_ops.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "sts:AssumeRole", "iam:PassRole"]
      Resource = "arn:aws:iam::*:role/app-*"
    }]
  })
}
