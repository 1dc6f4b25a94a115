# SOD120 on AWS for GitLab CI and CircleCI OIDC (AWS: web identity federation, condition keys
# `<issuer>:sub`; the claims are each CI's documented token claims).
# - GitLab "OIDC authentication using ID tokens": sub is
#   `project_path:{group}/{project}:ref_type:{type}:ref:{branch_name}`, the branch without refs/heads/.
# - CircleCI "Using OpenID Connect tokens": sub is `org/{org-id}/project/{project-id}/user/{user-id}`
#   ($CIRCLE_OIDC_TOKEN), the ref only in the claim `oidc.circleci.com/vcs-ref`; the V2 token's sub
#   adds `/vcs-origin/{origin}/vcs-ref/{ref}`.
#
# Proves:
#   - `gitlab_any_branch` trusts `...:ref_type:branch:ref:*` (StringLike): any branch, and it
#     writes S3: flagged.
#   - `gitlab_main` trusts `...:ref_type:branch:ref:main` (StringEquals): only main: quiet.
#   - `circleci_project` trusts every run of one CircleCI project (`.../user/*`): the sub never
#     names the ref, so any branch: flagged.
#   - `circleci_one_user` trusts one user's runs of the project exactly (StringEquals, no
#     wildcard): still any branch that user pushes: flagged.
#   - `circleci_main` trusts the V2 subject of main exactly (`.../vcs-ref/refs/heads/main`): quiet.
#   - `gitlab_ref_claim` requires the `ref` claim `main` (GitLab writes the bare branch name,
#     not refs/heads/main) and `ref_type` branch: only main: quiet.
resource "aws_iam_openid_connect_provider" "gitlab" {
  url             = "https://gitlab.com"
  client_id_list  = ["https://gitlab.com"]
  thumbprint_list = ["b3dd7606d2b5a8b4a13771dbecc9ee1cecafa38a"]
}

locals {
  circleci = "arn:aws:iam::111122223333:oidc-provider/oidc.circleci.com/org/6f5e4a0c-0000-4000-8000-000000000001"
  write_s3 = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = "arn:aws:s3:::acme-artifacts/*" }] })
}

resource "aws_iam_role" "gitlab_any_branch" {
  name = "gitlab-any-branch"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.gitlab.arn }
      Condition = { StringLike = { "gitlab.com:sub" = "project_path:acme/infra:ref_type:branch:ref:*" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "gitlab_main" {
  name = "gitlab-main"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.gitlab.arn }
      Condition = { StringEquals = { "gitlab.com:sub" = "project_path:acme/infra:ref_type:branch:ref:main" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "circleci_project" {
  name = "circleci-project"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.circleci }
      Condition = {
        StringLike = {
          "oidc.circleci.com/org/6f5e4a0c-0000-4000-8000-000000000001:sub" = "org/6f5e4a0c-0000-4000-8000-000000000001/project/0c1d2e3f-0000-4000-8000-000000000002/user/*"
        }
      }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "circleci_main" {
  name = "circleci-main"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.circleci }
      Condition = {
        StringEquals = {
          "oidc.circleci.com/org/6f5e4a0c-0000-4000-8000-000000000001:sub" = "org/6f5e4a0c-0000-4000-8000-000000000001/project/0c1d2e3f-0000-4000-8000-000000000002/user/9a8b7c6d-0000-4000-8000-000000000003/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main"
        }
      }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "circleci_one_user" {
  name = "circleci-one-user"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.circleci }
      Condition = {
        StringEquals = {
          "oidc.circleci.com/org/6f5e4a0c-0000-4000-8000-000000000001:sub" = "org/6f5e4a0c-0000-4000-8000-000000000001/project/0c1d2e3f-0000-4000-8000-000000000002/user/9a8b7c6d-0000-4000-8000-000000000003"
        }
      }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "gitlab_ref_claim" {
  name = "gitlab-ref-claim"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.gitlab.arn }
      Condition = {
        StringLike   = { "gitlab.com:sub" = "project_path:acme/infra:*" }
        StringEquals = { "gitlab.com:ref" = "main", "gitlab.com:ref_type" = "branch" }
      }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}
