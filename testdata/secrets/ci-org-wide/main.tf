# Positive (SOD302): organisation-wide CI secrets.
#
# Proves: a GitHub organisation secret with visibility "all" is available to the workflows of
# every repository of the organisation, "private" to every private and internal repository
# (GitHub Docs, "Using secrets in GitHub Actions": organisation secrets and their access
# policies; the same visibilities for Dependabot and Codespaces organisation secrets). A
# GitLab group variable that is not protected (protected defaults to false) is passed to
# every pipeline of every project in the group, on any branch (GitLab Docs, "GitLab CI/CD
# variables", "Protect a CI/CD variable"). Each is readable by a whole population,
# including repositories and branches nobody reviews: SOD302 on each, not SOD301.

resource "github_actions_organization_secret" "deploy_key" {
  secret_name     = "DEPLOY_KEY"
  visibility      = "all"
  encrypted_value = var.deploy_key_encrypted
}

resource "github_dependabot_organization_secret" "registry" {
  secret_name     = "REGISTRY_TOKEN"
  visibility      = "private"
  encrypted_value = var.registry_token_encrypted
}

resource "github_codespaces_organization_secret" "db" {
  secret_name     = "DB_PASSWORD"
  visibility      = "all"
  encrypted_value = var.db_password_encrypted
}

resource "gitlab_group_variable" "aws_keys" {
  group = "acme"
  key   = "AWS_SECRET_ACCESS_KEY"
  value = var.aws_secret_access_key
}

variable "deploy_key_encrypted" { type = string }
variable "registry_token_encrypted" { type = string }
variable "db_password_encrypted" { type = string }
variable "aws_secret_access_key" { type = string }
