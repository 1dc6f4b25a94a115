# Negative: a policy with only Deny statements grants nothing.
#
# Proves: AWS denies every request by default (implicit deny) and a Deny statement never
# grants anything, so a principal whose policies only deny holds no permission at all, however
# many escalation actions those Deny statements name. `guarded` and `guarded_role` carry a
# "guardrail" policy that lists escalation actions and NotAction patterns, all with
# Effect Deny: both stay quiet.
#
# Control: `control` has the same actions with Effect Allow
# (path: iam-put-user-policy-self): it is flagged.

resource "aws_iam_policy" "guardrail" {
  name = "guardrail"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "NoSelfService"
        Effect = "Deny"
        Action = [
          "iam:AttachUserPolicy",
          "iam:PutUserPolicy",
          "iam:AttachRolePolicy",
          "iam:PutRolePolicy",
          "iam:CreatePolicyVersion",
          "iam:PassRole"
        ]
        Resource = "*"
      },
      {
        Sid       = "NothingOutsideReads"
        Effect    = "Deny"
        NotAction = ["s3:Get*", "s3:List*"]
        Resource  = "*"
      }
    ]
  })
}

resource "aws_iam_user" "guarded" {
  name = "guarded"
}

resource "aws_iam_user_policy_attachment" "guarded" {
  user       = aws_iam_user.guarded.name
  policy_arn = aws_iam_policy.guardrail.arn
}

resource "aws_iam_role" "guarded_role" {
  name = "guarded-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "guarded_role" {
  role       = aws_iam_role.guarded_role.name
  policy_arn = aws_iam_policy.guardrail.arn
}

# path: iam-put-user-policy-self
resource "aws_iam_user" "control" {
  name = "control"
}

resource "aws_iam_user_policy" "control" {
  name = "self-service"
  user = aws_iam_user.control.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachUserPolicy", "iam:PutUserPolicy"]
      Resource = aws_iam_user.control.arn
    }]
  })
}
