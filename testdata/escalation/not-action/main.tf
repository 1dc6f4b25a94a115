# Positive a per-policy check misses: the path is granted through NotAction.
#
# Proves: an Allow with NotAction grants every action except those listed, on the resources
# the statement names (AWS: "NotAction with Allow ... allows all actions not listed"). A check
# that looks only for escalation actions written in Action does not see them.
#   - `policy_owner`: its attached policy `own-rules` allows everything but deleting, on the
#     policy's own ARN, which includes iam:CreatePolicyVersion on it
#     (path: iam-create-policy-version). Flagged.
#   - `self_manager`: allowed everything but deleting itself, on its own user ARN, which
#     includes iam:PutUserPolicy on itself (path: iam-put-user-policy-self). Flagged.
#
# `careful_owner` excludes both ways of changing its policy's content in NotAction
# (CreatePolicyVersion, SetDefaultPolicyVersion); what is left on its policy (reading, tagging,
# deleting it) raises nothing. Quiet.

# path: iam-create-policy-version
resource "aws_iam_role" "policy_owner" {
  name = "policy-owner"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
    }]
  })
}

resource "aws_iam_policy" "own_rules" {
  name = "own-rules"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      NotAction = ["iam:DeletePolicy", "iam:DeletePolicyVersion"]
      Resource  = "arn:aws:iam::111122223333:policy/own-rules"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "policy_owner" {
  role       = aws_iam_role.policy_owner.name
  policy_arn = aws_iam_policy.own_rules.arn
}

# path: iam-put-user-policy-self
resource "aws_iam_user" "self_manager" {
  name = "self-manager"
}

resource "aws_iam_user_policy" "self_manager" {
  name = "anything-but-delete-me"
  user = aws_iam_user.self_manager.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      NotAction = "iam:DeleteUser"
      Resource  = aws_iam_user.self_manager.arn
    }]
  })
}

resource "aws_iam_user" "careful_owner" {
  name = "careful-owner"
}

resource "aws_iam_policy" "careful_rules" {
  name = "careful-rules"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      NotAction = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"]
      Resource  = "arn:aws:iam::111122223333:policy/careful-rules"
    }]
  })
}

resource "aws_iam_user_policy_attachment" "careful_owner" {
  user       = aws_iam_user.careful_owner.name
  policy_arn = aws_iam_policy.careful_rules.arn
}
