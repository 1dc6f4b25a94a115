# SOD101 on Azure Key Vault, with RBAC role assignments and with access policies.
#
# Per the Azure built-in role definitions: Key Vault Crypto Officer has the data actions
# `Microsoft.KeyVault/vaults/keys/*` (create, delete, purge, rotate ... and decrypt);
# Key Vault Crypto User has encrypt/decrypt/wrap/unwrap/sign but no key management.
# RBAC data actions count only on a vault with RBAC authorization; access policies only on a
# vault without it.
#
# Proves:
#   - `officer_user` holds Crypto Officer and Crypto User on the RBAC vault: flagged.
#   - `crypto_user` holds only Crypto User: quiet (use only).
#   - `wrapper` holds only Crypto Service Encryption User: quiet (use only).
#   - `legacy_admin` has an access policy with Create, Delete and Decrypt on the
#     access-policy vault: flagged.
#   - `legacy_app` has an access policy with Get, Decrypt, Encrypt: quiet.
#   - `misplaced` holds Crypto Officer and Crypto User on the access-policy vault, where RBAC
#     data actions do not apply: quiet.
resource "azurerm_resource_group" "rg" {
  name     = "keys"
  location = "westeurope"
}

resource "azurerm_key_vault" "rbac" {
  name                      = "kv-rbac"
  resource_group_name       = azurerm_resource_group.rg.name
  location                  = "westeurope"
  tenant_id                 = "00000000-0000-0000-0000-000000000000"
  sku_name                  = "standard"
  enable_rbac_authorization = true
}

resource "azurerm_key_vault" "legacy" {
  name                = "kv-legacy"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"

  access_policy {
    tenant_id       = "00000000-0000-0000-0000-000000000000"
    object_id       = azurerm_user_assigned_identity.legacy_admin.principal_id
    key_permissions = ["Create", "Delete", "Decrypt", "Get"]
  }
}

resource "azurerm_key_vault_access_policy" "legacy_app" {
  key_vault_id    = azurerm_key_vault.legacy.id
  tenant_id       = "00000000-0000-0000-0000-000000000000"
  object_id       = azurerm_user_assigned_identity.legacy_app.principal_id
  key_permissions = ["Get", "Decrypt", "Encrypt"]
}

resource "azurerm_user_assigned_identity" "officer_user" {
  name                = "officer-user"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "crypto_user" {
  name                = "crypto-user"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "wrapper" {
  name                = "wrapper"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "legacy_admin" {
  name                = "legacy-admin"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "legacy_app" {
  name                = "legacy-app"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "misplaced" {
  name                = "misplaced"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_role_assignment" "officer" {
  scope                = azurerm_key_vault.rbac.id
  role_definition_name = "Key Vault Crypto Officer"
  principal_id         = azurerm_user_assigned_identity.officer_user.principal_id
}

resource "azurerm_role_assignment" "officer_also_user" {
  scope                = azurerm_key_vault.rbac.id
  role_definition_name = "Key Vault Crypto User"
  principal_id         = azurerm_user_assigned_identity.officer_user.principal_id
}

resource "azurerm_role_assignment" "crypto_user" {
  scope                = azurerm_key_vault.rbac.id
  role_definition_name = "Key Vault Crypto User"
  principal_id         = azurerm_user_assigned_identity.crypto_user.principal_id
}

resource "azurerm_role_assignment" "wrapper" {
  scope              = azurerm_key_vault.rbac.id
  role_definition_id = "/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6"
  principal_id       = azurerm_user_assigned_identity.wrapper.principal_id
}

resource "azurerm_role_assignment" "misplaced_officer" {
  scope                = azurerm_key_vault.legacy.id
  role_definition_name = "Key Vault Crypto Officer"
  principal_id         = azurerm_user_assigned_identity.misplaced.principal_id
}

resource "azurerm_role_assignment" "misplaced_user" {
  scope                = azurerm_key_vault.legacy.id
  role_definition_name = "Key Vault Crypto User"
  principal_id         = azurerm_user_assigned_identity.misplaced.principal_id
}
