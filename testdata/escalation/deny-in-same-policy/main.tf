# Negative: an explicit Deny in the same policy removes the path.
#
# Proves: AWS evaluates every statement and an explicit Deny overrides any Allow, whatever the
# order and however the actions are spelled. `denied` is allowed to attach and write policies
# on itself, but the same policy denies iam:Attach* and iam:Put* on every resource: it holds
# no escalation path and stays quiet.
#
# Control: `control` has the same Allow, but its Deny covers only detaching, which does not
# block the path (path: iam-attach-user-policy-self): it is flagged.

resource "aws_iam_user" "denied" {
  name = "denied"
}

resource "aws_iam_user_policy" "denied" {
  name = "own-policies-guarded"
  user = aws_iam_user.denied.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ManageOwnPolicies"
        Effect   = "Allow"
        Action   = ["iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:ListAttachedUserPolicies"]
        Resource = aws_iam_user.denied.arn
      },
      {
        Sid      = "ButNeverAddAny"
        Effect   = "Deny"
        Action   = ["iam:Attach*", "iam:Put*"]
        Resource = "*"
      }
    ]
  })
}

# path: iam-attach-user-policy-self
resource "aws_iam_user" "control" {
  name = "control"
}

resource "aws_iam_user_policy" "control" {
  name = "own-policies-guarded"
  user = aws_iam_user.control.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ManageOwnPolicies"
        Effect   = "Allow"
        Action   = ["iam:AttachUserPolicy", "iam:ListAttachedUserPolicies"]
        Resource = aws_iam_user.control.arn
      },
      {
        Sid      = "ButNeverRemoveAny"
        Effect   = "Deny"
        Action   = "iam:Detach*"
        Resource = "*"
      }
    ]
  })
}
