# SOD112 and explicit Deny: a Deny that certainly applies removes the grant (policy evaluation
# logic: an explicit Deny overrides any Allow).
#
# Proves: `helpdesk` is allowed every iam:Attach*/Put* action on every resource by one policy,
# but a second policy denies attaching or writing policies for users, roles and groups, and
# rewriting managed policies, on every resource: it can grant nothing (quiet).

resource "aws_iam_role" "helpdesk" {
  name = "helpdesk"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "helpdesk_allow" {
  name = "iam-writes"
  role = aws_iam_role.helpdesk.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AttachGroupPolicy", "iam:PutGroupPolicy"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "helpdesk_deny" {
  name = "no-policy-grants"
  role = aws_iam_role.helpdesk.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Deny"
      Action   = ["iam:Attach*Policy", "iam:Put*Policy"]
      Resource = "*"
    }]
  })
}
