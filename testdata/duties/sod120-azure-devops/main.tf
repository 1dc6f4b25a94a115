# SOD120 for Azure DevOps workload identity federation. A service connection's pipelines get an
# Entra token for the federated credential whose subject is `sc://ORG/PROJECT/CONNECTION`
# (issuer https://vstoken.dev.azure.com/ORG-ID; the azuredevops provider exports both as the
# endpoint's workload_identity_federation_subject/_issuer). The subject names the connection,
# never a branch; Azure DevOps "Define approvals and checks": approvals and branch control
# checks on the service connection decide which runs may use it.
#
# Proves:
#   - `open_identity` backs the connection `open` (no check) and can write storage: flagged.
#   - `approved_identity` backs the connection `approved`, whose approval check the requester
#     cannot approve, by reference and by the literal subject `sc://acme/infra/approved`: quiet.
#   - `main_identity` backs the connection `main-only`, whose branch control check allows only
#     refs/heads/main: quiet.
#   - `literal_identity` federates the literal subject `sc://acme/infra/open-literal`, a
#     connection without checks: flagged.
resource "azuredevops_project" "infra" {
  name = "infra"
}

resource "azurerm_resource_group" "rg" {
  name     = "ci"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "open_identity" {
  name                = "open-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "approved_identity" {
  name                = "approved-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "main_identity" {
  name                = "main-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "literal_identity" {
  name                = "literal-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azuredevops_serviceendpoint_azurerm" "open" {
  project_id                             = azuredevops_project.infra.id
  service_endpoint_name                  = "open"
  service_endpoint_authentication_scheme = "WorkloadIdentityFederation"
  credentials {
    serviceprincipalid = azurerm_user_assigned_identity.open_identity.client_id
  }
  azurerm_spn_tenantid      = "00000000-0000-4000-8000-000000000001"
  azurerm_subscription_id   = "00000000-0000-4000-8000-000000000002"
  azurerm_subscription_name = "prod"
}

resource "azuredevops_serviceendpoint_azurerm" "approved" {
  project_id                             = azuredevops_project.infra.id
  service_endpoint_name                  = "approved"
  service_endpoint_authentication_scheme = "WorkloadIdentityFederation"
  credentials {
    serviceprincipalid = azurerm_user_assigned_identity.approved_identity.client_id
  }
  azurerm_spn_tenantid      = "00000000-0000-4000-8000-000000000001"
  azurerm_subscription_id   = "00000000-0000-4000-8000-000000000002"
  azurerm_subscription_name = "prod"
}

resource "azuredevops_serviceendpoint_azurerm" "main_only" {
  project_id                             = azuredevops_project.infra.id
  service_endpoint_name                  = "main-only"
  service_endpoint_authentication_scheme = "WorkloadIdentityFederation"
  credentials {
    serviceprincipalid = azurerm_user_assigned_identity.main_identity.client_id
  }
  azurerm_spn_tenantid      = "00000000-0000-4000-8000-000000000001"
  azurerm_subscription_id   = "00000000-0000-4000-8000-000000000002"
  azurerm_subscription_name = "prod"
}

resource "azuredevops_check_approval" "approved" {
  project_id           = azuredevops_project.infra.id
  target_resource_type = "endpoint"
  target_resource_id   = azuredevops_serviceendpoint_azurerm.approved.id
  approvers            = ["00000000-0000-4000-8000-0000000000aa"]
}

resource "azuredevops_check_branch_control" "main_only" {
  project_id           = azuredevops_project.infra.id
  target_resource_type = "endpoint"
  target_resource_id   = azuredevops_serviceendpoint_azurerm.main_only.id
  allowed_branches     = "refs/heads/main"
}

resource "azurerm_federated_identity_credential" "open" {
  name                = "azdo-open"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.open_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azuredevops_serviceendpoint_azurerm.open.workload_identity_federation_issuer
  subject             = azuredevops_serviceendpoint_azurerm.open.workload_identity_federation_subject
}

resource "azurerm_federated_identity_credential" "approved" {
  name                = "azdo-approved"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.approved_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azuredevops_serviceendpoint_azurerm.approved.workload_identity_federation_issuer
  subject             = azuredevops_serviceendpoint_azurerm.approved.workload_identity_federation_subject
}

resource "azurerm_federated_identity_credential" "main_only" {
  name                = "azdo-main-only"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.main_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azuredevops_serviceendpoint_azurerm.main_only.workload_identity_federation_issuer
  subject             = azuredevops_serviceendpoint_azurerm.main_only.workload_identity_federation_subject
}

resource "azurerm_federated_identity_credential" "literal" {
  name                = "azdo-literal"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.literal_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://vstoken.dev.azure.com/00000000-0000-4000-8000-0000000000bb"
  subject             = "sc://acme/infra/open-literal"
}

resource "azurerm_federated_identity_credential" "approved_literal" {
  name                = "azdo-approved-literal"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.approved_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://vstoken.dev.azure.com/00000000-0000-4000-8000-0000000000bb"
  subject             = "sc://acme/infra/approved"
}

resource "azurerm_role_definition" "storage_writer" {
  name  = "storage-writer"
  scope = azurerm_resource_group.rg.id
  permissions {
    actions = ["Microsoft.Storage/storageAccounts/write"]
  }
}

resource "azurerm_role_assignment" "open" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.open_identity.principal_id
}

resource "azurerm_role_assignment" "approved" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.approved_identity.principal_id
}

resource "azurerm_role_assignment" "main_only" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.main_identity.principal_id
}

resource "azurerm_role_assignment" "literal" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.literal_identity.principal_id
}
