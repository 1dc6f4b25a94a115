# Catalog coverage: escalation by changing one's own policies.
#
# Proves: a principal whose identity policies Allow one IAM write on its own identity, or on a
# customer-managed policy attached to it, can raise its own power. Per AWS's evaluation logic an
# identity-based Allow with no explicit Deny, no permissions boundary and no SCP is the effective
# permission, so each principal below holds its path. The catalog path each principal
# demonstrates is named in the `# path:` comment above it.
#
# `auditor` may read IAM and nothing more: it stays quiet.

locals {
  account_id = "111122223333"
  # Roles below are assumed by people of the account (AWS: the account root as principal
  # delegates the decision to the identity policies of the account's principals).
  human_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
    }]
  })
}

# path: iam-create-policy-version
resource "aws_iam_user" "policy_rewriter" {
  name = "policy-rewriter"
}

resource "aws_iam_policy" "policy_rewriter" {
  name = "policy-rewriter"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:CreatePolicyVersion"
      Resource = "arn:aws:iam::${local.account_id}:policy/policy-rewriter"
    }]
  })
}

resource "aws_iam_user_policy_attachment" "policy_rewriter" {
  user       = aws_iam_user.policy_rewriter.name
  policy_arn = aws_iam_policy.policy_rewriter.arn
}

# path: iam-set-default-policy-version
resource "aws_iam_role" "version_switcher" {
  name               = "version-switcher"
  assume_role_policy = local.human_trust
}

resource "aws_iam_policy" "version_switcher" {
  name = "version-switcher"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:SetDefaultPolicyVersion", "iam:ListPolicyVersions"]
      Resource = "arn:aws:iam::${local.account_id}:policy/version-switcher"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "version_switcher" {
  role       = aws_iam_role.version_switcher.name
  policy_arn = aws_iam_policy.version_switcher.arn
}

# path: iam-attach-user-policy-self
resource "aws_iam_user" "self_attacher" {
  name = "self-attacher"
}

resource "aws_iam_user_policy" "self_attacher" {
  name = "manage-own-policies"
  user = aws_iam_user.self_attacher.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachUserPolicy", "iam:ListAttachedUserPolicies"]
      Resource = aws_iam_user.self_attacher.arn
    }]
  })
}

# path: iam-attach-role-policy-self
resource "aws_iam_role" "self_attacher" {
  name               = "self-attacher"
  assume_role_policy = local.human_trust
}

resource "aws_iam_role_policy" "self_attacher" {
  name = "manage-own-policies"
  role = aws_iam_role.self_attacher.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:AttachRolePolicy"
      Resource = aws_iam_role.self_attacher.arn
    }]
  })
}

# path: iam-put-user-policy-self
resource "aws_iam_user" "self_writer" {
  name = "self-writer"
}

resource "aws_iam_user_policy" "self_writer" {
  name = "manage-own-inline"
  user = aws_iam_user.self_writer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PutUserPolicy", "iam:GetUserPolicy"]
      Resource = aws_iam_user.self_writer.arn
    }]
  })
}

# path: iam-put-role-policy-self
resource "aws_iam_role" "self_writer" {
  name               = "self-writer"
  assume_role_policy = local.human_trust
}

resource "aws_iam_role_policy" "self_writer" {
  name = "manage-own-inline"
  role = aws_iam_role.self_writer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PutRolePolicy"
      Resource = "arn:aws:iam::${local.account_id}:role/self-writer"
    }]
  })
}

# Quiet: reads IAM, changes nothing.
resource "aws_iam_user" "auditor" {
  name = "auditor"
}

resource "aws_iam_user_policy" "auditor" {
  name = "read-iam"
  user = aws_iam_user.auditor.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:Get*", "iam:List*"]
      Resource = "*"
    }]
  })
}
