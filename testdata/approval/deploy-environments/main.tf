# SOD213 on production deployment environments (GitHub, GitLab, Azure DevOps).
#
# Proves:
#   - github_repository_environment ("reviewers": only one of them needs to approve;
#     prevent_self_review defaults to false; can_admins_bypass defaults to true):
#     gh_prod has no reviewers -> finding (high); gh_production has reviewers but leaves
#     self-review and admin bypass at their defaults -> finding (medium); gh_live_strict has
#     reviewers, prevent_self_review = true and can_admins_bypass = false -> quiet; gh_staging
#     has no reviewers but is not production -> quiet (only production environments are judged);
#   - gitlab_project_protected_environment: gl_prod has deploy access levels but no
#     approval_rules -> finding; gl_prod_approved has an approval rule -> quiet;
#   - azuredevops_environment + azuredevops_check_approval: az_prod has no approval check ->
#     finding; az_prd's check lets the requester approve (requester_can_approve = true) ->
#     finding; az_production's check names an approver and keeps requester_can_approve at its
#     default false -> quiet.
resource "github_repository_environment" "gh_prod" {
  repository  = "app"
  environment = "prod"
}

resource "github_repository_environment" "gh_production" {
  repository  = "api"
  environment = "production"
  reviewers {
    teams = [4242]
  }
}

resource "github_repository_environment" "gh_live_strict" {
  repository          = "web"
  environment         = "live"
  prevent_self_review = true
  can_admins_bypass   = false
  reviewers {
    teams = [4242]
  }
  deployment_branch_policy {
    protected_branches     = true
    custom_branch_policies = false
  }
}

resource "github_repository_environment" "gh_staging" {
  repository  = "app"
  environment = "staging"
}

resource "gitlab_project_protected_environment" "gl_prod" {
  project     = "42"
  environment = "production"
  deploy_access_levels {
    access_level = "developer"
  }
}

resource "gitlab_project_protected_environment" "gl_prod_approved" {
  project     = "43"
  environment = "production"
  deploy_access_levels {
    access_level = "developer"
  }
  approval_rules = [
    {
      group_id           = 456
      required_approvals = 1
    }
  ]
}

resource "azuredevops_project" "infra" {
  name = "infra"
}

resource "azuredevops_environment" "az_prod" {
  project_id = azuredevops_project.infra.id
  name       = "prod"
}

resource "azuredevops_environment" "az_prd" {
  project_id = azuredevops_project.infra.id
  name       = "prd-eu"
}

resource "azuredevops_check_approval" "az_prd" {
  project_id            = azuredevops_project.infra.id
  target_resource_id    = azuredevops_environment.az_prd.id
  target_resource_type  = "environment"
  requester_can_approve = true
  approvers             = ["00000000-0000-0000-0000-00000000a001"]
}

resource "azuredevops_environment" "az_production" {
  project_id = azuredevops_project.infra.id
  name       = "production"
}

resource "azuredevops_check_approval" "az_production" {
  project_id           = azuredevops_project.infra.id
  target_resource_id   = azuredevops_environment.az_production.id
  target_resource_type = "environment"
  approvers            = ["00000000-0000-0000-0000-00000000a001"]
}
