# SOD111 on Azure: which Owner assignments make a full administrator (Azure RBAC built-in
# roles: Owner = Actions "*", no NotActions, id 8e3af657-a8ff-443c-a75c-2fe8c4bcb635;
# "Understand scope": an assignment reaches its scope and everything below it).
# - Owner at a management group (literal id, or a data source's id) or at a subscription
#   (role given by its definition id under an unstated subscription) is every action on
#   every resource of the estate: SOD111 (positives), as roles/owner on a GCP organization,
#   folder or project is.
# - Owner at a resource group is every action inside that group only: it cannot change the
#   subscription's own settings (Activity Log diagnostic settings, policy assignments), as a
#   GCP role bound on one resource reaches that resource only. Not SOD111 (negative). But
#   Owner holds Microsoft.Authorization/roleAssignments/write there, so it can assign itself
#   any role in the group, data roles (Key Vault Secrets Officer, Storage Blob Data Owner)
#   included: a certain SOD110, which absorbs the SOD102/SOD103 it would also get (DESIGN.md
#   "Certain beats possible"). The scope is written as "${subscription id}/resourceGroups/app":
#   the text after the reference counts.
# - Contributor at a management group: Actions "*" but NotActions
#   Microsoft.Authorization/*/Write, so it cannot grant access: not a full administrator
#   (negative for SOD111); SOD102, SOD103. Its Actions "*" include
#   Microsoft.ManagedIdentity/userAssignedIdentities/assign/action and
#   Microsoft.Compute/virtualMachines/write: the identity `platform` (Owner of the root
#   management group) sits in a subscription the code does not name, possibly under corp,
#   so the Contributor can possibly run a VM as it: a possible SOD110.
# - The management-group Owner identity platform also holds Key Vault Secrets Officer at the
#   subscription (set and read every secret of RBAC vaults): a certain SOD111 absorbs the
#   SOD105 and SOD303 it would also get (DESIGN.md "Certain beats possible").
# - Contributor's `*` is Azure RBAC: it grants no Microsoft Entra directory permission
#   (creating users, assigning directory roles), so mg_contributor gets no SOD106.

data "azurerm_subscription" "primary" {}

data "azurerm_management_group" "corp" {
  name = "corp"
}

resource "azurerm_user_assigned_identity" "platform" {
  name                = "platform"
  resource_group_name = "identities"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "platform_owner" {
  scope                = "/providers/Microsoft.Management/managementGroups/root-mg"
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.platform.principal_id
}

resource "azurerm_role_assignment" "platform_secrets" {
  scope                = data.azurerm_subscription.primary.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = azurerm_user_assigned_identity.platform.principal_id
}

resource "azurerm_role_assignment" "corp_owner" {
  scope                = data.azurerm_management_group.corp.id
  role_definition_name = "Owner"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}

resource "azurerm_role_assignment" "sub_owner_by_id" {
  scope              = data.azurerm_subscription.primary.id
  role_definition_id = "${data.azurerm_subscription.primary.id}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
  principal_id       = "22222222-2222-2222-2222-222222222222"
}

resource "azurerm_role_assignment" "rg_owner" {
  scope                = "${data.azurerm_subscription.primary.id}/resourceGroups/app"
  role_definition_name = "Owner"
  principal_id         = "33333333-3333-3333-3333-333333333333"
}

resource "azurerm_role_assignment" "mg_contributor" {
  scope                = data.azurerm_management_group.corp.id
  role_definition_name = "Contributor"
  principal_id         = "44444444-4444-4444-4444-444444444444"
}
