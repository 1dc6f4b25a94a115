# SOD112: a role that may rewrite a customer-managed policy attached to another role.
#
# Proves: iam:CreatePolicyVersion (with SetAsDefault) replaces the document of a managed policy,
# so whoever may call it on `reports` decides what the role `reporting` (to which `reports` is
# attached) holds. `policy_editor` cannot assume `reporting`, so this is a grant to another
# principal, not escalation (SOD110). The grant is lateral to `reporting` only: the statement
# names one policy.
#
# `orphan_editor` may rewrite `drafts`, a policy the code attaches to nobody: it grants nothing
# to anyone (quiet).

resource "aws_iam_role" "reporting" {
  name = "reporting"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_policy" "reports" {
  name = "reports"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" }]
  })
}

resource "aws_iam_role_policy_attachment" "reporting" {
  role       = aws_iam_role.reporting.name
  policy_arn = aws_iam_policy.reports.arn
}

resource "aws_iam_policy" "drafts" {
  name = "drafts"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::drafts/*" }]
  })
}

resource "aws_iam_role" "policy_editor" {
  name = "policy-editor"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "policy_editor" {
  name = "edit-reports-policy"
  role = aws_iam_role.policy_editor.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:CreatePolicyVersion"
        Resource = aws_iam_policy.reports.arn
      }
    ]
  })
}

resource "aws_iam_role" "orphan_editor" {
  name = "orphan-editor"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "orphan_editor" {
  name = "edit-drafts-policy"
  role = aws_iam_role.orphan_editor.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:CreatePolicyVersion"
        Resource = aws_iam_policy.drafts.arn
      }
    ]
  })
}
