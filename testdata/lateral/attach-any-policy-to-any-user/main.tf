# SOD112: a role that may attach any managed policy to any IAM user.
#
# Proves: iam:AttachUserPolicy on arn:aws:iam::*:user/* with no condition lets the role attach
# AdministratorAccess (or anything else) to every user, the user `alice` of the code and any user
# outside it, although the role holds nothing of the kind itself. It is not escalation (SOD110): a
# role is never a user, so it cannot give itself the policy (AWS: AttachUserPolicy acts on users
# only, Service Authorization Reference), but the permissions it hands out are unbounded.

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_role" "onboarding" {
  name = "onboarding"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "onboarding" {
  name = "attach-user-policies"
  role = aws_iam_role.onboarding.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["iam:AttachUserPolicy", "iam:ListUsers"]
        Resource = "arn:aws:iam::*:user/*"
      }
    ]
  })
}
