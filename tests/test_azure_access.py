"""The Azure engine: built-in roles, operation matching, scopes, Key Vault authorization modes."""

from __future__ import annotations

from sod_iac.access.azure import AzureAccess, RoleDef, builtin_role, operation_matches
from sod_iac.load import load_project

KV = "Microsoft.KeyVault/vaults/"


def test_builtin_roles_by_name_and_by_definition_id() -> None:
    assert builtin_role("key vault secrets user")[0] == "Key Vault Secrets User"
    by_id = builtin_role("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/"
                         "4633458b-17de-408a-b874-0445c86b69e6")
    assert by_id is not None and by_id[0] == "Key Vault Secrets User"
    assert builtin_role("No Such Role") is None


def test_operation_matching_follows_azure() -> None:
    assert operation_matches("Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
                             "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action")
    assert operation_matches("*", "Microsoft.Compute/virtualMachines/write")
    assert operation_matches("microsoft.keyvault/vaults/secrets/*", KV + "secrets/getSecret/action")
    contributor = RoleDef("Contributor", actions=("*",), not_actions=("Microsoft.Authorization/*/Write",))
    assert contributor.allows("Microsoft.Storage/storageAccounts/write", data=False)
    assert not contributor.allows("Microsoft.Authorization/roleAssignments/write", data=False)
    assert not contributor.allows(KV + "secrets/getSecret/action", data=True)  # no data actions


def test_scope_inheritance() -> None:
    rg = "/subscriptions/s1/resourceGroups/apps"
    vault = rg + "/providers/Microsoft.KeyVault/vaults/v"
    assert AzureAccess.scope_covers("/subscriptions/s1", vault) == "yes"
    assert AzureAccess.scope_covers(rg, vault) == "yes"
    assert AzureAccess.scope_covers("/subscriptions/s2", vault) == "no"
    assert AzureAccess.scope_covers("/subscriptions/*/resourceGroups/apps", vault) == "possible"
    assert AzureAccess.scope_covers(vault, rg) == "no"


VAULTS = """
resource "azurerm_key_vault" "rbac" {
  name = "rbac"
  resource_group_name = "apps"
  location = "westeurope"
  tenant_id = "t"
  sku_name = "standard"
  enable_rbac_authorization = true
  access_policy {
    tenant_id = "t"
    object_id = "11111111-1111-1111-1111-111111111111"
    secret_permissions = ["Get"]
  }
}
resource "azurerm_key_vault" "legacy" {
  name = "legacy"
  resource_group_name = "apps"
  location = "westeurope"
  tenant_id = "t"
  sku_name = "standard"
}
resource "azurerm_key_vault_secret" "a" {
  name = "a"
  value = "x"
  key_vault_id = azurerm_key_vault.rbac.id
}
resource "azurerm_key_vault_secret" "b" {
  name = "b"
  value = "x"
  key_vault_id = azurerm_key_vault.legacy.id
}
resource "azurerm_key_vault_access_policy" "b" {
  key_vault_id = azurerm_key_vault.legacy.id
  tenant_id = "t"
  object_id = "22222222-2222-2222-2222-222222222222"
  secret_permissions = ["Get", "List"]
}
resource "azurerm_role_assignment" "rg_reader" {
  scope = "/subscriptions/s1/resourceGroups/apps"
  role_definition_name = "Key Vault Secrets User"
  principal_id = "33333333-3333-3333-3333-333333333333"
}
"""


def test_secret_readers_by_vault_mode(write_tree) -> None:
    azure = AzureAccess(load_project([str(write_tree({"main.tf": VAULTS}))]))
    get = KV + "secrets/getSecret/action"
    on_a = {g.principal: g.level for g in azure.members_with_permission(get, "azurerm_key_vault_secret.a")}
    # RBAC vault: the access policy is ignored; the RG-level assignment possibly applies
    # (the vault's subscription is not in the code)
    assert on_a == {"33333333-3333-3333-3333-333333333333": "possible"}
    on_b = {g.principal: g.level for g in azure.members_with_permission(get, "azurerm_key_vault_secret.b")}
    # access-policy vault: RBAC data actions do not apply
    assert on_b == {"22222222-2222-2222-2222-222222222222": "yes"}


def test_scope_kinds_follow_the_rbac_hierarchy() -> None:
    # "Understand scope for Azure RBAC": management group > subscription > resource group > resource
    from sod_iac.access.azure import covers_estate, scope_kind

    assert scope_kind("/") == "root"
    assert scope_kind("/providers/Microsoft.Management/managementGroups/corp") == "management-group"
    assert scope_kind("/subscriptions/*") == "subscription"
    assert scope_kind("/subscriptions/s1/resourceGroups/apps") == "resource-group"
    assert scope_kind("/subscriptions/s1/resourceGroups/apps/providers/Microsoft.KeyVault/vaults/v") == "resource"
    assert covers_estate("/providers/Microsoft.Management/managementGroups/corp")
    assert not covers_estate("/subscriptions/s1/resourceGroups/apps")


UNSTATED = """
variable "assignments" {
  type = map(object({ principal_id = string }))
}

resource "azurerm_role_assignment" "each" {
  for_each             = var.assignments
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Owner"
  principal_id         = each.value.principal_id
}
"""


