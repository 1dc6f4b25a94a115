# SOD210 on HCP Terraform / Terraform Enterprise workspaces (hashicorp/tfe provider).
#
# Proves (tfe_workspace docs: auto_apply "Whether to automatically apply changes when a
# Terraform plan is successful. Defaults to false"; auto_apply_run_trigger for runs created by
# run triggers; tfe_workspace_settings.auto_apply manages the same setting):
#   - prod: auto_apply = true on a workspace named like production -> finding (high);
#   - data_dev: auto_apply_run_trigger = true -> finding (medium: not production);
#   - billing_prod: the workspace itself is quiet, but tfe_workspace_settings turns on
#     auto_apply for it -> finding anchored on the settings resource;
#   - staging: auto_apply = false and the default -> quiet.
# plan.json beside this file is the same code as `terraform show -json` gives it (values
# computed at apply are unknown and linked through `configuration`): both inputs must agree.
resource "tfe_workspace" "prod" {
  name         = "network-prod"
  organization = "acme"
  auto_apply   = true
}

resource "tfe_workspace" "data_dev" {
  name                   = "data-dev"
  organization           = "acme"
  auto_apply_run_trigger = true
}

resource "tfe_workspace" "billing_prod" {
  name         = "billing-production"
  organization = "acme"
}

resource "tfe_workspace_settings" "billing_prod" {
  workspace_id = tfe_workspace.billing_prod.id
  auto_apply   = true
}

resource "tfe_workspace" "staging" {
  name         = "network-staging"
  organization = "acme"
  auto_apply   = false
}
