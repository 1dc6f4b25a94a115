"""Who can do what in Google Cloud, from Terraform alone, following GCP IAM's documented model.

What is read
- Bindings: `google_{organization,folder,project}_iam_{member,binding,policy}` and the
  resource-level forms `google_{kms_key_ring,kms_crypto_key,service_account,
  secret_manager_secret,storage_bucket}_iam_{member,binding,policy}`. A `_policy` reads its
  `policy_data` (a `data "google_iam_policy"` or JSON text). Members are taken as written
  (`user:`, `group:`, `serviceAccount:`, `principalSet://`, ...); a member that refers to a
  `google_service_account` of the code (`serviceAccount:${google_service_account.ci.email}`,
  `google_service_account.ci.member`, or the literal email `ci@PROJECT.iam.gserviceaccount.com`)
  becomes that resource's address.
- Roles: predefined roles from `data/gcp_roles.json` (see `data/README.md`), custom roles of
  the code (`google_project_iam_custom_role`, `google_organization_iam_custom_role`) with
  their `permissions`. A role that is in neither is unknown: it gives nothing, except with
  `speculative=True` (then a predefined `roles/SERVICE.x` possibly holds any `SERVICE.*`
  permission and an unknown custom role possibly holds anything).

Semantics (IAM "resource hierarchy" and "policy inheritance" docs)
- A binding on an organization applies to its folders, projects and their resources; on a
  folder to everything below it; on a project to the project's resources; on a key ring to
  its crypto keys; on a resource to that resource.
- Where the code does not say which project/folder/org a resource is in, a binding on a
  project/folder/org *possibly* applies (unknown means possible). Two different projects of
  the code, or two different literal ids, are different.
- A binding with an IAM `condition` is held at level "possible" (the condition is in the
  evidence). Authoritative `_binding`/`_policy` resources do not remove `_member` grants here:
  Terraform would make them fight, so both are kept (an over-approximation).
- `roles/owner` is every permission: on an organization, folder or project a full
  administrator (see `full_admin`); on one resource, administrator of that resource only.

API (for rules and other engines, e.g. secret reader sets)
    gcp = ctx.access.gcp                      # None when the project has no google_ resources
    gcp.principals()                          # [Principal]: service accounts of the code + every member
    gcp.members_with_permission("secretmanager.versions.access", "google_secret_manager_secret.db")
        -> [Grant(principal, permission, level, scope, evidence)], one per member (its best way)
    gcp.grants(member, ["cloudkms.cryptoKeyVersions.useTo*"])   # every binding giving it, any scope
    gcp.roles_held(member) -> [RoleHeld(role, scope, level, evidence)]   # its bindings
    gcp.full_admin(member) -> list[Evidence] | None
    gcp.group_roles(member, ["OWNER", "MANAGER"]) -> [Grant]   # Cloud Identity group roles (gcp_groups.py)
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
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
from sod_iac.access.gcp_hierarchy import CONTAINER_KINDS
from sod_iac.access.graph import Level, Principal, best, weakest
from sod_iac.access.telling import rank_permissions
from sod_iac.core.model import Evidence, Project, Resource
from sod_iac.core.values import Ref, Template, Unknown, decode_json, grant_block_signature

# resource type prefix -> (scope kind, argument naming the scope, types the argument refers to)
IAM_RESOURCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "google_organization_iam": ("organization", "org_id", ()),
    "google_folder_iam": ("folder", "folder", ("google_folder",)),
    "google_project_iam": ("project", "project", ("google_project",)),
    "google_kms_key_ring_iam": ("resource", "key_ring_id", ("google_kms_key_ring",)),
    "google_kms_crypto_key_iam": ("resource", "crypto_key_id", ("google_kms_crypto_key",)),
    "google_service_account_iam": ("resource", "service_account_id", ("google_service_account",)),
    "google_secret_manager_secret_iam": ("resource", "secret_id", ("google_secret_manager_secret",)),
    "google_storage_bucket_iam": ("resource", "bucket", ("google_storage_bucket",)),
}
FORMS = ("member", "binding", "policy")
RESOURCE_PERMISSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "google_service_account": ("iam.serviceAccounts.", ("iam.serviceAccountKeys.",)),
    "google_secret_manager_secret": ("secretmanager.secrets.", ("secretmanager.versions.",)),
    "google_kms_key_ring": ("cloudkms.keyRings.", ("cloudkms.cryptoKeys.", "cloudkms.cryptoKeyVersions.",
                                                   "cloudkms.importJobs.")),
    "google_kms_crypto_key": ("cloudkms.cryptoKeys.", ("cloudkms.cryptoKeyVersions.",)),
    "google_storage_bucket": ("storage.buckets.", ("storage.objects.", "storage.managedFolders.",
                                                   "storage.multipartUploads.")),
}
"""Permissions a role bound on one resource of that type can exercise: those on the resource
itself (except `create` and `list` of its own type, checked on its parent) and on its children.
Whatever else the role holds (roles/owner holds everything) has nothing to act on there."""


def applies_on(pattern: str, rtype: str | None) -> bool:
    """Can a permission matching `pattern`, granted by a binding on a resource of `rtype`, act
    on something there? A type not in RESOURCE_PERMISSIONS is not narrowed (unknown: possible)."""
    found = RESOURCE_PERMISSIONS.get(rtype or "")
    if found is None:
        return True
    own, children = found
    if pattern in (own + "create", own + "list"):
        return False
    return any(globs_overlap(pattern, prefix + "*") for prefix in (own, *children))
CUSTOM_ROLE_TYPES = ("google_project_iam_custom_role", "google_organization_iam_custom_role")
MEMBER_KINDS = {"user": "user", "group": "group", "serviceAccount": "service-account", "domain": "domain",
                "principal": "workload-identity", "principalSet": "workload-identity",
                "allUsers": "public", "allAuthenticatedUsers": "public", "deleted": "deleted"}
# parent argument of resources whose place in the hierarchy the code states
_PARENT_RESOURCE = {"google_kms_crypto_key": ("key_ring", "google_kms_key_ring")}
_READ_VERBS = re.compile(
    r"^(get|list|search|query|view|read|access|download|fetch|check|lookup|test|use|call|invoke|connect|login|"
    r"predict|explain|watch|export|batchGet|aggregate|analyze|validate|estimate)", re.IGNORECASE)


def _roles() -> dict[str, dict]:
    return role_data("gcp_roles.json")


def predefined_role(name: str) -> dict | None:
    """The dataset entry of a predefined role (`roles/cloudkms.admin`), or None."""
    return _roles().get(name)


def changes_state(permission: str) -> bool:
    """A permission whose verb changes something (create, update, delete, setIamPolicy, ...)."""
    verb = permission.rsplit(".", 1)[-1]
    return not _READ_VERBS.match(verb)


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Scope:
    """Where a binding was made: kind organization|folder|project|resource; `key` a canonical
    id (`projects/acme`, `organizations/1`, `folders/2`) or the address of the code resource;
    None when unknown."""

    kind: str
    key: str | None
    label: str
    rtype: str | None = None
    project: str | None = None
    pattern: str | None = None  # an unknown resource id's literal parts, `*` for the rest


@dataclass(frozen=True)
class RolePermissions:
    name: str
    permissions: frozenset[str]
    all: bool = False
    services: frozenset[str] | None = None   # None: the list is complete
    changes: bool | None = None
    known: bool = True
    custom: str | None = None                # address of the custom role resource
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Binding:
    member: str
    member_text: str
    role: str
    scope: Scope
    level: Level
    evidence: tuple[Evidence, ...]
    condition: str | None = None


@dataclass
class _Ancestry:
    resources: list[str] = field(default_factory=list)
    project: str | None = None
    folders: list[str] = field(default_factory=list)
    org: str | None = None
    complete: bool = False


class GcpAccess:
    """The GCP engine for one Project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.bindings: list[Binding] = []
        self._predefined: dict[str, RolePermissions] = {}
        self._role_grants: dict[tuple[str, str, bool, str | None], tuple[Level, str]] = {}
        self._by_member: dict[str, list[Binding]] = defaultdict(list)
        self._custom: dict[str, RolePermissions] = {}
        self._custom_names: dict[str, str] = {}
        self._sa_emails: dict[str, str] = {}
        self._kinds: dict[str, str] = {}
        self._ancestry: dict[str, _Ancestry] = {}
        self._holding: dict[tuple[str, bool], _BindingsHolding] = {}
        self._escalation: Any = None
        self._group_roles: dict[str, list[Grant]] | None = None
        self._build()

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        for r in self.project.resources:
            if r.type == "google_service_account" and r.mode == "managed":
                self._kinds[r.address] = "service-account"
                account = text_of(r.values.get("account_id"))
                if account:
                    proj = text_of(r.values.get("project"))
                    self._sa_emails[f"{account}@{proj}.iam.gserviceaccount.com" if proj else account] = r.address
            if r.type in CUSTOM_ROLE_TYPES and r.mode == "managed":
                self._custom_role(r)
        for r in self.project.resources:
            if r.mode != "managed":
                continue
            prefix, _, form = r.type.rpartition("_")
            if prefix in IAM_RESOURCES and form in FORMS:
                self._iam(r, prefix, form)

    def _custom_role(self, r: Resource) -> None:
        role_id = text_of(r.values.get("role_id"))
        perms = frozenset(p for p in as_list(r.values.get("permissions")) if isinstance(p, str))
        unknown = any(not isinstance(p, str) for p in as_list(r.values.get("permissions"))) \
            or not isinstance(r.values.get("permissions"), (list, tuple, set))
        role = RolePermissions(name=r.address, permissions=perms, known=not unknown, custom=r.address,
                               evidence=(hop(r, f"custom role {role_id or r.address}: "
                                                f"{', '.join(sorted(perms)) or 'permissions not stated'}"),))
        self._custom[r.address] = role
        if role_id:
            if r.type == "google_project_iam_custom_role":
                proj = text_of(r.values.get("project"))
                self._custom_names[f"projects/{proj}/roles/{role_id}" if proj else f"*/roles/{role_id}"] = r.address
            else:
                org = text_of(r.values.get("org_id"))
                self._custom_names[f"organizations/{org}/roles/{role_id}" if org else f"*/roles/{role_id}"] = r.address

    def _iam(self, r: Resource, prefix: str, form: str) -> None:
        kind, arg, target_types = IAM_RESOURCES[prefix]
        scope = self._scope(kind, r.values.get(arg), r.references.get(arg, []), target_types, r)
        if form == "policy":
            for role, members, condition, hops in self._policy_bindings(r):
                for member in members:
                    self._add(r, member, role, scope, condition, hops)
            return
        role = self._role_name(r.values.get("role"), r.references.get("role", []))
        condition = _condition_text(r.values.get("condition"))
        members = as_list(r.values.get("member")) if form == "member" else as_list(r.values.get("members"))
        if form == "binding" and not isinstance(r.values.get("members"), (list, tuple, set)):
            members = [r.values.get("members")]
        for member in members:
            self._add(r, member, role, scope, condition, ())

    def _policy_bindings(self, r: Resource) -> list[tuple[str, list[Any], str | None, tuple[Evidence, ...]]]:
        data = r.values.get("policy_data")
        out = []
        source = None
        if isinstance(data, Ref) and data.address.startswith("data."):
            source = self.project.resource(data.address)
        if source is None:
            for address in r.references.get("policy_data", []):
                candidate = self.project.resource(address)
                if candidate is not None and candidate.type == "google_iam_policy":
                    source = candidate
        if source is not None and source.type == "google_iam_policy":
            for i, block in enumerate(as_list(source.values.get("binding"))):
                if not isinstance(block, dict):
                    continue
                role = self._role_name(block.get("role"), source.references.get("binding.role", []))
                members = as_list(block.get("members"))
                written = ", ".join(str(m) for m in members) or "no members"
                out.append((role, members, _condition_text(block.get("condition")),
                            (statement_hop(source, f"binding {role} to {written}", grant_block_signature("binding", i)),)))
            return out
        if isinstance(data, (str, Template)):
            try:
                doc = decode_json(data)
            except ValueError:
                doc = None
            if isinstance(doc, dict):
                for block in as_list(doc.get("bindings")):
                    if isinstance(block, dict):
                        role = self._role_name(block.get("role"), [])
                        out.append((role, as_list(block.get("members")), _condition_text(block.get("condition")), ()))
        return out

    def _add(self, r: Resource, member_value: Any, role: str, scope: Scope, condition: str | None,
             hops: tuple[Evidence, ...]) -> None:
        if member_value is None:
            return
        unstated = unstated_principal(member_value, r.address)
        if unstated is not None:
            member, text = unstated, "a member the code does not state"
        else:
            member, text = self.member_id(member_value, r.references.get("member", []) + r.references.get("members", []))
        level: Level = "possible" if condition else "yes"
        role_text = role if isinstance(role, str) and not role.startswith("${") else "a role the code does not state"
        detail = f"grants {role_text} to {text} on {scope.label}"
        if condition:
            detail += f" if {condition}"
        own = hop(r, detail) if hops else statement_hop(r, detail)  # hops: the policy's binding block is the grant
        binding = Binding(member, text, role, scope, level, (*hops, own), condition)
        self.bindings.append(binding)
        self._by_member[member].append(binding)
        self._kinds.setdefault(member, "unknown" if unstated else _member_kind(text))

    # --- names -----------------------------------------------------------------------------
    def member_id(self, value: Any, refs: Iterable[str] = ()) -> tuple[str, str]:
        """(principal id, member as written) of a member value."""
        text = str(value)
        for ref in refs_in(value):
            resource = self.project.resource(ref.address)
            if resource is not None and resource.type == "google_service_account":
                return ref.address, text
        if isinstance(value, str):
            kind, _, rest = value.partition(":")
            if kind == "serviceAccount":
                address = self._sa_emails.get(rest)
                if address is None:
                    account = rest.split("@", 1)[0]
                    address = self._sa_emails.get(account)
                if address is not None:
                    return address, text
            return value, text
        refs = [a for a in refs if (res := self.project.resource(a)) is not None
                and res.type == "google_service_account"]
        if len(refs) == 1 and isinstance(value, (Template, Ref)):
            return refs[0], text
        return text, text

    def _role_name(self, value: Any, refs: Iterable[str]) -> str:
        for ref in refs_in(value):
            if ref.address in self._custom:
                return ref.address
        if isinstance(value, str):
            if value in self._custom_names:
                return self._custom_names[value]
            tail = re.sub(r"^(projects|organizations)/[^/]+/", "*/", value)
            if tail in self._custom_names:
                return self._custom_names[tail]
            return value
        candidates = [a for a in refs if a in self._custom]
        if len(candidates) == 1:
            return candidates[0]
        return str(value)

    def _scope(self, kind: str, value: Any, refs: list[str], target_types: tuple[str, ...],
               r: Resource) -> Scope:
        if kind == "organization":
            org = text_of(value)
            return Scope(kind, f"organizations/{org.split('/')[-1]}" if org else None,
                         f"organization {org or value}")
        if kind == "folder":
            key = self._folder_key(value)
            return Scope(kind, key, f"folder {key or value}")
        if kind == "project":
            key = self._project_key(value) if value is not None else None
            return Scope(kind, key, f"project {_short_project(key) if key else value or '(provider default)'}")
        # resource-level IAM
        target = None
        for ref in refs_in(value):
            resource = self.project.resource(ref.address)
            if resource is not None and resource.type in target_types:
                target = resource
        if target is None:
            for address in refs:
                resource = self.project.resource(address)
                if resource is not None and resource.type in target_types:
                    target = resource
        if target is not None:
            return Scope("resource", target.address, target.address, target.type,
                         self._project_of(target))
        literal = text_of(value)
        pattern = _template_glob(value) if literal is None else None
        project = None
        m = re.match(r"^(?:projects/)?([^/*]+)/", literal or pattern or "")
        if m and "@" not in (literal or "") and m.group(1) != "-":
            project = f"projects/{m.group(1)}"
        return Scope("resource", literal, literal or str(value), target_types[0] if target_types else None,
                     project, pattern)

    def project_key(self, value: Any) -> str | None:
        """The key of the project a `project` argument names (`projects/ID`, or the address of
        a project of the code whose id is not stated); None when not stated (provider default)."""
        return self._project_key(value) if value is not None else None

    @staticmethod
    def same_project(a: str | None, b: str | None) -> Level:
        """Whether two project keys name the same project: "yes", "no", or "possible" where
        one is not stated or a project of the code is compared with an id (unknown: possible).
        A `data "google_project"` whose id is not stated may read any project."""
        if a != b and any(k is not None and k.startswith("data.") for k in (a, b)):
            return "possible"
        return _key_match(a, b)

    def _project_key(self, value: Any) -> str | None:
        for ref in refs_in(value):
            resource = self.project.resource(ref.address)
            if resource is not None and resource.type == "google_project":
                pid = text_of(resource.values.get("project_id"))
                return f"projects/{pid}" if pid else resource.address
        literal = text_of(value)
        if literal:
            return f"projects/{literal.split('/')[-1]}"
        return None

    def _folder_key(self, value: Any) -> str | None:
        for ref in refs_in(value):
            resource = self.project.resource(ref.address)
            if resource is not None and resource.type == "google_folder":
                return resource.address
        literal = text_of(value)
        if literal:
            return f"folders/{literal.split('/')[-1]}"
        return None

    def _project_of(self, resource: Resource) -> str | None:
        parent = _PARENT_RESOURCE.get(resource.type)
        if parent:
            for ref in refs_in(resource.values.get(parent[0])):
                target = self.project.resource(ref.address)
                if target is not None and target.type == parent[1]:
                    return self._project_of(target)
            literal = text_of(resource.values.get(parent[0]))
            if literal:
                m = re.match(r"^(?:projects/)?([^/]+)/", literal)
                return f"projects/{m.group(1)}" if m else None
            return None
        if resource.type == "google_project":
            pid = text_of(resource.values.get("project_id"))
            return f"projects/{pid}" if pid else resource.address
        value = resource.values.get("project")
        return self._project_key(value) if value is not None else None

    # --- hierarchy -----------------------------------------------------------------------
    def ancestry(self, address: str) -> _Ancestry:
        """Where a resource of the code sits: itself and its parents, project, folders, org.
        Once per address (the code does not change); callers do not change the answer."""
        if address not in self._ancestry:
            self._ancestry[address] = self._find_ancestry(address)
        return self._ancestry[address]

    def _find_ancestry(self, address: str) -> _Ancestry:
        out = _Ancestry()
        resource = self.project.resource(address)
        if resource is None:
            return out
        current: Resource | None = resource
        while current is not None and current.type not in ("google_project", "google_folder"):
            out.resources.append(current.address)
            parent = _PARENT_RESOURCE.get(current.type)
            nxt = None
            if parent:
                for ref in refs_in(current.values.get(parent[0])):
                    target = self.project.resource(ref.address)
                    if target is not None and target.type == parent[1]:
                        nxt = target
            if nxt is None:
                break
            current = nxt
        out.project = self._project_of(resource) if resource.type != "google_folder" else None
        project_resource = self._project_resource(out.project)
        if resource.type == "google_folder":
            project_resource = None
            self._folder_chain(resource, out)
            return out
        if project_resource is not None:
            folder = project_resource.values.get("folder_id")
            org = text_of(project_resource.values.get("org_id"))
            if folder is not None:
                key = self._folder_key(folder)
                folder_resource = self.project.resource(key) if key and key.startswith("google_folder.") else None
                if folder_resource is not None:
                    self._folder_chain(folder_resource, out)
                elif key:
                    out.folders.append(key)
            elif org:
                out.org = f"organizations/{org.split('/')[-1]}"
                out.complete = True
        return out

    def _project_resource(self, key: str | None) -> Resource | None:
        if key is None:
            return None
        if key.startswith("google_project."):
            return self.project.resource(key)
        for r in self.project.by_type("google_project"):
            if self._project_of(r) == key:
                return r
        return None

    def _folder_chain(self, folder: Resource, out: _Ancestry) -> None:
        seen: set[str] = set()
        current: Resource | None = folder
        while current is not None and current.address not in seen:
            seen.add(current.address)
            out.folders.append(current.address)
            parent = current.values.get("parent")
            nxt = None
            for ref in refs_in(parent):
                target = self.project.resource(ref.address)
                if target is not None and target.type == "google_folder":
                    nxt = target
            literal = text_of(parent)
            if nxt is None and literal:
                if literal.startswith("organizations/"):
                    out.org = literal
                    out.complete = True
                elif literal.startswith("folders/"):
                    out.folders.append(literal)
            current = nxt

    def scope_applies(self, scope: Scope, address: str) -> Level:
        """Does a binding made at `scope` apply to the resource `address` of the code?"""
        anc = self.ancestry(address)
        if scope.kind == "resource":
            if scope.key is None:
                resource = self.project.resource(address)
                if resource is None or resource.type != scope.rtype:
                    return "no"
                ids = _ids_of(resource, scope.pattern) if scope.pattern else ()
                if scope.pattern and not any(globs_overlap(scope.pattern, name) for name in ids):
                    return "no"  # the id's stated parts rule this resource out
                return "possible"
            if scope.key in anc.resources:
                return "yes"
            if scope.key.startswith("google_"):
                return "no"
            name = scope.key.rstrip("/").split("/")[-1]
            for a in anc.resources:
                resource = self.project.resource(a)
                rname = text_of(resource.values.get("name") or resource.values.get("secret_id")
                                or resource.values.get("account_id")) if resource else None
                if resource is not None and resource.type == scope.rtype and rname == name:
                    return "possible"
            return "no"
        if scope.kind == "project":
            return _key_match(scope.key, anc.project)
        if scope.kind == "folder":
            if scope.key is None:
                return "possible"
            level: Level = "no"
            for key in anc.folders:
                level = best(level, _key_match(scope.key, key))
            if level == "no" and not anc.complete:
                return "possible"
            return level
        if scope.kind == "organization":
            if scope.key is None or anc.org is None:
                return "possible"
            return "yes" if scope.key == anc.org else "no"
        return "no"

    # --- roles ----------------------------------------------------------------------------
    def role(self, name: str) -> RolePermissions:
        if name in self._custom:
            return self._custom[name]
        known = self._predefined.get(name)
        if known is None:
            known = self._predefined[name] = self._predefined_role(name)
        return known

    def _predefined_role(self, name: str) -> RolePermissions:
        entry = predefined_role(name)
        if entry is None:
            return RolePermissions(name=name, permissions=frozenset(), known=False)
        services = entry.get("services")
        return RolePermissions(
            name=name, permissions=frozenset(entry.get("permissions", ())), all=bool(entry.get("all")),
            services=None if services is None else frozenset(services), changes=entry.get("changes"))

    def role_grants(self, name: str, pattern: str, *, speculative: bool = False,
                    on: str | None = None) -> tuple[Level, str]:
        """Does the role hold a permission matching `pattern` (with `on`, one that acts on a
        resource of that type: applies_on)? (level, one such permission). Asked once per role,
        pattern and type: every binding of the role has the same answer."""
        key = (name, pattern, speculative, on)
        if key not in self._role_grants:
            self._role_grants[key] = self._role_grants_of(name, pattern, speculative, on) \
                if applies_on(pattern, on) else ("no", "")
        return self._role_grants[key]

    def _role_grants_of(self, name: str, pattern: str, speculative: bool, on: str | None) -> tuple[Level, str]:
        role = self.role(name)
        if role.all:
            return "yes", pattern
        for perm in sorted(role.permissions):
            if glob(pattern, perm) and applies_on(perm, on):
                return "yes", perm
        if not role.known:
            if not speculative:
                return "no", ""
            if role.custom or not name.startswith("roles/"):
                return "possible", pattern
            service = name[len("roles/"):].split(".", 1)[0]
            return ("possible", pattern) if glob(pattern.split(".", 1)[0], service) else ("no", "")
        service = pattern.split(".", 1)[0]
        if role.services is None or "*" in role.services or service in role.services:
            return "no", ""
        return ("possible", pattern) if speculative else ("no", "")

    def role_changes(self, name: str, excluded: Iterable[str] = (), on: str | None = None) -> tuple[Level, str]:
        """Does the role hold any permission that changes state (outside `excluded` globs; with
        `on`, one that acts on a resource of that type)?"""
        role = self.role(name)
        excluded = list(excluded)
        if role.all:
            return ("yes", "*") if on not in RESOURCE_PERMISSIONS else ("yes", f"{RESOURCE_PERMISSIONS[on][0]}*")
        own = name[len("roles/"):].split(".", 1)[0] if name.startswith("roles/") else ""
        for perm in rank_permissions(role.permissions, name):  # the most telling first (access.telling)
            if changes_state(perm) and not any(glob(e, perm) for e in excluded) and applies_on(perm, on):
                return "yes", perm
        if role.changes and (on not in RESOURCE_PERMISSIONS or applies_on(f"{own}.*", on)):
            return "yes", f"{name} (changes state)"
        return "no", ""

    # --- questions ------------------------------------------------------------------------
    def principals(self) -> list[Principal]:
        out = []
        for member in sorted(set(self._kinds)):
            resource = self.project.resource(member)
            name = text_of(resource.values.get("account_id")) if resource is not None else None
            out.append(Principal(id=member, cloud="gcp", kind=self._kinds[member], name=name,
                                 location=resource.location if resource is not None else None))
        return out

    def bindings_of(self, member: str) -> list[Binding]:
        """The member's bindings, in the order the code makes them (escalation asks where each is)."""
        return list(self._by_member.get(member, []))

    def roles_held(self, member: str) -> list[RoleHeld]:
        """The member's bindings: role, where it was granted, level, evidence (custom roles'
        permissions included)."""
        return [RoleHeld(b.role, b.scope.label, b.level, (*b.evidence, *self.role(b.role).evidence))
                for b in self._by_member.get(member, [])]

    def grants(self, member: str, patterns: Iterable[str] = (), *, roles: Iterable[str] = (),
               changes: bool = False, excluded: Iterable[str] = (), speculative: bool = False) -> list[Grant]:
        """Every binding of `member` (any scope) whose role holds a permission matching one of
        `patterns`, is one of `roles`, or (with `changes`) changes state outside `excluded`."""
        patterns = list(patterns)
        excluded = list(excluded)
        wanted_roles = set(roles)
        out = []
        for b in self._by_member.get(member, []):
            level: Level = "no"
            perm = ""
            if b.role in wanted_roles:
                level, perm = "yes", b.role
            on = b.scope.rtype if b.scope.kind == "resource" else None
            for pattern in patterns:
                got, p = self.role_grants(b.role, pattern, speculative=speculative, on=on)
                if p and any(glob(e, p) for e in excluded):
                    continue
                if best(got, level) != level:
                    level, perm = got, p
            if changes:
                got, p = self.role_changes(b.role, excluded, on=on)
                if best(got, level) != level:
                    level, perm = got, p
            if level == "no":
                continue
            role = self.role(b.role)
            out.append(Grant(member, perm, weakest(level, b.level), b.scope.key or b.scope.label,
                             (*b.evidence, *role.evidence)))
        return out

    def members_with_permission(self, permission: str, resource_address: str, *,
                                speculative: bool = False) -> list[Grant]:
        """Every member holding `permission` on the resource of the code `resource_address`
        (through any binding that applies to it), with its best level and evidence."""
        found: dict[str, Grant] = {}
        ancestry = self.ancestry(resource_address)
        for b, held, perm in self._bindings_holding(permission, speculative).applying_to(
                ancestry.resources, ancestry.project):
            applies = self.scope_applies(b.scope, resource_address)
            level = weakest(held, b.level, applies)
            if level == "no":
                continue
            current = found.get(b.member)
            if current is None or best(level, current.level) != current.level:
                role = self.role(b.role)
                found[b.member] = Grant(b.member, perm, level, b.scope.key or b.scope.label,
                                        (*b.evidence, *role.evidence))
        return [found[m] for m in sorted(found)]

    def _bindings_holding(self, permission: str, speculative: bool) -> _BindingsHolding:
        """The bindings whose role holds `permission`, once per permission (asked per resource)."""
        key = (permission, speculative)
        if key not in self._holding:
            held = []
            for b in self.bindings:
                level, perm = self.role_grants(b.role, permission, speculative=speculative)
                if level != "no":
                    held.append((b, level, perm))
            self._holding[key] = _BindingsHolding(held)
        return self._holding[key]

    def group_roles(self, member: str, names: Iterable[str]) -> list[Grant]:
        """The member's Cloud Identity group roles among `names` (OWNER, MANAGER, MEMBER), one
        per membership and role (gcp_groups.py); a role the code does not state possibly is one."""
        if self._group_roles is None:
            from sod_iac.access.gcp_groups import group_roles

            self._group_roles = group_roles(self)
        wanted = {n.upper() for n in names}
        return [g for g in self._group_roles.get(member, []) if g.permission in wanted or g.level == "possible"]

    @property
    def escalation(self) -> Any:
        """Which escalation paths each principal holds (gcp_escalation.py), built on first use."""
        if self._escalation is None:
            from sod_iac.access.gcp_escalation import gcp_escalation

            self._escalation = gcp_escalation(self)
        return self._escalation

    def full_admin(self, member: str) -> list[Evidence] | None:
        """Evidence that the member holds roles/owner (every permission) on an organization,
        folder or project, else None. A role bound on one resource (a service account, a
        secret, a bucket) grants its permissions on that resource only (IAM "policy
        inheritance": a resource's policy reaches it and its descendants), not the project."""
        for b in self._by_member.get(member, []):
            if self.role(b.role).all and b.level == "yes" and b.scope.kind in CONTAINER_KINDS:
                return list(b.evidence)
        return None

    def project_of_scope(self, scope_key: str | None) -> str | None:
        """The project (key) a scope key is in, when known: for SOD121 environment names."""
        if scope_key is None:
            return None
        if scope_key.startswith("projects/"):
            return scope_key
        resource = self.project.resource(scope_key)
        return self._project_of(resource) if resource is not None else None


