# SOD105 on Azure Key Vault secrets, with RBAC and with access policies.
#
# Per the built-in role definitions, Key Vault Secrets Officer has the data actions
# `Microsoft.KeyVault/vaults/secrets/*` (set, delete, purge ... and getSecret): it both
# manages and reads secrets. Key Vault Secrets User has getSecret and readMetadata only.
#
# Proves:
#   - `officer` holds Secrets Officer on the RBAC vault: flagged.
#   - `app` holds Secrets User: quiet.
#   - `legacy_ops` has an access policy with Set and Get on the access-policy vault: flagged.
#   - `legacy_app` has Get and List: quiet.
resource "azurerm_key_vault" "rbac" {
  name                       = "kv-app"
  resource_group_name        = "apps"
  location                   = "westeurope"
  tenant_id                  = "00000000-0000-0000-0000-000000000000"
  sku_name                   = "standard"
  rbac_authorization_enabled = true
}

resource "azurerm_key_vault" "legacy" {
  name                = "kv-legacy"
  resource_group_name = "apps"
  location            = "westeurope"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"
}

resource "azurerm_key_vault_secret" "db" {
  name         = "db-password"
  value        = "changeme"
  key_vault_id = azurerm_key_vault.rbac.id
}

resource "azurerm_user_assigned_identity" "officer" {
  name                = "officer"
  resource_group_name = "apps"
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "app" {
  name                = "app"
  resource_group_name = "apps"
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "legacy_ops" {
  name                = "legacy-ops"
  resource_group_name = "apps"
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "legacy_app" {
  name                = "legacy-app"
  resource_group_name = "apps"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "officer" {
  scope                = azurerm_key_vault.rbac.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = azurerm_user_assigned_identity.officer.principal_id
}

resource "azurerm_role_assignment" "app" {
  scope                = azurerm_key_vault_secret.db.resource_versionless_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}

resource "azurerm_key_vault_access_policy" "legacy_ops" {
  key_vault_id       = azurerm_key_vault.legacy.id
  tenant_id          = "00000000-0000-0000-0000-000000000000"
  object_id          = azurerm_user_assigned_identity.legacy_ops.principal_id
  secret_permissions = ["Set", "Get"]
}

resource "azurerm_key_vault_access_policy" "legacy_app" {
  key_vault_id       = azurerm_key_vault.legacy.id
  tenant_id          = "00000000-0000-0000-0000-000000000000"
  object_id          = azurerm_user_assigned_identity.legacy_app.principal_id
  secret_permissions = ["Get", "List"]
}
