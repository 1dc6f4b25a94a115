# Proves: assuming a role is escalation only when the role gives power the principal lacks.
# AWS: a role session has exactly the permissions of the role assumed (IAM User Guide,
# "Switching to an IAM role": the permissions of the original principal do not add up), so
#   - `self_assumer` may sts:AssumeRole on "*" and its trust policy admits itself: assuming
#     itself gives it nothing it does not hold. No SOD110;
#   - `team_a` and `team_b` may assume each other (each trust names the other). Each holds
#     ordinary data permissions (a table, a bucket): reaching the other is lateral access
#     (shown by `sod-iac access`, counted by reader/writer sets and SOD121), not escalation.
#     No SOD110 for either;
#   - `builder` may assume `policy_writer`, which may write inline policies on every role
#     (iam:PutRolePolicy on *, an escalation path of its own): SOD110 for both;
#   - `ops` may assume `admin` (AdministratorAccess): through it ops holds every action, which
#     SOD111 reports (as for `admin`); SOD110 leaves full administrators to SOD111.

locals {
  account = "111122223333"
}

resource "aws_iam_role" "self_assumer" {
  name = "self-assumer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${local.account}:role/self-assumer" }
    }]
  })
}

resource "aws_iam_role_policy" "self_assumer" {
  name = "read-and-assume"
  role = aws_iam_role.self_assumer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" },
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::reports/*" },
    ]
  })
}

resource "aws_iam_role" "team_a" {
  name = "team-a"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${local.account}:role/team-b" }
    }]
  })
}

resource "aws_iam_role_policy" "team_a" {
  name = "orders-table"
  role = aws_iam_role.team_a.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::${local.account}:role/team-b" },
      { Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
        Resource = "arn:aws:dynamodb:eu-west-1:${local.account}:table/orders" },
    ]
  })
}

resource "aws_iam_role" "team_b" {
  name = "team-b"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${local.account}:role/team-a" }
    }]
  })
}

resource "aws_iam_role_policy" "team_b" {
  name = "invoices-bucket"
  role = aws_iam_role.team_b.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::${local.account}:role/team-a" },
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource = "arn:aws:s3:::invoices/*" },
    ]
  })
}

resource "aws_iam_role" "policy_writer" {
  name = "policy-writer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = aws_iam_role.builder.arn }
    }]
  })
}

resource "aws_iam_role_policy" "policy_writer" {
  name = "write-role-policies"
  role = aws_iam_role.policy_writer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PutRolePolicy", Resource = "*" }]
  })
}

resource "aws_iam_role" "builder" {
  name = "builder"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "builder" {
  name = "assume-policy-writer"
  role = aws_iam_role.builder.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.policy_writer.arn },
      { Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::artifacts/*" },
    ]
  })
}

resource "aws_iam_role" "admin" {
  name = "admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = aws_iam_role.ops.arn }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "ops" {
  name = "assume-admin"
  role = aws_iam_role.ops.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.admin.arn }]
  })
}
