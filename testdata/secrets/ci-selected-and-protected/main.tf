# Negative (SOD302, SOD301): CI secrets limited to who uses them.
#
# Proves: a GitHub organisation secret with visibility "selected" is available only to the
# repositories listed in selected_repository_ids (GitHub Docs, "Using secrets in GitHub
# Actions", access policies for organisation secrets): one repository here, so one reader
# and no finding; the Dependabot secret's repositories are listed by a separate
# github_dependabot_organization_secret_repositories resource (one repository id). A GitLab
# group variable with protected = true is passed only to pipelines
# on protected branches and tags (GitLab Docs, "Protect a CI/CD variable"): not a population.

resource "github_repository" "infra" {
  name       = "infra"
  visibility = "private"
}

resource "github_actions_organization_secret" "deploy_key" {
  secret_name             = "DEPLOY_KEY"
  visibility              = "selected"
  encrypted_value         = var.deploy_key_encrypted
  selected_repository_ids = [github_repository.infra.repo_id]
}

resource "github_dependabot_organization_secret" "registry" {
  secret_name     = "REGISTRY_TOKEN"
  visibility      = "selected"
  encrypted_value = var.registry_token_encrypted
}

resource "github_dependabot_organization_secret_repositories" "registry" {
  secret_name             = github_dependabot_organization_secret.registry.secret_name
  selected_repository_ids = [123456]
}

resource "gitlab_group_variable" "aws_keys" {
  group     = "acme"
  key       = "AWS_SECRET_ACCESS_KEY"
  value     = var.aws_secret_access_key
  protected = true
}

variable "deploy_key_encrypted" { type = string }
variable "aws_secret_access_key" { type = string }
variable "registry_token_encrypted" { type = string }
