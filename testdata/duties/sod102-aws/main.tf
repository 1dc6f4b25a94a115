# SOD102 on AWS: administering roles (create them, write their policies and trust) and
# passing roles to services (iam:PassRole: act through them), on the same set of roles.
# The roles are under the path /app/, not the principal itself, so this is not privilege
# escalation (SOD110): it is the held combination of duties.
#
# Proves:
#   - `platform` may create and change roles under /app/ and pass them: flagged.
#   - `deployer` may only pass them, `role_author` may only administer them: quiet.
locals {
  trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_role" "platform" {
  name               = "platform"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "platform" {
  name = "app-roles"
  role = aws_iam_role.platform.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"], Resource = "arn:aws:iam::111122223333:role/app/*" },
      { Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/app/*" }
    ]
  })
}

resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "deployer" {
  name = "pass-app-roles"
  role = aws_iam_role.deployer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/app/*" }]
  })
}

resource "aws_iam_role" "role_author" {
  name               = "role-author"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "role_author" {
  name = "author-app-roles"
  role = aws_iam_role.role_author.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["iam:CreateRole", "iam:PutRolePolicy"], Resource = "arn:aws:iam::111122223333:role/app/*" }]
  })
}