class _BindingsHolding:
    """Bindings (with the role's level and permission) in binding order, those made on one
    resource of the code indexed by its address: such a binding applies only to that resource
    and what sits under it (GcpAccess.scope_applies), so a resource need not ask the others."""

    def __init__(self, held: list[tuple[Binding, Level, str]]) -> None:
        self.on_resource: dict[str, list[int]] = defaultdict(list)
        self.on_project: dict[str, list[int]] = defaultdict(list)
        self.elsewhere: list[int] = []
        self.held = held
        for i, (b, _, _) in enumerate(held):
            if b.scope.kind == "resource" and b.scope.key is not None and b.scope.key.startswith("google_"):
                self.on_resource[b.scope.key].append(i)
            elif b.scope.kind == "project" and b.scope.key is not None:
                self.on_project[b.scope.key].append(i)
            else:
                self.elsewhere.append(i)
        self._by_kind = ([k for k in self.on_project if not k.startswith("google_")],
                         [k for k in self.on_project if k.startswith("google_")])

    def applying_to(self, resources: list[str], project: str | None = None) -> list[tuple[Binding, Level, str]]:
        """Bindings that may apply to a resource whose ancestry lists `resources` and whose
        project is `project` (None: unknown), in order. A binding on a project applies unless
        `_key_match` says "no": both keys known and different, both addresses or both names."""
        found = list(self.elsewhere)
        for address in dict.fromkeys(resources):
            found.extend(self.on_resource.get(address, ()))
        if project is None:
            keys: Iterable[str] = self.on_project
        else:  # the same project, and those written the other way (an address vs a name)
            keys = [project, *self._by_kind[not project.startswith("google_")]]
        for key in keys:
            found.extend(self.on_project.get(key, ()))
        return [self.held[i] for i in sorted(found)]


