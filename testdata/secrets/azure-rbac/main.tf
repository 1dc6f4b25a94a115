# Positive (SOD301, SOD303) and negative: Key Vault readers under Azure RBAC.
#
# Proves: with enable_rbac_authorization the vault ignores access policies and authorizes the
# data plane with role assignments at the secret, the vault or any scope above it ("Provide
# access to Key Vault keys, certificates, and secrets with Azure role-based access control";
# role assignments are inherited by child scopes). Key Vault Secrets User and Secrets Officer
# hold Microsoft.KeyVault/vaults/secrets/getSecret/action; Owner and Contributor hold no data
# actions.
# - the app identity: Secrets User on the secret itself: reader.
# - the ops group: Secrets Officer on the subscription: reader of this and every secret (SOD303).
# - the deployer: Contributor on the resource group: not a reader (control plane only).
# - legacy: an access policy with Get: ignored on an RBAC vault, not a reader.

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

resource "azurerm_key_vault" "kv" {
  name                      = "kv-prod"
  resource_group_name       = azurerm_resource_group.rg.name
  location                  = azurerm_resource_group.rg.location
  tenant_id                 = data.azurerm_client_config.current.tenant_id
  sku_name                  = "standard"
  enable_rbac_authorization = true
}

resource "azurerm_key_vault_secret" "db" {
  name         = "db-password"
  value        = "change-me"
  key_vault_id = azurerm_key_vault.kv.id
}

resource "azurerm_role_assignment" "app" {
  scope                = azurerm_key_vault_secret.db.resource_versionless_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}

resource "azurerm_role_assignment" "ops" {
  scope                = "/subscriptions/00000000-1111-2222-3333-444444444444"
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = "5d6e7f80-0000-4000-8000-0000000000aa"
}

resource "azurerm_role_assignment" "deployer" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Contributor"
  principal_id         = "5d6e7f80-0000-4000-8000-0000000000bb"
}

resource "azurerm_key_vault_access_policy" "legacy" {
  key_vault_id       = azurerm_key_vault.kv.id
  tenant_id          = data.azurerm_client_config.current.tenant_id
  object_id          = "5d6e7f80-0000-4000-8000-0000000000cc"
  secret_permissions = ["Get"]
}
