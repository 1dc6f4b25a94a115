# SOD102 on Azure: Managed Identity Contributor (create, update, delete user-assigned
# identities and their federated credentials) with Managed Identity Operator (assign them to
# resources, i.e. act as them). Role definitions per the Azure built-in roles reference;
# the Operator's `userAssignedIdentities/*/assign/action` covers `.../assign/action`.
#
# Proves:
#   - `ops` holds both roles on the resource group: flagged.
#   - `deployer` holds only Managed Identity Operator, `identity_admin` only Contributor on
#     identities, `reader` holds Reader: quiet.
resource "azurerm_resource_group" "rg" {
  name     = "identities"
  location = "westeurope"
}

resource "azuread_group" "ops" {
  display_name     = "ops"
  security_enabled = true
}

resource "azuread_group" "deployer" {
  display_name     = "deployer"
  security_enabled = true
}

resource "azuread_group" "identity_admin" {
  display_name     = "identity-admin"
  security_enabled = true
}

resource "azuread_group" "reader" {
  display_name     = "reader"
  security_enabled = true
}

resource "azurerm_role_assignment" "ops_contributor" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Managed Identity Contributor"
  principal_id         = azuread_group.ops.object_id
}

resource "azurerm_role_assignment" "ops_operator" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Managed Identity Operator"
  principal_id         = azuread_group.ops.object_id
}

resource "azurerm_role_assignment" "deployer_operator" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Managed Identity Operator"
  principal_id         = azuread_group.deployer.object_id
}

resource "azurerm_role_assignment" "identity_admin" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Managed Identity Contributor"
  principal_id         = azuread_group.identity_admin.object_id
}

resource "azurerm_role_assignment" "reader" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Reader"
  principal_id         = azuread_group.reader.object_id
}
