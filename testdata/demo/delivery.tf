# How changes reach production. Planted: the production workspace applies without a
# human confirming the plan, and main's branch protection requires no approving review.
resource "tfe_workspace" "prod" {
  name         = "platform-prod"
  organization = "acme"
  auto_apply   = true
}

resource "github_branch_protection" "main" {
  repository_id  = var.github_repository
  pattern        = "main"
  enforce_admins = false

  required_status_checks {
    strict   = true
    contexts = ["terraform-plan"]
  }
}
