# SOD112 and iam:PolicyARN: a condition naming the policies that may be attached bounds the grant.
#
# Proves: `readonly_granter` may attach policies to every user, but only when the request's
# iam:PolicyARN (which AttachUserPolicy requests carry, Service Authorization Reference) is
# ReadOnlyAccess: it can hand out nothing but read-only access (quiet). `managed_granter`'s
# condition admits every AWS-managed policy (ArnLike arn:aws:iam::aws:policy/*), AdministratorAccess
# among them: that bounds nothing (reported).

resource "aws_iam_role" "readonly_granter" {
  name = "readonly-granter"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "readonly_granter" {
  name = "grant-read-only"
  role = aws_iam_role.readonly_granter.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "iam:AttachUserPolicy"
      Resource  = "arn:aws:iam::*:user/*"
      Condition = { ArnEquals = { "iam:PolicyARN" = "arn:aws:iam::aws:policy/ReadOnlyAccess" } }
    }]
  })
}

resource "aws_iam_role" "managed_granter" {
  name = "managed-granter"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "managed_granter" {
  name = "grant-any-managed-policy"
  role = aws_iam_role.managed_granter.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "iam:AttachUserPolicy"
      Resource  = "arn:aws:iam::*:user/*"
      Condition = { ArnLike = { "iam:PolicyARN" = "arn:aws:iam::aws:policy/*" } }
    }]
  })
}
