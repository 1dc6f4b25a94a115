# SOD110 on Azure (Azure RBAC documentation):
# - Microsoft.Authorization/roleAssignments/write lets a principal assign any role, Owner
#   included, to itself at that scope (User Access Administrator: "Lets you manage user access
#   to Azure resources", https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles/privileged);
# - Microsoft.Authorization/roleDefinitions/write over a custom role the principal holds lets
#   it add any operation to that role (https://learn.microsoft.com/en-us/azure/role-based-access-control/custom-roles);
# - userAssignedIdentities/assign/action on a more privileged identity, with a way to create a
#   VM, runs code as that identity (Managed Identity Operator,
#   https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/how-manage-user-assigned-managed-identities);
# - on a Key Vault that uses access policies, Microsoft.KeyVault/vaults/accessPolicies/write
#   (Key Vault Contributor) lets a principal grant itself every secret: "Key Vault Contributor
#   ... can grant themselves data plane access by setting a Key Vault access policy"
#   (https://learn.microsoft.com/en-us/azure/key-vault/general/rbac-access-policy). With RBAC
#   authorization the vault ignores access policies.
#
# `admin` is Owner of the subscription (SOD111); `reader` only reads.
# Positives: access_admin, role_owner, vm_operator, web_operator (the same with a web app),
# vault_contrib.
# Negatives: operator_only (may assign `admin` but create no VM), peer_operator (may assign
# only `reader`, no stronger), rbac_vault_contrib (Key Vault Contributor on an RBAC vault).

locals {
  subscription = "/subscriptions/00000000-0000-0000-0000-000000000000"
}

resource "azurerm_user_assigned_identity" "admin" {
  name                = "admin"
  resource_group_name = "identities"
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "reader" {
  name                = "reader"
  resource_group_name = "identities"
  location            = "westeurope"
}

# path: azure-write-role-assignment
resource "azurerm_user_assigned_identity" "access_admin" {
  name                = "access-admin"
  resource_group_name = "identities"
  location            = "westeurope"
}

# path: azure-write-own-role-definition
resource "azurerm_user_assigned_identity" "role_owner" {
  name                = "role-owner"
  resource_group_name = "identities"
  location            = "westeurope"
}

# path: azure-assign-identity-to-vm
resource "azurerm_user_assigned_identity" "vm_operator" {
  name                = "vm-operator"
  resource_group_name = "identities"
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "operator_only" {
  name                = "operator-only"
  resource_group_name = "identities"
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "peer_operator" {
  name                = "peer-operator"
  resource_group_name = "identities"
  location            = "westeurope"
}

# path: azure-write-key-vault-access-policy
resource "azurerm_user_assigned_identity" "vault_contrib" {
  name                = "vault-contrib"
  resource_group_name = "identities"
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "rbac_vault_contrib" {
  name                = "rbac-vault-contrib"
  resource_group_name = "identities"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "admin_owner" {
  scope                = local.subscription
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.admin.principal_id
}

resource "azurerm_role_assignment" "reader" {
  scope                = local.subscription
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.reader.principal_id
}

resource "azurerm_role_assignment" "access_admin" {
  scope                = local.subscription
  role_definition_name = "User Access Administrator"
  principal_id         = azurerm_user_assigned_identity.access_admin.principal_id
}

resource "azurerm_role_definition" "platform_ops" {
  name  = "platform-ops"
  scope = local.subscription
  permissions {
    actions = ["Microsoft.Authorization/roleDefinitions/write", "Microsoft.Resources/subscriptions/resourceGroups/read"]
  }
}

resource "azurerm_role_assignment" "role_owner" {
  scope              = local.subscription
  role_definition_id = azurerm_role_definition.platform_ops.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.role_owner.principal_id
}

resource "azurerm_role_definition" "vm_writer" {
  name  = "vm-writer"
  scope = local.subscription
  permissions {
    actions = ["Microsoft.Compute/virtualMachines/write", "Microsoft.Compute/virtualMachines/read"]
  }
}

resource "azurerm_role_assignment" "vm_operator_assign" {
  scope                = azurerm_user_assigned_identity.admin.id
  role_definition_name = "Managed Identity Operator"
  principal_id         = azurerm_user_assigned_identity.vm_operator.principal_id
}

resource "azurerm_role_assignment" "vm_operator_vms" {
  scope              = "${local.subscription}/resourceGroups/compute"
  role_definition_id = azurerm_role_definition.vm_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.vm_operator.principal_id
}

resource "azurerm_role_assignment" "operator_only" {
  scope                = azurerm_user_assigned_identity.admin.id
  role_definition_name = "Managed Identity Operator"
  principal_id         = azurerm_user_assigned_identity.operator_only.principal_id
}

resource "azurerm_role_assignment" "peer_operator_assign" {
  scope                = azurerm_user_assigned_identity.reader.id
  role_definition_name = "Managed Identity Operator"
  principal_id         = azurerm_user_assigned_identity.peer_operator.principal_id
}

resource "azurerm_role_assignment" "peer_operator_vms" {
  scope              = "${local.subscription}/resourceGroups/compute"
  role_definition_id = azurerm_role_definition.vm_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.peer_operator.principal_id
}

resource "azurerm_key_vault" "legacy" {
  name                = "legacy-kv"
  resource_group_name = "data"
  location            = "westeurope"
  tenant_id           = "11111111-1111-1111-1111-111111111111"
  sku_name            = "standard"
}

resource "azurerm_key_vault" "modern" {
  name                       = "modern-kv"
  resource_group_name        = "data"
  location                   = "westeurope"
  tenant_id                  = "11111111-1111-1111-1111-111111111111"
  sku_name                   = "standard"
  rbac_authorization_enabled = true
}

resource "azurerm_role_assignment" "vault_contrib" {
  scope                = azurerm_key_vault.legacy.id
  role_definition_name = "Key Vault Contributor"
  principal_id         = azurerm_user_assigned_identity.vault_contrib.principal_id
}

resource "azurerm_role_assignment" "rbac_vault_contrib" {
  scope                = azurerm_key_vault.modern.id
  role_definition_name = "Key Vault Contributor"
  principal_id         = azurerm_user_assigned_identity.rbac_vault_contrib.principal_id
}

# path: azure-assign-identity-to-web-app
resource "azurerm_user_assigned_identity" "web_operator" {
  name                = "web-operator"
  resource_group_name = "identities"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "web_operator_assign" {
  scope                = azurerm_user_assigned_identity.admin.id
  role_definition_name = "Managed Identity Operator"
  principal_id         = azurerm_user_assigned_identity.web_operator.principal_id
}

resource "azurerm_role_definition" "web_writer" {
  name  = "web-writer"
  scope = local.subscription
  permissions {
    actions = ["Microsoft.Web/sites/write", "Microsoft.Web/sites/read"]
  }
}

resource "azurerm_role_assignment" "web_operator_sites" {
  scope              = "${local.subscription}/resourceGroups/web"
  role_definition_id = azurerm_role_definition.web_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.web_operator.principal_id
}
