"""Who can do what in Kubernetes, from Terraform alone, following Kubernetes RBAC.

What is read
- Roles: `kubernetes_role[_v1]` (namespaced) and `kubernetes_cluster_role[_v1]`, their `rule`
  blocks (`api_groups`, `resources`, `resource_names`, `verbs`). The default user-facing
  cluster roles `cluster-admin`, `admin`, `edit` and `view` are built in (below).
- Bindings: `kubernetes_role_binding[_v1]` (namespaced: a Role of that namespace or a
  ClusterRole, granted only inside the binding's namespace) and
  `kubernetes_cluster_role_binding[_v1]` (a ClusterRole, granted in every namespace and for
  cluster-scoped resources). Subjects are `subject { kind, name, namespace }`.
- Subjects are named `ServiceAccount:NAMESPACE/NAME` (or the address of the
  `kubernetes_service_account[_v1]` of the code with that name and namespace), `User:NAME`,
  `Group:NAME` (DESIGN.md's principal naming).

Semantics (Kubernetes docs "Using RBAC Authorization")
- RBAC is purely additive: a request is allowed when some rule of a role bound to the subject
  matches its API group, resource, verb and (if the rule lists `resource_names`) the object
  name. `*` matches anything. A ServiceAccount subject without `namespace` is in the binding's
  namespace.
- A RoleBinding's Role name resolves in the binding's namespace; if the Role is not in the
  code, the binding gives nothing (except with `speculative=True`: possibly anything there).
- Built-in roles (docs "Default roles and role bindings", user-facing roles): `cluster-admin`
  is everything; `admin` and `edit` read and write most namespaced resources including
  secrets, service accounts (also impersonate and create tokens) — `admin` also roles and
  role bindings; `view` reads most resources but not secrets. Modelled as rules below.

API (for rules and other engines, e.g. secret reader sets)
    k8s = ctx.access.kubernetes                 # None when the project has no kubernetes_ resources
    k8s.principals()
    k8s.members_with_permission("get", "kubernetes_secret_v1.db")   # verb on a resource of the code
        -> [Grant(principal, "get secrets", level, scope, evidence)]
    k8s.grants(subject, verbs=["get"], resources=["secrets"])        # every binding giving it
    k8s.roles_held(subject) -> [RoleHeld(role, scope, level, evidence)]   # its role bindings
    k8s.full_admin(subject) -> list[Evidence] | None
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sod_iac.access.cloud_common import Grant, RoleHeld, as_list, first_block, hop, statement_hop, text_of
from sod_iac.access.graph import Level, Principal, best, weakest
from sod_iac.access.kubernetes_types import BINDING_TYPES, ROLE_TYPES, SA_TYPES
from sod_iac.core.model import Evidence, Project, Resource
from sod_iac.core.values import grant_block_signature

CHANGE_VERBS = ("create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate")
READ = ["get", "list", "watch"]
WRITE = ["create", "update", "patch", "delete", "deletecollection"]
_NAMESPACED = ["pods", "pods/exec", "pods/attach", "pods/portforward", "deployments", "statefulsets", "daemonsets",
               "replicasets", "jobs", "cronjobs", "services", "endpoints", "configmaps", "persistentvolumeclaims",
               "ingresses", "networkpolicies", "horizontalpodautoscalers", "poddisruptionbudgets", "events"]


OBJECT_KINDS = {"kubernetes_secret": "secrets", "kubernetes_secret_v1": "secrets",
                "kubernetes_service_account": "serviceaccounts", "kubernetes_service_account_v1": "serviceaccounts",
                "kubernetes_config_map": "configmaps", "kubernetes_config_map_v1": "configmaps"}
"""Terraform type -> the RBAC resource its object is (members_with_permission asks about it);
any other object of the code stands for any resource ("*")."""


@dataclass(frozen=True)
class Rule:
    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()
    hop: Evidence | None = field(default=None, compare=False)
    """The `rule` block as written (Evidence.kind `statement`); None for built-in roles."""

    def matches(self, verb: str, resource: str, api_group: str | None = None, name: str | None = None) -> Level:
        if not _any(self.verbs, verb) or not _any(self.resources, resource):
            return "no"
        if api_group is not None and not _any(self.api_groups, api_group):
            return "no"
        if self.resource_names and name is not None and name not in self.resource_names:
            return "no"
        return "yes"


def _any(items: Iterable[str], value: str) -> bool:
    return any(i == "*" or i == value or (value == "*" and bool(i)) for i in items)


# Default user-facing ClusterRoles, simplified to what duties ask about (see the docstring).
BUILTIN_ROLES: dict[str, tuple[Rule, ...]] = {
    "cluster-admin": (Rule(("*",), ("*",), ("*",)),),
    "admin": (
        Rule(("*",), tuple(_NAMESPACED + ["secrets", "serviceaccounts"]), tuple(READ + WRITE)),
        Rule(("",), ("serviceaccounts",), ("impersonate",)),
        Rule(("",), ("serviceaccounts/token",), ("create",)),
        Rule(("rbac.authorization.k8s.io",), ("roles", "rolebindings"), tuple(READ + WRITE)),
    ),
    "edit": (
        Rule(("*",), tuple(_NAMESPACED + ["secrets", "serviceaccounts"]), tuple(READ + WRITE)),
        Rule(("",), ("serviceaccounts",), ("impersonate",)),
        Rule(("",), ("serviceaccounts/token",), ("create",)),
    ),
    "view": (Rule(("*",), tuple(_NAMESPACED + ["serviceaccounts"]), tuple(READ)),),
}


@dataclass(frozen=True)
class RoleRef:
    key: str                   # "ClusterRole/name" or "Role/namespace/name"
    rules: tuple[Rule, ...]
    known: bool
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Binding:
    subject: str
    subject_text: str
    role: RoleRef
    namespace: str | None      # None: cluster-wide (ClusterRoleBinding)
    evidence: tuple[Evidence, ...]

    @property
    def scope(self) -> str:
        return f"namespace:{self.namespace}" if self.namespace is not None else "cluster"

    def chain(self, rule: Rule | None = None) -> tuple[Evidence, ...]:
        """Evidence for what `rule` of the bound role allows: the binding (what gives it to this
        subject, so the anchor when the subject is not in the code), then the rule block as
        written (Evidence.kind `statement`), or the role when no rule of the code is known."""
        if rule is not None and rule.hop is not None:
            return (*self.evidence, rule.hop)
        return (*self.evidence, *self.role.evidence)


class KubernetesAccess:
    """The Kubernetes RBAC engine for one Project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.roles: dict[str, RoleRef] = {}
        self.bindings: list[Binding] = []
        self._by_subject: dict[str, list[Binding]] = defaultdict(list)
        self._reaching: dict[tuple[str, str, bool], dict[str | None, list[int]]] = {}
        self._kinds: dict[str, str] = {}
        self._sa_names: dict[tuple[str, str], str] = {}
        self._escalation: Any = None
        self.service_accounts_memo: list[tuple[str, str, str]] | None = None
        """kubernetes_escalation.service_accounts, made once: the engine is fixed once built."""
        self.service_accounts_by_namespace: dict[str | None, list[int]] | None = None
        """Their positions by namespace (kubernetes_escalation._accounts_by_namespace), made once."""
        self._build()

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        for r in self.project.resources:
            if r.mode != "managed":
                continue
            if r.type in SA_TYPES:
                meta = first_block(r.values.get("metadata"))
                name, ns = text_of(meta.get("name")), text_of(meta.get("namespace")) or "default"
                self._kinds[r.address] = "service-account"
                if name:
                    self._sa_names[(ns, name)] = r.address
            if r.type in ROLE_TYPES:
                self._role(r, ROLE_TYPES[r.type])
        for r in self.project.resources:
            if r.mode == "managed" and r.type in BINDING_TYPES:
                self._binding(r, BINDING_TYPES[r.type])

    def _role(self, r: Resource, cluster: bool) -> None:
        meta = first_block(r.values.get("metadata"))
        name = text_of(meta.get("name")) or r.address
        ns = text_of(meta.get("namespace")) or "default"
        key = f"ClusterRole/{name}" if cluster else f"Role/{ns}/{name}"
        rules = []
        known = True
        for i, block in enumerate(as_list(r.values.get("rule"))):
            if not isinstance(block, dict):
                known = False
                continue
            values = {k: [v for v in as_list(block.get(k)) if isinstance(v, str)] for k in
                      ("api_groups", "resources", "verbs", "resource_names")}
            if any(not isinstance(v, str) for k in ("resources", "verbs") for v in as_list(block.get(k))):
                known = False
            written = f"{','.join(values['verbs'])} {','.join(values['resources'])}" + (
                f" ({','.join(values['resource_names'])})" if values["resource_names"] else "")
            rules.append(Rule(tuple(values["api_groups"] or [""]), tuple(values["resources"]),
                              tuple(values["verbs"]), tuple(values["resource_names"]),
                              statement_hop(r, f"{key} rule: {written}", grant_block_signature("rule", i))))
        if r.values.get("aggregation_rule") and not rules:
            known = False
        summary = "; ".join(f"{','.join(x.verbs)} {','.join(x.resources)}"
                            + (f" ({','.join(x.resource_names)})" if x.resource_names else "") for x in rules)
        self.roles[key] = RoleRef(key, tuple(rules), known, (hop(r, f"{key}: {summary or 'no rules'}"),))

    def _role_ref(self, kind: str, name: str, ns: str | None) -> RoleRef:
        key = f"ClusterRole/{name}" if kind == "ClusterRole" else f"Role/{ns}/{name}"
        if key in self.roles:
            return self.roles[key]
        if kind == "ClusterRole" and name in BUILTIN_ROLES:
            return RoleRef(key, BUILTIN_ROLES[name], True, ())
        return RoleRef(key, (), False, ())

    def _binding(self, r: Resource, cluster: bool) -> None:
        meta = first_block(r.values.get("metadata"))
        ns = None if cluster else (text_of(meta.get("namespace")) or "default")
        ref = first_block(r.values.get("role_ref"))
        kind = text_of(ref.get("kind")) or ("ClusterRole" if cluster else "Role")
        role = self._role_ref(kind, text_of(ref.get("name")) or str(ref.get("name")), ns)
        for subject in as_list(r.values.get("subject")):
            if not isinstance(subject, dict):
                continue
            sid, text, skind = self.subject_id(subject, ns)
            where = f"namespace {ns}" if ns is not None else "the whole cluster"
            bound = hop if role.evidence else statement_hop  # a role not in the code: the binding is the grant
            binding = Binding(sid, text, role, ns, (bound(r, f"binds {role.key} to {text} in {where}"),))
            self.bindings.append(binding)
            self._by_subject[sid].append(binding)
            self._kinds.setdefault(sid, skind)

    def subject_id(self, subject: dict[str, Any], binding_ns: str | None) -> tuple[str, str, str]:
        kind = text_of(subject.get("kind")) or "ServiceAccount"
        name = text_of(subject.get("name")) or str(subject.get("name"))
        if kind == "ServiceAccount":
            ns = text_of(subject.get("namespace")) or binding_ns or "default"
            text = f"ServiceAccount:{ns}/{name}"
            return self._sa_names.get((ns, name), text), text, "service-account"
        text = f"{kind}:{name}"
        return text, text, kind.lower()

    # --- questions ----------------------------------------------------------------------
    def principals(self) -> list[Principal]:
        out = []
        for sid in sorted(self._kinds):
            resource = self.project.resource(sid)
            name = text_of(first_block(resource.values.get("metadata")).get("name")) if resource else None
            out.append(Principal(id=sid, cloud="kubernetes", kind=self._kinds[sid], name=name,
                                 location=resource.location if resource is not None else None))
        return out

    def grants(self, subject: str, verbs: Iterable[str] = (), resources: Iterable[str] = (), *,
               api_group: str | None = None, changes: bool = False, excluded: Iterable[str] = (),
               speculative: bool = False) -> list[Grant]:
        """Every binding of `subject` whose role allows one of `verbs` on one of `resources`
        (any object name), or (with `changes`) any change outside the `excluded` resources."""
        verbs, resources, excluded = list(verbs), list(resources), list(excluded)
        out = []
        for b in self._by_subject.get(subject, []):
            perm = None
            scope = b.scope
            level: Level = "yes"
            granting: Rule | None = None
            for rule in b.role.rules:
                for verb in verbs:
                    for res in resources:
                        if perm is None and rule.matches(verb, res, api_group) == "yes":
                            perm, granting = f"{verb} {res}", rule
                            if rule.resource_names:
                                scope = f"{b.scope}/{res}:{','.join(sorted(rule.resource_names))}"
                if perm is None and changes:
                    verb = next((v for v in rule.verbs if v == "*" or v in CHANGE_VERBS), None)
                    res = next((x for x in rule.resources if x not in excluded), None)
                    if verb and res:
                        perm, granting = f"{verb} {res}", rule
            if perm is None and not b.role.known and speculative:
                perm, level = f"unknown {b.role.key}", "possible"
            if perm is not None:
                out.append(Grant(subject, perm, level, scope, b.chain(granting)))
        return out

    def binding_namespaces(self, subject: str, verb: str, resource: str) -> set[str | None]:
        """The namespaces (None: cluster-wide) of the subject's bindings whose role has a rule for
        `verb` on `resource`: `can` says "no" in any other namespace, whatever the object's name
        (a name only narrows a rule). Asked once per question, not once per object."""
        return {b.namespace for b in self._by_subject.get(subject, [])
                if any(rule.matches(verb, resource) != "no" for rule in b.role.rules)}

    def can(self, subject: str, verb: str, resource: str, namespace: str | None, name: str | None = None,
            api_group: str | None = None) -> tuple[Level, list[Evidence]]:
        level: Level = "no"
        evidence: list[Evidence] = []
        for b in self._by_subject.get(subject, []):
            if b.namespace is not None and namespace is not None and b.namespace != namespace:
                continue
            if b.namespace is not None and namespace is None:
                continue  # a RoleBinding never grants cluster-scoped resources
            for rule in b.role.rules:
                got = rule.matches(verb, resource, api_group, name)
                if best(got, level) != level:
                    level, evidence = got, list(b.chain(rule))
        return level, evidence

    def members_with_permission(self, verb: str, resource_address: str, *, speculative: bool = False) -> list[Grant]:
        """Every subject that may `verb` the object `resource_address` of the code (a secret,
        a service account, ...), honouring namespaces and resource_names."""
        target = self.project.resource(resource_address)
        if target is None:
            return []
        meta = first_block(target.values.get("metadata"))
        ns = text_of(meta.get("namespace")) or ("default" if meta.get("namespace") is None else None)
        name = text_of(meta.get("name"))
        kind = OBJECT_KINDS.get(target.type, "*")
        found: dict[str, Grant] = {}
        for b in self._bindings_reaching(ns, verb, kind, speculative):
            reach: Level = "possible" if (b.namespace is not None and ns is None) else "yes"
            level: Level = "no"
            granting: Rule | None = None
            for rule in b.role.rules:
                got = rule.matches(verb, kind, "", name) if name is not None else (
                    weakest(rule.matches(verb, kind, ""), "possible" if rule.resource_names else "yes"))
                if best(level, got) != level:
                    level, granting = got, rule
            if level == "no" and not b.role.known and speculative:
                level = "possible"
            level = weakest(level, reach)
            if level == "no":
                continue
            current = found.get(b.subject)
            if current is None or best(level, current.level) != current.level:
                found[b.subject] = Grant(b.subject, f"{verb} {kind}", level, b.scope, b.chain(granting))
        return [found[k] for k in sorted(found)]

    def roles_held(self, subject: str) -> list[RoleHeld]:
        """The subject's role bindings: role, namespace or cluster, evidence."""
        return [RoleHeld(b.role.key, b.scope, "yes", (*b.evidence, *b.role.evidence))
                for b in self._by_subject.get(subject, [])]

    @property
    def escalation(self) -> Any:
        """Which escalation paths each principal holds (kubernetes_escalation.py), built on first use."""
        if self._escalation is None:
            from sod_iac.access.kubernetes_escalation import kubernetes_escalation

            self._escalation = kubernetes_escalation(self)
        return self._escalation

    def _bindings_reaching(self, namespace: str | None, verb: str, kind: str, speculative: bool) -> list[Binding]:
        """The bindings that may let their subject `verb` an object of `kind` in `namespace`
        (None: unknown), in binding order: a role with a rule for the verb and kind (any object
        name; names only narrow) or, when `speculative`, one the code does not state; bound
        cluster-wide or in that namespace (in any, when it is unknown). Indexed once per
        question, so a secret costs what can answer it, not every binding of the cluster."""
        key = (verb, kind, speculative)
        by_namespace = self._reaching.get(key)
        if by_namespace is None:
            by_namespace = self._reaching[key] = defaultdict(list)
            for i, b in enumerate(self.bindings):
                if any(rule.matches(verb, kind, "") != "no" for rule in b.role.rules) \
                        or (speculative and not b.role.known):
                    by_namespace[b.namespace].append(i)
        if namespace is None:
            found = [i for indexes in by_namespace.values() for i in indexes]
        else:
            found = by_namespace.get(None, []) + by_namespace.get(namespace, [])
        return [self.bindings[i] for i in sorted(found)]

    def full_admin(self, subject: str) -> list[Evidence] | None:
        """Bound cluster-wide to a role allowing every verb on every resource."""
        for b in self._by_subject.get(subject, []):
            every = next((r for r in b.role.rules if r.matches("*", "*", "*") == "yes" and "*" in r.verbs
                          and "*" in r.resources and "*" in r.api_groups), None) if b.namespace is None else None
            if every is not None:
                return list(b.chain(every))
        return None


__all__ = ["KubernetesAccess", "OBJECT_KINDS", "Binding", "Rule", "RoleRef", "BUILTIN_ROLES"]
