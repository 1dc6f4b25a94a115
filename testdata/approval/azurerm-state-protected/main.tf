# Negative for SOD201-SOD205 on an azurerm backend.
#
# Proves: blob versioning plus soft delete (blob_properties.versioning_enabled and
# delete_retention_policy), allow_nested_items_to_be_public = false with a private
# container, a customer_managed_key block, shared key access turned off
# (shared_access_key_enabled = false, so holders of listKeys cannot use keys), one identity
# with blob write access, and a backend that authenticates with Entra ID
# (use_azuread_auth) rather than keys: all quiet. azurerm locks state natively (blob leases).
terraform {
  backend "azurerm" {
    storage_account_name = "acmetfstateguarded"
    container_name       = "tfstate"
    key                  = "prod.terraform.tfstate"
    use_azuread_auth     = true
  }
}

resource "azurerm_resource_group" "state" {
  name     = "rg-tfstate"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "deployer" {
  name                = "id-tf-deployer"
  resource_group_name = azurerm_resource_group.state.name
  location            = azurerm_resource_group.state.location
}

resource "azurerm_storage_account" "state" {
  name                            = "acmetfstateguarded"
  resource_group_name             = azurerm_resource_group.state.name
  location                        = azurerm_resource_group.state.location
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  allow_nested_items_to_be_public = false
  shared_access_key_enabled       = false

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.deployer.id]
  }

  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = 30
    }
  }

  customer_managed_key {
    key_vault_key_id          = "https://kv-acme.vault.azure.net/keys/tfstate"
    user_assigned_identity_id = azurerm_user_assigned_identity.deployer.id
  }
}

resource "azurerm_storage_container" "tfstate" {
  name                  = "tfstate"
  storage_account_id    = azurerm_storage_account.state.id
  container_access_type = "private"
}

resource "azurerm_role_assignment" "deployer" {
  scope                = azurerm_storage_account.state.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
}

resource "azurerm_role_assignment" "auditors" {
  scope                = azurerm_storage_account.state.id
  role_definition_name = "Reader"
  principal_id         = "7d9a1c55-0000-4000-8000-00000000abcd"
}
