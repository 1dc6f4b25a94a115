# SOD210 on env0 environments (env0/env0 provider).
#
# Proves (env0_environment docs: approve_plan_automatically; when it is not set, the
# project's env0_project_policy.requires_approval_default decides; a sub-environment's
# approve_plan_automatically is "true (default)"):
#   - prod: approve_plan_automatically = true -> finding;
#   - reports: not set, and its project's policy has requires_approval_default = false -> finding;
#   - release_flow: a workflow whose sub-environment "db" leaves the default (approve
#     automatically) -> finding;
#   - billing: approve_plan_automatically = false, and its sub-environment sets false too -> quiet.
resource "env0_project" "analytics" {
  name = "analytics"
}

resource "env0_project" "platform" {
  name = "platform"
}

resource "env0_project_policy" "analytics" {
  project_id                = env0_project.analytics.id
  requires_approval_default = false
}

resource "env0_environment" "prod" {
  name                       = "platform-prod"
  project_id                 = env0_project.platform.id
  template_id                = "tmpl-platform"
  approve_plan_automatically = true
}

resource "env0_environment" "reports" {
  name        = "reports"
  project_id  = env0_project.analytics.id
  template_id = "tmpl-reports"
}

resource "env0_environment" "release_flow" {
  name                       = "release-flow"
  project_id                 = env0_project.platform.id
  template_id                = "tmpl-workflow"
  approve_plan_automatically = false

  sub_environment_configuration {
    alias = "db"
  }
}

resource "env0_environment" "billing" {
  name                       = "billing"
  project_id                 = env0_project.platform.id
  template_id                = "tmpl-workflow"
  approve_plan_automatically = false

  sub_environment_configuration {
    alias                      = "app"
    approve_plan_automatically = false
  }
}
