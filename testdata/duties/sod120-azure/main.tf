# SOD120 on Azure: federated identity credentials on user-assigned identities. Entra ID matches
# the token's subject exactly against `subject`.
#
# Proves:
#   - `pr_identity` federates `repo:acme/infra:pull_request` and can write storage accounts
#     (custom role): flagged.
#   - `prod_identity` federates `repo:acme/infra:environment:production` with the same rights:
#     quiet.
resource "azurerm_resource_group" "rg" {
  name     = "ci"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "pr_identity" {
  name                = "pr-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "prod_identity" {
  name                = "prod-identity"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_federated_identity_credential" "pr" {
  name                = "github-pr"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.pr_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:acme/infra:pull_request"
}

resource "azurerm_federated_identity_credential" "prod" {
  name                = "github-prod"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.prod_identity.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:acme/infra:environment:production"
}

resource "azurerm_role_definition" "storage_writer" {
  name  = "storage-writer"
  scope = azurerm_resource_group.rg.id
  permissions {
    actions = ["Microsoft.Storage/storageAccounts/write", "Microsoft.Storage/storageAccounts/read"]
  }
}

resource "azurerm_role_assignment" "pr" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.pr_identity.principal_id
}

resource "azurerm_role_assignment" "prod" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.prod_identity.principal_id
}