def test_a_principal_the_code_does_not_state_is_an_explicit_possible_unknown(write_tree) -> None:
    azure = AzureAccess(load_project([str(write_tree({"main.tf": UNSTATED}))]))
    assert [p.id for p in azure.principals()] == ["(unknown principal of azurerm_role_assignment.each)"]
    # the grant is certain, only the identity is not: whoever it names is a full administrator
    assert [a.level for a in azure.assignments] == ["yes"]
    assert azure.full_admin("(unknown principal of azurerm_role_assignment.each)") is not None


ON_ITSELF = """
resource "azurerm_user_assigned_identity" "admin" {
  name                = "admin"
  resource_group_name = "identities"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "operator" {
  scope                = azurerm_user_assigned_identity.admin.id
  role_definition_name = "Managed Identity Operator"
  principal_id         = "33333333-3333-3333-3333-333333333333"
}
"""


def test_assignment_on_the_resource_itself_certainly_applies(write_tree) -> None:
    """Azure RBAC "Understand scope": an assignment at a resource's scope applies to that
    resource. Its id has a subscription the code does not state, but it is the same resource,
    so the grant is certain, not merely possible."""
    azure = AzureAccess(load_project([str(write_tree({"main.tf": ON_ITSELF}))]))
    grants = azure.members_with_permission("Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
                                           "azurerm_user_assigned_identity.admin", data=False)
    assert [(g.principal, g.level) for g in grants] == [("33333333-3333-3333-3333-333333333333", "yes")]


LOOKED_UP = """
resource "azuread_user" "alice" {
  user_principal_name = "alice@contoso.example"
  display_name        = "Alice"
}

resource "azuread_user" "bob" {
  user_principal_name = "bob@contoso.example"
  display_name        = "Bob"
}

data "azuread_domains" "initial" {
  only_initial = true
}

resource "azuread_user" "dave" {
  user_principal_name = "dave@${data.azuread_domains.initial.domains[0].domain_name}"
  display_name        = "Dave"
}

module "grants" {
  source = "./grants"
  upns = {
    alice = "alice@contoso.example"
    bob   = azuread_user.bob.user_principal_name
    carol = "carol@contoso.example"
    dave  = azuread_user.dave.user_principal_name
  }
}
"""

GRANTS = """
variable "upns" {
  type = map(string)
}

data "azuread_user" "by_upn" {
  for_each            = var.upns
  user_principal_name = each.value
}

resource "azurerm_role_assignment" "reader" {
  for_each             = data.azuread_user.by_upn
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Reader"
  principal_id         = each.value.object_id
}
"""


def test_a_principal_looked_up_by_a_stated_key_is_the_one_the_code_creates(write_tree) -> None:
    """The azuread_user data source reads the user whose user_principal_name (unique in an Entra
    ID tenant) it is given: alice@ and bob@ are the users the code creates, so their assignments
    are theirs; dave@ too, his domain unknown but the same expression as the user's own; carol@
    is no user of the code and stays named by the data source."""
    root = write_tree({"main.tf": LOOKED_UP, "grants/main.tf": GRANTS})
    project = load_project([str(root)])
    assert project.errors == []
    azure = AzureAccess(project)
    principals = sorted(a.principal for a in azure.assignments)
    assert principals[:3] == ["azuread_user.alice", "azuread_user.bob", "azuread_user.dave"]
    assert principals[3:] == ['module.grants.data.azuread_user.by_upn["carol"]']


DIRECTORY = """
resource "azuread_service_principal" "ga" {
  client_id = "11111111-1111-1111-1111-111111111111"
}

resource "azuread_directory_role_assignment" "ga" {
  role_id             = "62e90394-69f5-4237-9190-012177145e10"
  principal_object_id = azuread_service_principal.ga.object_id
}

resource "azuread_directory_role_member" "legacy" {
  role_object_id   = "00000000-0000-0000-0000-00000000dead"
  member_object_id = azuread_service_principal.ga.object_id
}
"""


def test_entra_directory_roles_by_template_id_and_all_tasks(write_tree) -> None:
    """Microsoft Entra built-in roles: Global Administrator (template id 62e90394-...) holds
    microsoft.directory/users/allProperties/allTasks, and `allTasks` is create, read, update and
    delete, so it may create users. A role id the data does not know is an unknown role."""
    azure = AzureAccess(load_project([str(write_tree({"main.tf": DIRECTORY}))]))
    sp = "azuread_service_principal.ga"
    held = azure.grants(sp, actions=["microsoft.directory/users/create"])
    assert [(g.permission, g.level) for g in held] == [("microsoft.directory/users/create", "yes")]
    assert [r.role for r in azure.roles_held(sp)] == ["Global Administrator", "00000000-0000-0000-0000-00000000dead"]
    assert azure.grants(sp, speculative=True, actions=["microsoft.directory/groups/members/update"])[-1].level == "possible"
    # a directory role acts on the directory, not on Azure resources
    assert azure.grants(sp, changes=True) == []
    assert azure.full_admin(sp) is None
