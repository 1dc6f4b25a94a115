# Positive a per-policy check misses: the path is reachable only by assuming another role.
#
# Proves: a principal that can assume a role (its trust policy names the principal, and the
# principal may call sts:AssumeRole on it) can act with that role's permissions, and the
# roles that role can assume in turn. `deployer` may write inline policies on itself
# (path: iam-put-role-policy-self), so:
#   - `deployer` is flagged;
#   - `dev` can assume `deployer` directly: through it, dev can raise its own power. Flagged;
#   - `intern` can assume `jump`, and `jump` can assume `deployer`: both are flagged
#     (role chaining, two hops).
# Each of `dev`, `jump` and `intern` holds no escalation permission of its own.
#
# `outsider` may call sts:AssumeRole on any role, but no trust policy names it: quiet.

# path: iam-put-role-policy-self
resource "aws_iam_role" "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = [aws_iam_user.dev.arn, aws_iam_role.jump.arn] }
    }]
  })
}

resource "aws_iam_role_policy" "deployer" {
  name = "self-service"
  role = aws_iam_role.deployer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PutRolePolicy", "iam:GetRolePolicy"]
      Resource = "arn:aws:iam::111122223333:role/deployer"
    }]
  })
}

resource "aws_iam_user" "dev" {
  name = "dev"
}

resource "aws_iam_user_policy" "dev" {
  name = "assume-deployer"
  user = aws_iam_user.dev.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "arn:aws:iam::111122223333:role/deployer"
    }]
  })
}

resource "aws_iam_role" "jump" {
  name = "jump"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = aws_iam_user.intern.arn }
    }]
  })
}

resource "aws_iam_role_policy" "jump" {
  name = "assume-deployer"
  role = aws_iam_role.jump.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "arn:aws:iam::111122223333:role/deployer"
    }]
  })
}

resource "aws_iam_user" "intern" {
  name = "intern"
}

resource "aws_iam_user_policy" "intern" {
  name = "assume-jump"
  user = aws_iam_user.intern.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = aws_iam_role.jump.arn
    }]
  })
}

resource "aws_iam_user" "outsider" {
  name = "outsider"
}

resource "aws_iam_user_policy" "outsider" {
  name = "assume-anything"
  user = aws_iam_user.outsider.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "*"
    }]
  })
}
