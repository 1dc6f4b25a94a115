"""Microsoft Entra ID directory roles, as the Azure engine reads them (issue 19, SOD106).

A directory role (User Administrator, Privileged Role Administrator, ...) is not an Azure RBAC
role: it acts on the tenant's directory (users, groups, role assignments), not on Azure
resources. The Azure engine keeps its assignments apart from RBAC ones (AzureAccess), and this
module says what each built-in role allows, from `data/entra_directory_roles.json` (Microsoft's
"Microsoft Entra built-in roles" page, the subset of roles and permissions the duty catalog asks
about; provenance in the file).

What is read
- `azuread_directory_role_assignment` (`role_id`, `principal_object_id`, `directory_scope_id`)
  and the older `azuread_directory_role_member` (`role_object_id`, `member_object_id`).
- The role: a reference to an `azuread_directory_role` of the code (its `display_name` or
  `template_id`), or a role template id written as text. Microsoft documents template ids as
  fixed for every tenant, so a literal id names the role.

Permissions follow the page's grammar `<namespace>/<entity>/<propertySet>/<action>`:
`allProperties/allTasks` is every property and every task (create, read, update, delete), so it
stands here for `<namespace>/<entity>/*`.
"""

from __future__ import annotations

from typing import Any

from sod_iac.access.cloud_common import refs_in, role_data, text_of

DIRECTORY_ASSIGNMENTS = {"azuread_directory_role_assignment": ("role_id", "principal_object_id"),
                         "azuread_directory_role_member": ("role_object_id", "member_object_id")}
"""Terraform types that assign a directory role: (role argument, principal argument)."""


DIRECTORY_NAMESPACE = "microsoft.directory/"


def is_directory_operation(operation: str) -> bool:
    """A Microsoft Entra directory permission: only directory roles grant it. Azure RBAC roles
    act on Azure resources, so even Owner's `*` never covers one (Microsoft: "Azure roles and
    Microsoft Entra roles" are separate systems)."""
    return operation.lower().startswith(DIRECTORY_NAMESPACE)


def directory_role(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(name, permissions as operation patterns) of a built-in directory role, by display name
    (case-insensitive) or template id; None for a role the data does not hold."""
    low = text.strip().lower()
    for name, entry in role_data("entra_directory_roles.json").items():
        if name.lower() == low or entry["id"] == low:
            return name, tuple(_pattern(p) for p in entry["permissions"])
    return None


def _pattern(permission: str) -> str:
    """`microsoft.directory/users/allProperties/allTasks` -> `microsoft.directory/users/*`."""
    suffix = "/allProperties/allTasks"
    return permission[:-len(suffix)] + "/*" if permission.endswith(suffix) else permission


def role_text(value: Any, project: Any) -> str | None:
    """What names the assigned role: the display name or template id of the
    `azuread_directory_role` the value refers to, else the value's own text (a template id)."""
    for ref in refs_in(value):
        role = project.resource(ref.address)
        if role is not None and role.type == "azuread_directory_role":
            return text_of(role.values.get("display_name")) or text_of(role.values.get("template_id"))
    return text_of(value)
