# SOD121 on Azure: one identity with a write role on the production and the development
# resource groups (recognised from the resource group names).
#
# Proves:
#   - `pipeline` can write storage accounts in `rg-prod` and `rg-dev`: flagged.
#   - `prod_pipeline` writes `rg-prod` and reads `rg-dev` (Reader): quiet.
resource "azurerm_resource_group" "prod" {
  name     = "rg-prod"
  location = "westeurope"
}

resource "azurerm_resource_group" "dev" {
  name     = "rg-dev"
  location = "westeurope"
}

resource "azurerm_role_definition" "storage_writer" {
  name  = "storage-writer"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  permissions {
    actions = ["Microsoft.Storage/storageAccounts/write", "Microsoft.Storage/storageAccounts/read"]
  }
}

resource "azurerm_user_assigned_identity" "pipeline" {
  name                = "pipeline"
  resource_group_name = "ci"
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "prod_pipeline" {
  name                = "prod-pipeline"
  resource_group_name = "ci"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "pipeline_prod" {
  scope              = azurerm_resource_group.prod.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.pipeline.principal_id
}

resource "azurerm_role_assignment" "pipeline_dev" {
  scope              = azurerm_resource_group.dev.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.pipeline.principal_id
}

resource "azurerm_role_assignment" "prod_pipeline_prod" {
  scope              = azurerm_resource_group.prod.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.prod_pipeline.principal_id
}

resource "azurerm_role_assignment" "prod_pipeline_dev" {
  scope                = azurerm_resource_group.dev.id
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.prod_pipeline.principal_id
}
