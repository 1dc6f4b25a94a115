"""Where a Kubernetes subject holds the RBAC permissions of the escalation catalog
(cloud_escalation.yaml).

Follows RBAC as `kubernetes.py` does: a ClusterRoleBinding reaches every namespace and the
cluster-scoped resources (users, groups, nodes, clusterroles); a RoleBinding only its
namespace. Service accounts are those the code defines and those its bindings name
(`ServiceAccount:ns/name`): a subject that can run pods in, impersonate, or mint tokens for one
of them that is stronger (cluster-admin, or an escalation path of its own) can escalate
("RBAC good practices": workload creation, impersonate, token request).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from sod_iac.access.cloud_common import first_block, text_of
from sod_iac.access.cloud_escalation import CloudEscalation, Reach
from sod_iac.access.kubernetes_types import SA_TYPES

if TYPE_CHECKING:
    from sod_iac.access.kubernetes import KubernetesAccess

SA_PREFIX = "ServiceAccount:"


def kubernetes_escalation(k8s: KubernetesAccess) -> CloudEscalation:
    """The escalation finder of one kubernetes engine."""
    return CloudEscalation("kubernetes", k8s, _REACHERS)


def service_accounts(k8s: KubernetesAccess) -> list[tuple[str, str, str]]:
    """(principal id, namespace, name) of every service account the code defines or binds.
    Made once per engine: every subject's escalation question asks it, and it walks every
    resource of the project."""
    if k8s.service_accounts_memo is None:
        k8s.service_accounts_memo = _service_accounts(k8s)
    return k8s.service_accounts_memo


def _accounts_by_namespace(k8s: KubernetesAccess) -> dict[str | None, list[int]]:
    """Positions in service_accounts() by namespace, made once per engine."""
    if k8s.service_accounts_by_namespace is None:
        index: dict[str | None, list[int]] = {}
        for i, (_, ns, _) in enumerate(service_accounts(k8s)):
            index.setdefault(ns, []).append(i)
        k8s.service_accounts_by_namespace = index
    return k8s.service_accounts_by_namespace


def _service_accounts(k8s: KubernetesAccess) -> list[tuple[str, str, str]]:
    found: dict[str, tuple[str, str, str]] = {}
    for r in k8s.project.resources:
        if r.mode == "managed" and r.type in SA_TYPES:
            meta = first_block(r.values.get("metadata"))
            name = text_of(meta.get("name"))
            if name:
                found[r.address] = (r.address, text_of(meta.get("namespace")) or "default", name)
    for p in k8s.principals():
        if p.id.startswith(SA_PREFIX) and "/" in p.id:
            ns, name = p.id[len(SA_PREFIX):].split("/", 1)
            found.setdefault(p.id, (p.id, ns, name))
    return [found[k] for k in sorted(found)]


def _cluster(k8s: KubernetesAccess, subject: str, permission: str) -> list[Reach]:
    verb, resource = permission.split(" ", 1)  # the catalog writes `verb resource`
    level, evidence = k8s.can(subject, verb, resource, None)
    return [Reach(level, evidence, f"{verb} {resource} cluster-wide")] if level != "no" else []


def _service_accounts_reached(k8s: KubernetesAccess, subject: str, permission: str, *,
                              by_name: bool) -> list[Reach]:
    """Stronger service accounts the subject may `verb` (`by_name`: the account object itself;
    else anything of that resource in the account's namespace, e.g. create pods)."""
    verb, resource = permission.split(" ", 1)
    out: list[Reach] = []
    spaces = k8s.binding_namespaces(subject, verb, resource)
    if not spaces:
        return out
    accounts = service_accounts(k8s)
    if None not in spaces:  # no binding of the subject elsewhere: `can` would say "no" there
        by_namespace = _accounts_by_namespace(k8s)
        accounts = [accounts[i] for i in sorted(i for ns in spaces for i in by_namespace.get(ns, ()))]
    for sa, ns, name in accounts:
        level, evidence = k8s.can(subject, verb, resource, ns, name if by_name else None)
        if level != "no":
            out.append(Reach(level, evidence, f"{sa} ({verb} {resource} in namespace {ns})", principal=sa))
    return out


_REACHERS = {"cluster": _cluster,
             "stronger-sa": partial(_service_accounts_reached, by_name=True),
             "stronger-sa-namespace": partial(_service_accounts_reached, by_name=False)}
