# Catalog coverage: escalation through IAM groups.
#
# Proves: a user holds the policies of every group it belongs to (AWS evaluates a user's own
# policies together with its groups' policies), so a user that may change the policies of its
# own group, or may add itself to a more privileged group, can raise its own power. The catalog
# path each user demonstrates is named in the `# path:` comment above it.
#
# The groups themselves hold only what is written on them and stay quiet.

# Everyone's team group: read-only CloudWatch Logs.
resource "aws_iam_group" "engineers" {
  name = "engineers"
}

resource "aws_iam_group_policy" "engineers" {
  name  = "read-logs"
  group = aws_iam_group.engineers.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:Describe*", "logs:Get*", "logs:FilterLogEvents"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_group_membership" "engineers" {
  name  = "engineers"
  group = aws_iam_group.engineers.name
  users = [aws_iam_user.group_attacher.name, aws_iam_user.group_writer.name]
}

# A more privileged group: full control of every DynamoDB table.
resource "aws_iam_group" "dba" {
  name = "dba"
}

resource "aws_iam_group_policy" "dba" {
  name  = "data-admin"
  group = aws_iam_group.dba.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "dynamodb:*"
      Resource = "*"
    }]
  })
}

# path: iam-attach-group-policy
resource "aws_iam_user" "group_attacher" {
  name = "group-attacher"
}

resource "aws_iam_user_policy" "group_attacher" {
  name = "manage-team-group"
  user = aws_iam_user.group_attacher.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachGroupPolicy", "iam:ListAttachedGroupPolicies"]
      Resource = aws_iam_group.engineers.arn
    }]
  })
}

# path: iam-put-group-policy
resource "aws_iam_user" "group_writer" {
  name = "group-writer"
}

resource "aws_iam_user_policy" "group_writer" {
  name = "manage-team-group-inline"
  user = aws_iam_user.group_writer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PutGroupPolicy"
      Resource = aws_iam_group.engineers.arn
    }]
  })
}

# path: iam-add-user-to-group
resource "aws_iam_user" "group_joiner" {
  name = "group-joiner"
}

resource "aws_iam_user_group_membership" "group_joiner" {
  user   = aws_iam_user.group_joiner.name
  groups = [aws_iam_group.engineers.name]
}

resource "aws_iam_user_policy" "group_joiner" {
  name = "manage-memberships"
  user = aws_iam_user.group_joiner.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:AddUserToGroup"
      Resource = "arn:aws:iam::111122223333:group/dba"
    }]
  })
}
