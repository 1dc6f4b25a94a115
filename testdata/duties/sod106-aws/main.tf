# SOD106 on AWS: identity provisioning (IAM Identity Center identity store, Cognito) together
# with entitlement assignment (Identity Center account assignments, Cognito groups that carry
# an IAM role).
#
# Per the IAM Identity Center and Cognito API references: identitystore:CreateUser and
# CreateGroupMembership create people and memberships; sso:CreateAccountAssignment gives a user
# or group a permission set in an account; cognito-idp:AdminAddUserToGroup adds a user to a
# group, and a group with a role_arn hands that IAM role to its members.
#
# Proves:
#   - `joiner` can create users and create account assignments: flagged.
#   - `hr_sync` only creates users and group memberships (an HR/SCIM sync): quiet.
#   - `access_governance` only assigns permission sets to existing groups: quiet.
#   - `pool_admin` creates Cognito users and adds users to groups of `customers`, whose `admins`
#     group carries an IAM role: flagged.
#   - `forum_admin` does the same on `forum`, whose groups carry no IAM role: quiet.
#   - `admin` holds `*` (every duty): reported by SOD111, not again by SOD106.
locals {
  trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_iam_role" "joiner" {
  name               = "joiner"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "joiner" {
  name = "joiner"
  role = aws_iam_role.joiner.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["identitystore:CreateUser", "sso:CreateAccountAssignment"], Resource = "*" }]
  })
}

resource "aws_iam_role" "hr_sync" {
  name               = "hr-sync"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "hr_sync" {
  name = "hr-sync"
  role = aws_iam_role.hr_sync.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["identitystore:CreateUser", "identitystore:CreateGroupMembership"], Resource = "*" }]
  })
}

resource "aws_iam_role" "access_governance" {
  name               = "access-governance"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "access_governance" {
  name = "access-governance"
  role = aws_iam_role.access_governance.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sso:CreateAccountAssignment", "sso:ProvisionPermissionSet"], Resource = "*" }]
  })
}

resource "aws_cognito_user_pool" "customers" {
  name = "customers"
}

resource "aws_iam_role" "customer_admins" {
  name               = "customer-admins"
  assume_role_policy = local.trust
}

resource "aws_cognito_user_group" "admins" {
  name         = "admins"
  user_pool_id = aws_cognito_user_pool.customers.id
  role_arn     = aws_iam_role.customer_admins.arn
}

resource "aws_cognito_user_pool" "forum" {
  name = "forum"
}

resource "aws_cognito_user_group" "moderators" {
  name         = "moderators"
  user_pool_id = aws_cognito_user_pool.forum.id
}

resource "aws_iam_role" "pool_admin" {
  name               = "pool-admin"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "pool_admin" {
  name = "pool-admin"
  role = aws_iam_role.pool_admin.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup"], Resource = aws_cognito_user_pool.customers.arn }]
  })
}

resource "aws_iam_role" "forum_admin" {
  name               = "forum-admin"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "forum_admin" {
  name = "forum-admin"
  role = aws_iam_role.forum_admin.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup"], Resource = aws_cognito_user_pool.forum.arn }]
  })
}

resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "admin" {
  name = "admin"
  role = aws_iam_role.admin.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
