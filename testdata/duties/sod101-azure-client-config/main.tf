# SOD101 on the identity running Terraform on Azure (`data "azurerm_client_config"`).
#
# Proves: a role assignment to `data.azurerm_client_config.current.object_id` gives the
# identity that applies the code Key Vault Administrator on the subscription (Azure built-in
# role: every data action on vaults, keys among them: create and encrypt/decrypt), so it
# administers and uses keys: SOD101 (and secrets likewise: SOD105). The finding is anchored on the role assignment, the grant
# a reviewer must change, not on the data source, which only reads who runs Terraform.
data "azurerm_client_config" "current" {}

resource "azurerm_role_assignment" "me_kv_admin" {
  scope                = "/subscriptions/00000000-1111-2222-3333-444444444444"
  role_definition_name = "Key Vault Administrator"
  principal_id         = data.azurerm_client_config.current.object_id
}
