# Proves: SOD120 finds the write a CI role really holds, whatever else its policies name.
# Both CI roles are assumable by GitHub Actions from any branch of acme/app (sub
# `repo:acme/app:*`), and each holds exactly one write action: sqs:SendMessage on the builds
# queue (AWS service reference: access level Write). Around it sit thousands of actions they
# cannot use:
#   - `ci` may call sts:AssumeRole on `admin` (AdministratorAccess), but admin's trust policy
#     admits ci only from 203.0.113.0/24 (aws:SourceIp): a condition a CI run cannot satisfy
#     at will, so ci never holds admin's actions. SOD120 (the SQS write);
#   - `ci_bounded` has AdministratorAccess attached but a permissions boundary allowing only
#     sqs:SendMessage: AWS grants the intersection, that one action. SOD120;
#   - `ci_office` may do anything, but only from 203.0.113.0/24 (aws:SourceIp, a condition
#     it cannot satisfy at will), and sqs:SendMessage without condition. SOD120;
#   - `ci_reader` reaches admin the same restricted way and holds only s3:GetObject (Read):
#     it cannot change anything. No SOD120.
# `admin` itself is a full administrator: SOD111.

resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

locals {
  github_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:acme/app:*" } }
    }]
  })
  send_builds = { Effect = "Allow", Action = "sqs:SendMessage", Resource = "arn:aws:sqs:eu-west-1:111122223333:builds" }
}

resource "aws_iam_role" "ci" {
  name               = "ci"
  assume_role_policy = local.github_trust
}

resource "aws_iam_role_policy" "ci" {
  name = "ci"
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.admin.arn },
      local.send_builds,
    ]
  })
}

resource "aws_iam_role" "ci_reader" {
  name               = "ci-reader"
  assume_role_policy = local.github_trust
}

resource "aws_iam_role_policy" "ci_reader" {
  name = "ci-reader"
  role = aws_iam_role.ci_reader.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.admin.arn },
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
      Principal = { AWS = ["arn:aws:iam::111122223333:role/ci", "arn:aws:iam::111122223333:role/ci-reader"] }
      Condition = { IpAddress = { "aws:SourceIp" = "203.0.113.0/24" } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_policy" "sqs_only" {
  name   = "sqs-only"
  policy = jsonencode({ Version = "2012-10-17", Statement = [local.send_builds] })
}

resource "aws_iam_role" "ci_bounded" {
  name                 = "ci-bounded"
  assume_role_policy   = local.github_trust
  permissions_boundary = aws_iam_policy.sqs_only.arn
}

resource "aws_iam_role_policy_attachment" "ci_bounded" {
  role       = aws_iam_role.ci_bounded.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "ci_office" {
  name               = "ci-office"
  assume_role_policy = local.github_trust
}

resource "aws_iam_role_policy" "ci_office" {
  name = "ci-office"
  role = aws_iam_role.ci_office.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*", Condition = { IpAddress = { "aws:SourceIp" = "203.0.113.0/24" } } },
      local.send_builds,
    ]
  })
}
