# SOD103 on Azure: diagnostic settings and Log Analytics workspaces (delete, purge) held with
# the power to change resources. Custom role definitions: actions and not_actions per the
# Azure role definition model.
#
# Proves:
#   - `ops` holds a custom role with Microsoft.Insights/diagnosticSettings/* and
#     Microsoft.Compute/virtualMachines/*: flagged.
#   - `monitoring` holds a custom role with diagnostic settings and workspace control only:
#     quiet (its changes are all to logging).
#   - `vm_operator` holds Microsoft.Compute/*, but no log control: quiet.
resource "azurerm_resource_group" "rg" {
  name     = "prod"
  location = "westeurope"
}

resource "azurerm_role_definition" "ops" {
  name  = "ops-with-diagnostics"
  scope = azurerm_resource_group.rg.id
  permissions {
    actions     = ["Microsoft.Insights/diagnosticSettings/*", "Microsoft.Compute/virtualMachines/*"]
    not_actions = []
  }
}

resource "azurerm_role_definition" "monitoring" {
  name  = "monitoring-config"
  scope = azurerm_resource_group.rg.id
  permissions {
    actions = ["Microsoft.Insights/diagnosticSettings/*", "Microsoft.OperationalInsights/workspaces/delete",
               "Microsoft.OperationalInsights/workspaces/purge/action", "Microsoft.Insights/logProfiles/*"]
  }
}

resource "azurerm_role_definition" "vm_operator" {
  name  = "vm-operator"
  scope = azurerm_resource_group.rg.id
  permissions {
    actions = ["Microsoft.Compute/*"]
  }
}

resource "azurerm_user_assigned_identity" "ops" {
  name                = "ops"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "monitoring" {
  name                = "monitoring"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "vm_operator" {
  name                = "vm-operator"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_role_assignment" "ops" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.ops.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.ops.principal_id
}

resource "azurerm_role_assignment" "monitoring" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.monitoring.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.monitoring.principal_id
}

resource "azurerm_role_assignment" "vm_operator" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.vm_operator.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.vm_operator.principal_id
}
