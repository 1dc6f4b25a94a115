# SOD111 negative: an MFA-only break-glass role is not reachable from an instance role.
#
# Proves: a trust policy that requires aws:MultiFactorAuthPresent "true" (Bool or
# BoolIfExists) cannot be met by a role session: the EC2 instance role `app` calls with the
# temporary credentials of its role session, which carry the key as false (IAM User Guide,
# "AWS global condition context keys": aws:MultiFactorAuthPresent; a role session or a
# service cannot carry MFA, DESIGN.md). `app` may sts:AssumeRole on role/break-*, and the
# trust delegates to the account, yet it is neither a full administrator nor able to
# escalate. The break-glass role itself, holding AdministratorAccess, is (SOD111). The user
# `oncall` may meet the condition (MFA sign-in): it "possibly" reaches the role, an
# escalation (SOD110), not a certain full administrator.

resource "aws_iam_role" "break_glass" {
  name = "break-glass"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "break_glass" {
  role       = aws_iam_role.break_glass.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "app" {
  name = "assume-break-glass"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::*:role/break-*" }]
  })
}

resource "aws_iam_user" "oncall" {
  name = "oncall"
}

resource "aws_iam_user_policy" "oncall" {
  name = "break-glass"
  user = aws_iam_user.oncall.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.break_glass.arn }]
  })
}
