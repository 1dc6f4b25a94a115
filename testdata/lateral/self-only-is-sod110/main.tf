# SOD112 leaves escalation to SOD110.
#
# Proves: `self_attacher` may attach managed policies to its own role only (Resource is its own
# ARN): it grants nothing to any other principal, and giving itself any policy is escalation
# (SOD110 iam-attach-role-policy-self), no SOD112. `all_roles_attacher` may attach policies to every
# role, itself included: a certain SOD110, which hides the lateral grant to `app` (DESIGN.md: a
# certain SOD110 hides the combined-duty findings of that principal).

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role" "self_attacher" {
  name = "self-attacher"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "self_attacher" {
  name = "attach-to-itself"
  role = aws_iam_role.self_attacher.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:AttachRolePolicy"
      Resource = aws_iam_role.self_attacher.arn
    }]
  })
}

resource "aws_iam_role" "all_roles_attacher" {
  name = "all-roles-attacher"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "all_roles_attacher" {
  name = "attach-to-every-role"
  role = aws_iam_role.all_roles_attacher.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:AttachRolePolicy"
      Resource = "arn:aws:iam::*:role/*"
    }]
  })
}
