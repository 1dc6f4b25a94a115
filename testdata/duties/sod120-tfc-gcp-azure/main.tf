# SOD120 for HCP Terraform (Terraform Cloud) dynamic credentials on GCP and Azure. HCP Terraform
# "Dynamic credentials with the GCP / Azure provider": the token's sub is
# `organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE` and the claim
# `terraform_run_phase` is `plan` or `apply`; plans also run speculatively for pull requests,
# so only an identity pinned to the apply phase is kept from unreviewed code.
#
# Proves:
#   - GCP: `tfc_any_phase` can be impersonated through a pool whose attribute_condition checks
#     only the organisation: plan runs of pull requests too: flagged.
#   - GCP: `tfc_apply` through a pool that also requires `assertion.terraform_run_phase == 'apply'`: quiet.
#   - Azure: `tfc_plan_identity` federates the `run_phase:plan` subject and can write storage: flagged.
#   - Azure: `tfc_apply_identity` federates the `run_phase:apply` subject: quiet.
resource "google_iam_workload_identity_pool" "tfc" {
  workload_identity_pool_id = "tfc"
  project                   = "acme-ci"
}

resource "google_iam_workload_identity_pool_provider" "tfc" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.tfc.workload_identity_pool_id
  workload_identity_pool_provider_id = "tfc"
  project                            = "acme-ci"
  attribute_mapping = {
    "google.subject"                     = "assertion.sub"
    "attribute.terraform_organization_name" = "assertion.terraform_organization_name"
  }
  attribute_condition = "assertion.terraform_organization_name == 'acme'"
  oidc {
    issuer_uri = "https://app.terraform.io"
  }
}

resource "google_iam_workload_identity_pool" "tfc_apply" {
  workload_identity_pool_id = "tfc-apply"
  project                   = "acme-ci"
}

resource "google_iam_workload_identity_pool_provider" "tfc_apply" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.tfc_apply.workload_identity_pool_id
  workload_identity_pool_provider_id = "tfc"
  project                            = "acme-ci"
  attribute_mapping = {
    "google.subject"                     = "assertion.sub"
    "attribute.terraform_organization_name" = "assertion.terraform_organization_name"
  }
  attribute_condition = "assertion.terraform_organization_name == 'acme' && assertion.terraform_run_phase == 'apply'"
  oidc {
    issuer_uri = "https://app.terraform.io"
  }
}

resource "google_service_account" "tfc_any_phase" {
  account_id = "tfc-any-phase"
  project    = "acme-ci"
}

resource "google_service_account" "tfc_apply" {
  account_id = "tfc-apply"
  project    = "acme-ci"
}

resource "google_project_iam_member" "tfc_any_phase" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.tfc_any_phase.member
}

resource "google_project_iam_member" "tfc_apply" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.tfc_apply.member
}

resource "google_service_account_iam_member" "tfc_any_phase" {
  service_account_id = google_service_account.tfc_any_phase.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/tfc/*"
}

resource "google_service_account_iam_member" "tfc_apply" {
  service_account_id = google_service_account.tfc_apply.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/tfc-apply/*"
}

resource "azurerm_resource_group" "rg" {
  name     = "ci"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "tfc_plan_identity" {
  name                = "tfc-plan"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "tfc_apply_identity" {
  name                = "tfc-apply"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_federated_identity_credential" "tfc_plan" {
  name                = "tfc-plan"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.tfc_plan_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://app.terraform.io"
  subject             = "organization:acme:project:infra:workspace:prod:run_phase:plan"
}

resource "azurerm_federated_identity_credential" "tfc_apply" {
  name                = "tfc-apply"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.tfc_apply_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://app.terraform.io"
  subject             = "organization:acme:project:infra:workspace:prod:run_phase:apply"
}

resource "azurerm_role_definition" "storage_writer" {
  name  = "storage-writer"
  scope = azurerm_resource_group.rg.id
  permissions {
    actions = ["Microsoft.Storage/storageAccounts/write"]
  }
}

resource "azurerm_role_assignment" "tfc_plan" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.tfc_plan_identity.principal_id
}

resource "azurerm_role_assignment" "tfc_apply" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.tfc_apply_identity.principal_id
}
