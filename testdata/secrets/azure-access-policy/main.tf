# Positive (SOD301): two readers through Key Vault access policies; RBAC does not apply.
#
# Proves: a vault without RBAC authorization uses access policies for the data plane: a
# principal with secret permission Get reads secret values ("Azure Key Vault access policy",
# "Azure RBAC vs. access policies": the permission models are exclusive per vault). The app's
# identity (inline access_policy) and the ops group (azurerm_key_vault_access_policy) both
# have Get: two readers. The Key Vault Secrets User role assigned to the batch identity on the
# vault has no effect on a vault in access-policy mode: not a reader. The auditors' policy has
# only List (metadata): not a reader.

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "rg" {
  name     = "rg-prod"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "app" {
  name                = "id-app"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
}

resource "azurerm_user_assigned_identity" "batch" {
  name                = "id-batch"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
}

resource "azurerm_key_vault" "kv" {
  name                = "kv-prod"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "standard"

  access_policy {
    tenant_id          = data.azurerm_client_config.current.tenant_id
    object_id          = azurerm_user_assigned_identity.app.principal_id
    secret_permissions = ["Get"]
  }
}

resource "azurerm_key_vault_access_policy" "ops" {
  key_vault_id       = azurerm_key_vault.kv.id
  tenant_id          = data.azurerm_client_config.current.tenant_id
  object_id          = "7b1c2f9e-0000-4000-8000-00000000a0a0"
  secret_permissions = ["Get", "List", "Set"]
}

resource "azurerm_key_vault_access_policy" "auditors" {
  key_vault_id       = azurerm_key_vault.kv.id
  tenant_id          = data.azurerm_client_config.current.tenant_id
  object_id          = "7b1c2f9e-0000-4000-8000-00000000b0b0"
  secret_permissions = ["List"]
}

resource "azurerm_role_assignment" "batch" {
  scope                = azurerm_key_vault.kv.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.batch.principal_id
}

resource "azurerm_key_vault_secret" "db" {
  name         = "db-password"
  value        = "change-me"
  key_vault_id = azurerm_key_vault.kv.id
}
