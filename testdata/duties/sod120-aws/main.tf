# SOD120 on AWS: roles trusted by CI OIDC providers (GitHub Actions, GitLab, HCP Terraform),
# judged on the token claims their trust conditions require (AWS: the condition keys
# `<issuer>:sub`, `:ref`, `:environment` of web identity federation).
#
# Proves:
#   - `any_branch` trusts `repo:acme/infra:*` (StringLike): any branch, tag or pull request
#     can assume it, and it writes S3: flagged.
#   - `pull_requests` trusts `repo:acme/infra:pull_request`: flagged.
#   - `no_sub` has only an audience condition: any repository on GitHub: flagged.
#   - `tfc_plans` trusts HCP Terraform runs of any phase (`run_phase:*`), so speculative
#     plans of pull requests too: flagged.
#   - `main_only` trusts `repo:acme/infra:ref:refs/heads/main` (StringEquals): quiet.
#   - `prod_env` trusts `repo:acme/infra:environment:production`: quiet.
#   - `readonly_ci` trusts any ref but can only read (ReadOnlyAccess-like Get/List): quiet.
resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

resource "aws_iam_openid_connect_provider" "tfc" {
  url             = "https://app.terraform.io"
  client_id_list  = ["aws.workload.identity"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

locals {
  write_s3 = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:PutObject", "s3:DeleteObject"], Resource = "arn:aws:s3:::acme-artifacts/*" }] })
  read_s3  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }] })
}

data "aws_iam_policy_document" "any_branch" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/infra:*"]
    }
  }
}

resource "aws_iam_role" "any_branch" {
  name               = "any-branch"
  assume_role_policy = data.aws_iam_policy_document.any_branch.json
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "pull_requests" {
  name = "pull-requests"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:acme/infra:pull_request" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "no_sub" {
  name = "no-sub"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "tfc_plans" {
  name = "tfc-plans"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.tfc.arn }
      Condition = {
        StringEquals = { "app.terraform.io:aud" = "aws.workload.identity" }
        StringLike   = { "app.terraform.io:sub" = "organization:acme:project:infra:workspace:prod:run_phase:*" }
      }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "main_only" {
  name = "main-only"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:acme/infra:ref:refs/heads/main"
        }
      }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "prod_env" {
  name = "prod-env"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:acme/infra:environment:production" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "readonly_ci" {
  name = "readonly-ci"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:acme/infra:*" } }
    }]
  })
  inline_policy {
    name   = "read"
    policy = local.read_s3
  }
}