def _template_glob(value: Any) -> str | None:
    """`projects/acme/serviceAccounts/${var.x}` -> `projects/acme/serviceAccounts/*`: what the
    code states of an id, to rule out the resources it cannot name. None unless partly known."""
    if not isinstance(value, Template):
        return None
    pattern = "".join(p if isinstance(p, str) else "*" for p in value.parts)
    return None if set(pattern) <= {"*"} else pattern


_SA_DOMAIN = ".iam.gserviceaccount.com"


def _ids_of(resource: Resource, pattern: str) -> list[str]:
    """The ids (globs where the code leaves a part unknown) a resource IAM binding may name
    `resource` by. A service account: `projects/{PROJECT|-}/serviceAccounts/{EMAIL}` or the bare
    email, EMAIL = ACCOUNT_ID@PROJECT.iam.gserviceaccount.com; or, unless `pattern` states an
    email (an `@`), `projects/{PROJECT|-}/serviceAccounts/{UNIQUE_ID}`. Other types: any id
    ending in their name."""
    if resource.type != "google_service_account":
        name = text_of(resource.values.get("name") or resource.values.get("secret_id"))
        return [f"*/{name}", name] if name else ["*"]
    project = text_of(resource.values.get("project")) or "*"
    account = text_of(resource.values.get("account_id")) or "*"
    email = f"{account}@{project}{_SA_DOMAIN}"
    ids = [email, f"projects/{project}/serviceAccounts/{email}", f"projects/-/serviceAccounts/{email}"]
    if "@" not in pattern:
        ids += [f"projects/{project}/serviceAccounts/*", "projects/-/serviceAccounts/*"]
    return ids


def _key_match(a: str | None, b: str | None) -> Level:
    if a is None or b is None:
        return "possible"
    if a == b:
        return "yes"
    if a.startswith("google_") and b.startswith("google_"):
        return "no"
    if a.startswith("google_") or b.startswith("google_"):
        return "possible"
    return "no"


def _short_project(key: str) -> str:
    return key[len("projects/"):] if key.startswith("projects/") else key


def _member_kind(text: str) -> str:
    prefix = text.split(":", 1)[0]
    return MEMBER_KINDS.get(prefix, "member")


def _condition_text(value: Any) -> str | None:
    block = value[0] if isinstance(value, list) and value else value
    if not isinstance(block, dict):
        return None
    title = block.get("title")
    expression = block.get("expression")
    text = str(expression) if expression is not None else ""
    return f"{title}: {text}" if isinstance(title, str) and text else (text or (title if isinstance(title, str) else
                                                                              "a condition"))


__all__ = ["GcpAccess", "Binding", "Scope", "RolePermissions", "predefined_role", "changes_state", "Unknown"]
