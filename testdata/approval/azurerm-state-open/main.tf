# Positive for SOD201, SOD203, SOD204 and SOD205 on an azurerm backend.
#
# Proves (Azure Storage docs: blob versioning and soft delete, anonymous read access, shared
# key authorization; Azure RBAC built-in roles): a storage account whose blob_properties set
# neither versioning_enabled nor a delete_retention_policy keeps no earlier state blob; the
# deploy identity (Storage Blob Data Contributor: blobs/write) and the ops group
# (Contributor: listKeys, usable while shared_access_key_enabled stays at its default true)
# can both write the state blob; the container allows anonymous blob reads and
# allow_nested_items_to_be_public is left at its default (true); no customer-managed key; and
# the backend block carries the storage access key itself (the value is never printed).
terraform {
  backend "azurerm" {
    resource_group_name  = "rg-tfstate"
    storage_account_name = "acmetfstateopen"
    container_name       = "tfstate"
    key                  = "prod.terraform.tfstate"
    access_key           = "c3VwZXItc2VjcmV0LWFjY291bnQta2V5LW5vdC1yZWFsLTAwMDAwMDAwMDAwMA=="
  }
}

resource "azurerm_resource_group" "state" {
  name     = "rg-tfstate"
  location = "westeurope"
}

resource "azurerm_storage_account" "state" {
  name                     = "acmetfstateopen"
  resource_group_name      = azurerm_resource_group.state.name
  location                 = azurerm_resource_group.state.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_storage_container" "tfstate" {
  name                  = "tfstate"
  storage_account_id    = azurerm_storage_account.state.id
  container_access_type = "blob"
}

resource "azurerm_user_assigned_identity" "deployer" {
  name                = "id-tf-deployer"
  resource_group_name = azurerm_resource_group.state.name
  location            = azurerm_resource_group.state.location
}

resource "azurerm_role_assignment" "deployer" {
  scope                = azurerm_storage_account.state.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
}

resource "azurerm_role_assignment" "ops" {
  scope                = azurerm_storage_account.state.id
  role_definition_name = "Contributor"
  principal_id         = "7d9a1c55-0000-4000-8000-00000000abcd"
}
