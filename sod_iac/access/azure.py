"""Who can do what in Azure, from Terraform alone, following Azure RBAC's documented model.

What is read
- `azurerm_role_assignment`: `scope`, `role_definition_name` or `role_definition_id`,
  `principal_id`, `condition`. Built-in roles come from `data/azure_roles.json` (by name or by
  the GUID at the end of a definition id); custom roles from `azurerm_role_definition`
  (`permissions { actions, not_actions, data_actions, not_data_actions }`) and a
  `data "azurerm_role_definition"` by name.
- Key Vault access policies: `access_policy` blocks of `azurerm_key_vault` and
  `azurerm_key_vault_access_policy` (`object_id`, `key_permissions`, `secret_permissions`,
  `certificate_permissions`), translated to the equivalent data actions
  (`Get` secret -> `Microsoft.KeyVault/vaults/secrets/getSecret/action`, ...).
- Principals: `principal_id`/`object_id` referring to a resource of the code
  (`azurerm_user_assigned_identity.x.principal_id`, `azuread_service_principal.x.object_id`,
  a resource's system-assigned `identity[0].principal_id`) become that resource's address;
  anything else is kept as written.

Semantics ("Understand Azure role definitions", "Understand scope" in the Azure RBAC docs)
- An operation is allowed by a role when it matches one of `actions` and none of
  `not_actions` (control plane), or one of `data_actions` and none of `not_data_actions`
  (data plane). Matching is case-insensitive; `*` matches any run of characters.
- A role assignment at a scope applies to that scope and everything below it
  (management group > subscription > resource group > resource > child resource). Parts of a
  scope the code does not state (a subscription id from a data source) are wildcards: the
  assignment then *possibly* applies.
- Key Vault data actions from RBAC apply only to vaults with RBAC authorization
  (`enable_rbac_authorization` / `rbac_authorization_enabled` true); access policies only to
  vaults without it. A vault not in the code, or with the flag unknown, gets both as possible.
- An assignment with an ABAC `condition` is held at level "possible".
- `Owner` (actions `*`) at a subscription or management group is a full administrator
  (control plane; data actions are not part of Owner).

API (for rules and other engines, e.g. secret reader sets)
    azure = ctx.access.azure                  # None when the project has no azurerm_/azuread_ resources
    azure.principals()
    azure.members_with_permission("Microsoft.KeyVault/vaults/secrets/getSecret/action",
                                  "azurerm_key_vault_secret.db")     # data action: RBAC or access policy
        -> [Grant(principal, permission, level, scope, evidence)]
    azure.grants(principal, actions=[...], data_actions=[...])      # every grant, any scope
    azure.roles_held(principal) -> [RoleHeld(role, scope, level, evidence)]   # assignments, policies
    azure.full_admin(principal) -> list[Evidence] | None
    is_data_operation("Microsoft.KeyVault/vaults/secrets/getSecret/action") -> True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sod_iac.access.cloud_common import (
    Grant,
    RoleHeld,
    as_list,
    glob,
    globs_overlap,
    hop,
    refs_in,
    role_data,
    statement_hop,
    text_of,
    unstated_principal,
)
from sod_iac.access.entra import DIRECTORY_ASSIGNMENTS, directory_role, is_directory_operation, role_text
from sod_iac.access.graph import Level, Principal, best, weakest
from sod_iac.core.model import Evidence, Project, Resource
from sod_iac.core.values import Ref, Template, Unknown, grant_block_signature

KV = "Microsoft.KeyVault/vaults/"
_KEY = {"get": ["keys/read"], "list": ["keys/read"], "update": ["keys/update/action"],
        "create": ["keys/create/action"], "import": ["keys/import/action"], "delete": ["keys/delete"],
        "recover": ["keys/recover/action"], "backup": ["keys/backup/action"], "restore": ["keys/restore/action"],
        "decrypt": ["keys/decrypt/action"], "encrypt": ["keys/encrypt/action"], "unwrapkey": ["keys/unwrap/action"],
        "wrapkey": ["keys/wrap/action"], "verify": ["keys/verify/action"], "sign": ["keys/sign/action"],
        "purge": ["keys/purge/action"], "release": ["keys/release/action"], "rotate": ["keys/rotate/action"],
        "getrotationpolicy": ["keyrotationpolicies/read"], "setrotationpolicy": ["keyrotationpolicies/write"]}
_SECRET = {"get": ["secrets/getSecret/action"], "list": ["secrets/readMetadata/action"],
           "set": ["secrets/setSecret/action"], "delete": ["secrets/delete"], "recover": ["secrets/recover/action"],
           "backup": ["secrets/backup/action"], "restore": ["secrets/restore/action"], "purge": ["secrets/purge/action"]}
_CERT = {"get": ["certificates/read"], "list": ["certificates/read"], "create": ["certificates/create/action"],
         "import": ["certificates/import/action"], "update": ["certificates/update/action"],
         "delete": ["certificates/delete"], "recover": ["certificates/recover/action"],
         "backup": ["certificates/backup/action"], "restore": ["certificates/restore/action"],
         "purge": ["certificates/purge/action"], "managecontacts": ["certificatecontacts/write"],
         "manageissuers": ["certificatecas/write"], "getissuers": ["certificatecas/read"],
         "listissuers": ["certificatecas/read"], "setissuers": ["certificatecas/write"],
         "deleteissuers": ["certificatecas/delete"]}
_POLICY_KINDS = (("key_permissions", _KEY), ("secret_permissions", _SECRET), ("certificate_permissions", _CERT))

# Terraform type -> (provider namespace/type, name argument) for building resource ids
RESOURCE_PATHS: dict[str, tuple[str, str]] = {
    "azurerm_key_vault": ("Microsoft.KeyVault/vaults", "name"),
    "azurerm_user_assigned_identity": ("Microsoft.ManagedIdentity/userAssignedIdentities", "name"),
    "azurerm_storage_account": ("Microsoft.Storage/storageAccounts", "name"),
    "azurerm_kubernetes_cluster": ("Microsoft.ContainerService/managedClusters", "name"),
    "azurerm_log_analytics_workspace": ("Microsoft.OperationalInsights/workspaces", "name"),
    "azurerm_container_registry": ("Microsoft.ContainerRegistry/registries", "name"),
    "azurerm_linux_virtual_machine": ("Microsoft.Compute/virtualMachines", "name"),
    "azurerm_windows_virtual_machine": ("Microsoft.Compute/virtualMachines", "name"),
    "azurerm_linux_web_app": ("Microsoft.Web/sites", "name"),
    "azurerm_windows_web_app": ("Microsoft.Web/sites", "name"),
    "azurerm_linux_function_app": ("Microsoft.Web/sites", "name"),
    "azurerm_windows_function_app": ("Microsoft.Web/sites", "name"),
}
CHILD_PATHS = {"azurerm_key_vault_secret": ("key_vault_id", "secrets"),
               "azurerm_key_vault_key": ("key_vault_id", "keys"),
               "azurerm_key_vault_certificate": ("key_vault_id", "certificates")}
HOUSEKEEPING = ("Microsoft.Resources/deployments/*", "Microsoft.Insights/alertRules/*", "Microsoft.Support/*")
"""Operations nearly every built-in role carries; they change nothing a duty is about."""
PRINCIPAL_TYPES = {"azurerm_user_assigned_identity": "managed-identity", "azuread_service_principal": "service-principal",
                   "azuread_group": "group", "azuread_user": "user", "azuread_application": "application"}


def _stated(value: Any) -> bool:
    """A value two resources can be known to share: text, or text and references to attributes
    of the code (`"alice@${data.azuread_domains.d.domains[0].domain_name}"`: the same expression
    gives the same value); never a bare unknown, whose equality says nothing."""
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, Template) and all(isinstance(p, (str, Ref)) for p in value.parts)


LOOKUP_KEYS = {"azuread_user": ("user_principal_name", "object_id"),
               "azuread_service_principal": ("client_id", "application_id", "object_id"),
               "azuread_group": ("object_id",)}
"""Arguments by which an Entra ID data source looks up one principal, each unique in a tenant
(azuread provider docs: data sources azuread_user, azuread_service_principal, azuread_group)."""


ESTATE_KINDS = frozenset({"root", "management-group", "subscription"})
"""Scopes an assignment at which reaches every resource of a subscription or more: the estate,
as a GCP organization, folder or project is. A resource group is a container *inside* a
subscription (its owner cannot touch the subscription's own settings, e.g. its Activity Log
diagnostic settings or policy assignments), so an assignment there reaches that group only."""


def _roles() -> dict[str, dict]:
    return role_data("azure_roles.json")


def scope_kind(scope: str) -> str:
    """root, management-group, subscription, resource-group, resource, or unknown (`*`) for a
    scope path ("Understand scope for Azure RBAC": management group > subscription > resource
    group > resource). `*` segments stand for names the code does not state."""
    if scope == "/":
        return "root"
    parts = [p.lower() for p in scope.split("/") if p]
    if not parts or parts == ["*"]:
        return "unknown"
    if parts[:3] == ["providers", "microsoft.management", "managementgroups"] and len(parts) == 4:
        return "management-group"
    if parts[0] == "subscriptions" and len(parts) == 2:
        return "subscription"
    if parts[0] == "subscriptions" and len(parts) == 4 and parts[2] == "resourcegroups":
        return "resource-group"
    return "resource"


def covers_estate(scope: str) -> bool:
    """Does an assignment at `scope` reach every resource of a subscription (or more)? A scope
    the code does not state at all possibly does (unknown means possible)."""
    return scope_kind(scope) in ESTATE_KINDS or scope_kind(scope) == "unknown"


def operation_matches(pattern: str, operation: str) -> bool:
    """Azure operation matching: case-insensitive, `*` any run; a `/*/` segment may also stand
    for nothing (`userAssignedIdentities/*/assign/action` covers `userAssignedIdentities/assign/action`,
    as the Managed Identity Operator role relies on). A wildcard `operation` asks "any of them"."""
    if "*" in operation:
        return globs_overlap(pattern, operation, case=False)
    if glob(pattern, operation, case=False):
        return True
    return "/*/" in pattern and glob(pattern.replace("/*/", "/"), operation, case=False)


_DEFINITION_ID = re.compile(r"/roleDefinitions/([0-9a-fA-F-]{36})/?$", re.IGNORECASE)


def _definition_guid(value: Any) -> str | None:
    """The role GUID at the end of a definition id whose scope part the code does not state
    (`"${data.azurerm_subscription.x.id}/providers/Microsoft.Authorization/roleDefinitions/GUID"`):
    a built-in role has the same GUID at every scope."""
    if isinstance(value, Template) and isinstance(value.parts[-1], str):
        found = _DEFINITION_ID.search(value.parts[-1])
        return found.group(1) if found else None
    return None


def builtin_role(name_or_id: str) -> tuple[str, dict] | None:
    """A built-in role by name (case-insensitive) or definition id/GUID, or None."""
    text = name_or_id.strip()
    guid = text.rstrip("/").rsplit("/", 1)[-1].lower()
    for name, entry in _roles().items():
        if name.lower() == text.lower() or entry["id"] == guid:
            return name, entry
    return None


def is_data_operation(operation: str) -> bool:
    """Whether an operation is a data action (dataActions) rather than a control-plane action.
    A built-in role that names it literally says which; otherwise Key Vault object operations
    (secrets, keys, certificates, rotation policies) are data actions."""
    low = operation.lower()
    for entry in _roles().values():
        if any(a.lower() == low for a in entry["data_actions"]):
            return True
        if any(a.lower() == low for a in entry["actions"]):
            return False
    return low.startswith(KV.lower()) and operation.count("/") >= 3 and any(
        s in low for s in ("/secrets/", "/keys/", "/certificates/", "/keyrotationpolicies/"))


@dataclass(frozen=True)
class RoleDef:
    name: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()
    known: bool = True
    evidence: tuple[Evidence, ...] = ()

    def allows(self, operation: str, data: bool) -> bool:
        allow, deny = (self.data_actions, self.not_data_actions) if data else (self.actions, self.not_actions)
        if not any(operation_matches(a, operation) for a in allow):
            return False
        if "*" not in operation and any(operation_matches(n, operation) for n in deny):
            return False
        return True

    def first_change(self, excluded: Iterable[str] = ()) -> str | None:
        """An operation of the role that changes state (write, delete, action), outside `excluded`
        and outside the housekeeping most built-in roles carry (deployments, classic alerts,
        support tickets)."""
        excluded = [*excluded, *HOUSEKEEPING]
        for allow, deny in ((self.actions, self.not_actions), (self.data_actions, self.not_data_actions)):
            for a in allow:
                low = a.lower()
                if low.endswith("/read") or not (a == "*" or low.endswith("*") or low.endswith("/write")
                                                  or low.endswith("/delete") or low.endswith("/action")):
                    continue
                if a != "*" and any(glob(e, a, case=False) for e in excluded):
                    continue
                if "*" not in a and any(glob(n, a, case=False) for n in deny):
                    continue
                return a
        return None


@dataclass(frozen=True)
class Assignment:
    principal: str
    principal_text: str
    role: RoleDef
    scope: str          # the scope path, `*` for unknown segments
    scope_label: str
    certain: bool       # no unknown segment in the scope
    level: Level
    evidence: tuple[Evidence, ...]
    target: str | None = None   # the resource of the code the scope names, if any


@dataclass(frozen=True)
class VaultPolicy:
    principal: str
    vault: str          # address of the vault, or its id text
    data_actions: tuple[str, ...]
    evidence: tuple[Evidence, ...]


class AzureAccess:
    """The Azure engine for one Project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.assignments: list[Assignment] = []
        self.vault_policies: list[VaultPolicy] = []
        self._kinds: dict[str, str] = {}
        self._custom: dict[str, RoleDef] = {}
        self._by_principal: dict[str, list[Assignment]] = defaultdict(list)
        self._policies_by_principal: dict[str, list[VaultPolicy]] = defaultdict(list)
        self._directory_by_principal: dict[str, list[Assignment]] = defaultdict(list)
        self._escalation: Any = None
        self._build()

    # --- building ----------------------------------------------------------------------
    def _build(self) -> None:
        for r in self.project.resources:
            if r.mode == "managed" and r.type in PRINCIPAL_TYPES:
                self._kinds[r.address] = PRINCIPAL_TYPES[r.type]
            if r.type == "azurerm_role_definition" and r.mode == "managed":
                self._custom[r.address] = self._custom_role(r)
        for r in self.project.resources:
            if r.mode != "managed":
                continue
            if r.type == "azurerm_role_assignment":
                self._assignment(r)
            elif r.type in DIRECTORY_ASSIGNMENTS:
                self._directory_assignment(r)
            elif r.type == "azurerm_key_vault":
                for i, block in enumerate(as_list(r.values.get("access_policy"))):
                    if isinstance(block, dict):
                        self._vault_policy(r, block, r.address, r.references.get("access_policy.object_id", []),
                                           grant_block_signature("access_policy", i))
            elif r.type == "azurerm_key_vault_access_policy":
                vault = self._ref_to(r.values.get("key_vault_id"), r.references.get("key_vault_id", []),
                                     ("azurerm_key_vault",))
                key = vault.address if vault is not None else str(r.values.get("key_vault_id"))
                self._vault_policy(r, r.values, key, r.references.get("object_id", []))

    def _custom_role(self, r: Resource) -> RoleDef:
        block = r.values.get("permissions")
        blocks = [b for b in as_list(block) if isinstance(b, dict)]

        def get(key: str) -> tuple[str, ...]:
            return tuple(str(a) for b in blocks for a in as_list(b.get(key)) if isinstance(a, str))

        name = text_of(r.values.get("name")) or r.address
        known = bool(blocks) and all(isinstance(b.get("actions", []), (list, tuple)) for b in blocks)
        return RoleDef(name=name, actions=get("actions"), not_actions=get("not_actions"),
                       data_actions=get("data_actions"), not_data_actions=get("not_data_actions"), known=known,
                       evidence=(hop(r, f"custom role {name}: actions {list(get('actions'))}, data actions "
                                        f"{list(get('data_actions'))}"),))

    def _role_of(self, r: Resource) -> RoleDef:
        name = r.values.get("role_definition_name")
        definition = r.values.get("role_definition_id")
        for ref in refs_in(definition) + refs_in(name):
            if ref.address in self._custom:
                return self._custom[ref.address]
            data = self.project.resource(ref.address)
            if data is not None and data.type == "azurerm_role_definition" and data.mode == "data":
                looked = text_of(data.values.get("name")) or text_of(data.values.get("role_definition_id"))
                if looked:
                    return self._builtin(looked)
        for address in r.references.get("role_definition_id", []):
            if address in self._custom:
                return self._custom[address]
        text = text_of(name) or text_of(definition)
        if text:
            for custom in self._custom.values():
                if custom.name.lower() == text.lower():
                    return custom
            return self._builtin(text)
        tail = _definition_guid(definition)
        if tail is not None and builtin_role(tail) is not None:
            return self._builtin(tail)
        return RoleDef(name=str(name if name is not None else definition), known=False)

    def _builtin(self, text: str) -> RoleDef:
        found = builtin_role(text)
        if found is None:
            return RoleDef(name=text, known=False)
        name, entry = found
        return RoleDef(name=name, actions=tuple(entry["actions"]), not_actions=tuple(entry["not_actions"]),
                       data_actions=tuple(entry["data_actions"]), not_data_actions=tuple(entry["not_data_actions"]))

    def _assignment(self, r: Resource) -> None:
        principal, text = self.principal_id(r.values.get("principal_id"), r.references.get("principal_id", []), r)
        role = self._role_of(r)
        scope, certain, label = self.scope_path(r.values.get("scope"), r.references.get("scope", []))
        target = label if self.project.resource(label) is not None else None
        condition = r.values.get("condition")
        level: Level = "possible" if condition else "yes"
        detail = f"assigns {role.name} to {text} at {label}" + (" with a condition" if condition else "")
        a = Assignment(principal, text, role, scope, label, certain, level, (statement_hop(r, detail),), target)
        self.assignments.append(a)
        self._by_principal[principal].append(a)
        self._kinds.setdefault(principal, "principal")

    def _directory_assignment(self, r: Resource) -> None:
        """A Microsoft Entra directory role assignment (access.entra): kept apart from RBAC
        assignments, since it acts on the directory, not on Azure resources."""
        role_arg, principal_arg = DIRECTORY_ASSIGNMENTS[r.type]
        principal, text = self.principal_id(r.values.get(principal_arg), r.references.get(principal_arg, []), r)
        named = role_text(r.values.get(role_arg), self.project)
        found = directory_role(named) if named else None
        role = RoleDef(name=found[0], actions=found[1]) if found else \
            RoleDef(name=named or str(r.values.get(role_arg)), known=False)
        scope = text_of(r.values.get("directory_scope_id")) or "/"
        label = f"directory scope {scope}"
        detail = f"assigns directory role {role.name} to {text} at {label}"
        a = Assignment(principal, text, role, f"entra:{scope}", label, True, "yes", (statement_hop(r, detail),))
        self._directory_by_principal[principal].append(a)
        self._kinds.setdefault(principal, "principal")

    def _vault_policy(self, r: Resource, block: dict, vault: str, refs: list[str],
                      signature: str | None = None) -> None:
        """One access policy; `signature` names the vault's own `access_policy` block it is."""
        principal, text = self.principal_id(block.get("object_id"), refs, r)
        actions: list[str] = []
        named: list[str] = []
        for key, table in _POLICY_KINDS:
            for perm in as_list(block.get(key)):
                if isinstance(perm, str):
                    named.append(f"{key.split('_')[0]} {perm}")
                    actions.extend(KV + op for op in table.get(perm.lower(), []))
                else:
                    actions.append(KV + key.split("_")[0] + "s/*")  # unknown permission: possible
        detail = f"access policy for {text} on {vault}: {', '.join(named) or 'no permissions'}"
        policy = VaultPolicy(principal, vault, tuple(dict.fromkeys(actions)), (statement_hop(r, detail, signature),))
        self.vault_policies.append(policy)
        self._policies_by_principal[principal].append(policy)
        self._kinds.setdefault(principal, "principal")

    # --- names and scopes --------------------------------------------------------------
    def principal_id(self, value: Any, refs: Iterable[str] = (), granted_by: Resource | None = None) -> tuple[str, str]:
        """(principal, as written): a resource of the code it refers to, else the id as written,
        else (a wholly unknown value of `granted_by`) an explicit unknown (unstated_principal)."""
        text = str(value)
        for ref in refs_in(value):
            resource = self.project.resource(ref.address)
            if resource is not None:
                return self._looked_up(resource), text
        if isinstance(value, str):
            return value, text
        refs = [a for a in refs if self.project.resource(a) is not None]
        if len(refs) == 1:
            return self._looked_up(self.project.resource(refs[0])), text
        unstated = unstated_principal(value, granted_by.address, "principal") if granted_by is not None else None
        if unstated is not None:
            return unstated, "a principal the code does not state"
        return text, text

    def _looked_up(self, resource: Resource | None) -> str:
        """The principal a data source looks up, when the code creates it: `data.azuread_user.x`
        with `user_principal_name` stated and equal to that of one `azuread_user` of the code (or
        a reference to its own attribute) reads that user, so both are one principal. A key
        Entra ID keeps unique is required (UPN, object id, client id); else the data source's
        own address."""
        if resource is None or resource.mode != "data" or resource.type not in LOOKUP_KEYS:
            return resource.address if resource is not None else ""
        for key in LOOKUP_KEYS[resource.type]:
            value = resource.values.get(key)
            for ref in refs_in(value):
                target = self.project.resource(ref.address)
                if target is not None and target.mode == "managed" and target.type == resource.type \
                        and ref.attribute == key:
                    return target.address
            if _stated(value):
                same = [r.address for r in self.project.by_type(resource.type)
                        if r.mode == "managed" and r.values.get(key) == value]
                if len(same) == 1:
                    return same[0]
        return resource.address

    def _ref_to(self, value: Any, refs: Iterable[str], types: tuple[str, ...]) -> Resource | None:
        for ref in refs_in(value):
            resource = self.project.resource(ref.address)
            if resource is not None and resource.type in types:
                return resource
        for address in refs:
            resource = self.project.resource(address)
            if resource is not None and resource.type in types:
                return resource
        return None

    def scope_path(self, value: Any, refs: Iterable[str] = ()) -> tuple[str, bool, str]:
        """(path with `*` for unknown segments, certain, label) of a scope value. In a template,
        a reference to the id of a resource of the code stands for that resource's path, and the
        text around it is kept (`${data.azurerm_subscription.x.id}/resourceGroups/rg` is a
        resource group, not the subscription)."""
        if isinstance(value, Template):
            path = "".join(p if isinstance(p, str) else self._part_path(p) for p in value.parts)
            return path.rstrip("/") or "/", "*" not in path, str(value)
        refs = list(refs)
        target = None
        for ref in refs_in(value):
            target = self.project.resource(ref.address)
            if target is not None:
                break
        if target is None and not isinstance(value, str):
            candidates = [self.project.resource(a) for a in refs]
            candidates = [c for c in candidates if c is not None]
            target = candidates[0] if len(candidates) == 1 else None
        if target is not None:
            path = self.resource_path(target)
            return path, "*" not in path, target.address
        if isinstance(value, str):
            return value.rstrip("/") or "/", True, value
        return "*", False, str(value)

    def _part_path(self, part: Any) -> str:
        """The path an unknown part of a scope template stands for: a resource of the code's
        path when the part is its `id`, else `*`."""
        target = self.project.resource(part.address) if isinstance(part, Ref) else None
        if target is not None and part.attribute in ("", "id"):
            return self.resource_path(target)
        return "*"

    def resource_path(self, resource: Resource) -> str:
        """The Azure resource id of a resource of the code, `*` where the code does not say."""
        v = resource.values
        if resource.type == "azurerm_resource_group":
            return f"/subscriptions/*/resourceGroups/{text_of(v.get('name')) or '*'}"
        if resource.type in ("azurerm_subscription",) or (resource.mode == "data"
                                                          and resource.type == "azurerm_subscription"):
            sub = text_of(v.get("subscription_id"))
            return f"/subscriptions/{sub or '*'}"
        if resource.type == "azurerm_management_group":
            return f"/providers/Microsoft.Management/managementGroups/{text_of(v.get('name')) or '*'}"
        if resource.type in CHILD_PATHS:
            arg, kind = CHILD_PATHS[resource.type]
            vault = self._ref_to(v.get(arg), resource.references.get(arg, []), ("azurerm_key_vault",))
            parent = self.resource_path(vault) if vault is not None else (text_of(v.get(arg)) or "*")
            return f"{parent}/{kind}/{text_of(v.get('name')) or '*'}"
        rg = v.get("resource_group_name")
        rg_resource = self._ref_to(rg, resource.references.get("resource_group_name", []), ("azurerm_resource_group",))
        rg_name = text_of(rg_resource.values.get("name")) if rg_resource is not None else text_of(rg)
        provider, name_arg = RESOURCE_PATHS.get(resource.type, ("*", "name"))
        return f"/subscriptions/*/resourceGroups/{rg_name or '*'}/providers/{provider}/{text_of(v.get(name_arg)) or '*'}"

    @staticmethod
    def scope_covers(scope: str, target: str, certain: bool = True) -> Level:
        """Does an assignment at `scope` reach `target` (both resource ids, `*` = unknown)?"""
        if scope == "/" or scope == "*":
            return "yes" if scope == "/" and certain else "possible"
        s = [p for p in scope.lower().split("/") if p]
        t = [p for p in target.lower().split("/") if p]
        if s[:1] == ["providers"] and len(s) >= 3 and s[1] == "microsoft.management":
            if t[:1] == ["providers"] and t[1:2] == ["microsoft.management"]:
                return "yes" if s == t[:len(s)] else "no"
            return "possible"  # which subscriptions are in a management group is not in the code
        if len(s) > len(t):
            return "no"
        level: Level = "yes"
        for a, b in zip(s, t):
            if a == b:
                continue
            if "*" in a or "*" in b:
                level = "possible"
                continue
            return "no"
        return level if certain else weakest(level, "possible")

    # --- questions -------------------------------------------------------------------------
    def principals(self) -> list[Principal]:
        out = []
        for principal in sorted(self._kinds):
            resource = self.project.resource(principal)
            name = text_of(resource.values.get("name") or resource.values.get("display_name")) if resource else None
            out.append(Principal(id=principal, cloud="azure", kind=self._kinds[principal], name=name,
                                 location=resource.location if resource is not None else None))
        return out

    def grants(self, principal: str, actions: Iterable[str] = (), data_actions: Iterable[str] = (), *,
               roles: Iterable[str] = (), changes: bool = False, excluded: Iterable[str] = (),
               speculative: bool = False) -> list[Grant]:
        """Every assignment or access policy of `principal` (any scope) that allows one of the
        operations, is one of `roles`, or (with `changes`) allows a state change outside
        `excluded` operations."""
        actions, data_actions, excluded = list(actions), list(data_actions), list(excluded)
        wanted = {r.lower() for r in roles}
        out = []
        rbac_actions = [op for op in actions if not is_directory_operation(op)]
        directory_actions = [op for op in actions if is_directory_operation(op)]
        held = [(a, False) for a in self._by_principal.get(principal, [])]
        held += [(a, True) for a in self._directory_by_principal.get(principal, [])]
        for a, directory in held:
            perm = None
            if a.role.name.lower() in wanted:
                perm = a.role.name
            ops = directory_actions if directory else rbac_actions  # two systems: neither grants the other's
            perm = perm or next((op for op in ops if a.role.allows(op, data=False)), None)
            level = a.level
            if perm is None:
                perm = next((op for op in data_actions if a.role.allows(op, data=True)), None)
                if perm is not None:
                    level = weakest(level, self._rbac_data_level(a))
            if perm is None and changes and not directory:  # directory roles change no Azure resource
                perm = a.role.first_change(excluded)
            if perm is None and not a.role.known and speculative:
                perm, level = "unknown role", "possible"
            if perm is None:
                continue
            out.append(Grant(principal, perm, level, a.scope, (*a.evidence, *a.role.evidence)))
        for p in self._policies_by_principal.get(principal, []):
            role = RoleDef(name="access policy", data_actions=p.data_actions)
            perm = next((op for op in data_actions if role.allows(op, data=True)), None)
            if perm is None and changes:
                perm = role.first_change(excluded)
            if perm is not None:
                out.append(Grant(principal, perm, "yes", p.vault, p.evidence))
        return out

    def custom_roles(self) -> dict[str, RoleDef]:
        """The custom roles of the code (`azurerm_role_definition`), by address."""
        return dict(self._custom)

    def roles_held(self, principal: str) -> list[RoleHeld]:
        """The principal's role assignments and Key Vault access policies, with evidence."""
        held = [RoleHeld(a.role.name, a.scope_label, a.level, (*a.evidence, *a.role.evidence))
                for a in [*self._by_principal.get(principal, []), *self._directory_by_principal.get(principal, [])]]
        held += [RoleHeld("access policy", p.vault, "yes", p.evidence)
                 for p in self._policies_by_principal.get(principal, [])]
        return held

    def _rbac_data_level(self, a: Assignment) -> Level:
        """Key Vault data actions of an assignment made at (or below) a vault of the code apply
        only when that vault uses RBAC authorization."""
        target = self.project.resource(a.target) if a.target else None
        vault = self._vault_of(target) if target is not None else None
        return self.vault_mode(vault)[0] if vault is not None else "yes"

    def vault_mode(self, vault: Resource | None) -> tuple[Level, Level]:
        """(RBAC applies, access policies apply) for a vault of the code."""
        if vault is None:
            return "possible", "possible"
        for key in ("rbac_authorization_enabled", "enable_rbac_authorization"):
            if key in vault.values:
                value = vault.values[key]
                if value is True:
                    return "yes", "no"
                if value is False:
                    return "no", "yes"
                return "possible", "possible"
        return "no", "yes"  # the provider's default: access policies

    def members_with_permission(self, operation: str, resource_address: str, *, data: bool | None = None,
                                speculative: bool = False) -> list[Grant]:
        """Every principal allowed `operation` on the resource of the code `resource_address`.
        `data` says whether it is a data action (default: Key Vault object operations are)."""
        target = self.project.resource(resource_address)
        if target is None:
            return []
        if data is None:
            data = is_data_operation(operation)
        path = self.resource_path(target)
        vault = self._vault_of(target)
        rbac_applies, policies_apply = self.vault_mode(vault) if data else ("yes", "no")
        found: dict[str, Grant] = {}

        def keep(grant: Grant) -> None:
            current = found.get(grant.principal)
            if current is None or best(grant.level, current.level) != current.level:
                found[grant.principal] = grant

        for a in self.assignments:
            allowed = a.role.allows(operation, data)
            level: Level = "yes" if allowed else ("possible" if not a.role.known and speculative else "no")
            if level == "no":
                continue
            # an assignment made on the resource itself applies to it, whatever the code leaves
            # unstated in its id (the subscription): same resource, same path
            reach = "yes" if a.target == resource_address else self.scope_covers(a.scope, path, a.certain)
            level = weakest(level, a.level, reach, rbac_applies if data else "yes")
            if level != "no":
                keep(Grant(a.principal, operation, level, a.scope, (*a.evidence, *a.role.evidence)))
        if data:
            for p in self.vault_policies:
                role = RoleDef(name="access policy", data_actions=p.data_actions)
                if not role.allows(operation, data=True):
                    continue
                if vault is not None and p.vault != vault.address:
                    continue
                level = weakest("yes", policies_apply)
                if level != "no":
                    keep(Grant(p.principal, operation, level, p.vault, p.evidence))
        return [found[k] for k in sorted(found)]

    def _vault_of(self, resource: Resource) -> Resource | None:
        if resource.type == "azurerm_key_vault":
            return resource
        if resource.type in CHILD_PATHS:
            arg = CHILD_PATHS[resource.type][0]
            return self._ref_to(resource.values.get(arg), resource.references.get(arg, []), ("azurerm_key_vault",))
        return None

    @property
    def escalation(self) -> Any:
        """Which escalation paths each principal holds (azure_escalation.py), built on first use."""
        if self._escalation is None:
            from sod_iac.access.azure_escalation import azure_escalation

            self._escalation = azure_escalation(self)
        return self._escalation

    def full_admin(self, principal: str) -> list[Evidence] | None:
        """Owner-like (actions `*`, no not_actions: every control-plane operation, Azure's
        built-in Owner) assigned without a condition at the root, a management group or a
        subscription (covers_estate). Owner of one resource group is administrator of that
        group only: its conflicts are reported as such (SOD101-106)."""
        for a in self._by_principal.get(principal, []):
            if "*" in a.role.actions and not a.role.not_actions and a.level == "yes" and covers_estate(a.scope):
                return list(a.evidence)
        return None


__all__ = ["AzureAccess", "is_data_operation", "Assignment", "RoleDef", "VaultPolicy", "builtin_role", "scope_kind",
           "covers_estate", "Unknown", "Ref"]
