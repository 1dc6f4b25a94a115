# SOD120 for Azure DevOps service connections on the Microsoft Entra issuer. Azure DevOps docs
# "Convert service connections to use the Microsoft Entra issuer": new workload identity
# federation service connections use the issuer https://login.microsoftonline.com/TENANT-ID/v2.0
# (older ones https://vstoken.dev.azure.com/ORG-ID) and the subject
# /eid1/c/pub/t/TENANT/a/APP/sc/ORGANIZATION-ID/SERVICE-CONNECTION-ID. Entra is the issuer of
# many other federations too (bots, Copilot Studio, agents): only the `/sc/` subject makes it
# an Azure DevOps service connection. As with `sc://` subjects, the token names the connection,
# never a branch: only approvals and checks of the connection decide which runs get it.
#
# Proves:
#   - `entra_identity` (user-assigned identity) federates the Entra issuer with a literal
#     `/sc/` subject, a connection no check of the code protects, and can write storage: flagged.
#   - `entra_app`'s service principal, the same through azuread_application_federated_identity_credential:
#     flagged.
#   - `bot_identity` federates the Entra issuer with a subject without `/sc/` (a bot's token
#     exchange, not Azure DevOps): quiet, though it can write.
#   - `approved_identity` federates the service connection `approved` (an approval check the
#     requester cannot approve) by reference, under a literal Entra issuer and under a literal
#     Azure DevOps issuer: quiet (the literal issuer does not make the reference "not stated").
resource "azuredevops_project" "infra" {
  name = "infra"
}

resource "azurerm_resource_group" "rg" {
  name     = "ci"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "entra_identity" {
  name                = "entra-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "bot_identity" {
  name                = "bot-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "approved_identity" {
  name                = "approved-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azuread_application" "entra_app" {
  display_name = "azdo-deployer"
}

resource "azuread_service_principal" "entra_app" {
  client_id = azuread_application.entra_app.client_id
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

resource "azuredevops_check_approval" "approved" {
  project_id           = azuredevops_project.infra.id
  target_resource_type = "endpoint"
  target_resource_id   = azuredevops_serviceendpoint_azurerm.approved.id
  approvers            = ["00000000-0000-4000-8000-0000000000aa"]
}

resource "azurerm_federated_identity_credential" "entra" {
  name                = "azdo-entra"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.entra_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000001/v2.0"
  subject             = "/eid1/c/pub/t/AAAAAAAAAECAAAAAAAAAAQ/a/AAAAAAAAAECAAAAAAAAAAw/sc/00000000-0000-4000-8000-0000000000bb/00000000-0000-4000-8000-0000000000cc"
}

resource "azuread_application_federated_identity_credential" "entra_app" {
  application_id = azuread_application.entra_app.id
  display_name   = "azdo-entra-app"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000001/v2.0"
  subject        = "/eid1/c/pub/t/AAAAAAAAAECAAAAAAAAAAQ/a/AAAAAAAAAECAAAAAAAAAAw/sc/00000000-0000-4000-8000-0000000000bb/00000000-0000-4000-8000-0000000000dd"
}

resource "azurerm_federated_identity_credential" "bot" {
  name                = "bot-token-exchange"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.bot_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000001/v2.0"
  subject             = "/eid1/c/pub/t/AAAAAAAAAECAAAAAAAAAAQ/a/AAAAAAAAAECAAAAAAAAAAw/00000000-0000-4000-8000-0000000000ee"
}

resource "azurerm_federated_identity_credential" "approved_entra" {
  name                = "azdo-approved-entra"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.approved_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000001/v2.0"
  subject             = azuredevops_serviceendpoint_azurerm.approved.workload_identity_federation_subject
}

resource "azurerm_federated_identity_credential" "approved_vstoken" {
  name                = "azdo-approved-vstoken"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.approved_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://vstoken.dev.azure.com/00000000-0000-4000-8000-0000000000bb"
  subject             = azuredevops_serviceendpoint_azurerm.approved.workload_identity_federation_subject
}

resource "azurerm_role_definition" "storage_writer" {
  name  = "storage-writer"
  scope = azurerm_resource_group.rg.id
  permissions {
    actions = ["Microsoft.Storage/storageAccounts/write"]
  }
}

resource "azurerm_role_assignment" "entra" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.entra_identity.principal_id
}

resource "azurerm_role_assignment" "entra_app" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azuread_service_principal.entra_app.object_id
}

resource "azurerm_role_assignment" "bot" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.bot_identity.principal_id
}

resource "azurerm_role_assignment" "approved" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.approved_identity.principal_id
}
