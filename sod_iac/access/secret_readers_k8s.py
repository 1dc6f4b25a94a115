"""Readers of Kubernetes Secrets, from the Kubernetes RBAC engine (sod_iac.access.kubernetes).

A subject reads a Secret when a role bound to it allows `get`, `list` or `watch` on `secrets`
in the core API group ("Using RBAC Authorization"; list and watch return the values too, as
the RBAC good-practices page warns). A RoleBinding grants only in its namespace; a
ClusterRoleBinding in every namespace. A rule with `resource_names` reaches only the Secrets
it names. Built-in `cluster-admin`, `admin` and `edit` read Secrets; `view` does not. Creating
pods that mount a Secret is a way to obtain it (escalation), not holding it. Subjects that
stand for populations: `system:authenticated`, `system:unauthenticated`, `system:anonymous`,
every service account of the cluster (`system:serviceaccounts`): SOD302.
"""

from __future__ import annotations

from typing import Any

from sod_iac.access.cloud_common import first_block
from sod_iac.access.graph import best
from sod_iac.access.secret_model import Reader, ReaderSet, ReadsAll, Secret, stated_limit
from sod_iac.core.model import Project

SECRET_TYPES = ("kubernetes_secret", "kubernetes_secret_v1")
READ_VERBS = ("get", "list", "watch")
_SCOPES = {"Group:system:authenticated": "all-authenticated", "Group:system:unauthenticated": "public",
           "User:system:anonymous": "public", "Group:system:serviceaccounts": "cluster"}


class KubernetesSecretReaders:
    def __init__(self, project: Project, k8s: Any) -> None:
        self.project = project
        self.k8s = k8s

    def secrets(self) -> list[Secret]:
        out = []
        for r in self.project.resources:
            if r.mode == "managed" and r.type in SECRET_TYPES:
                meta = first_block(r.values.get("metadata"))
                name, ns = meta.get("name"), meta.get("namespace", "default")
                label = f"{ns}/{name}" if isinstance(name, str) and isinstance(ns, str) else None
                out.append(Secret(r.address, "kubernetes", "Kubernetes Secret", label, r,
                                  stated_limit(meta.get("annotations"), meta.get("labels"))))
        return out

    def readers(self, secret: Secret) -> ReaderSet:
        result = ReaderSet(secret)
        found: dict[str, Reader] = {}
        for verb in READ_VERBS:
            for grant in self.k8s.members_with_permission(verb, secret.address, speculative=True):
                current = found.get(grant.principal)
                if current is None or best(current.level, grant.level) != current.level:
                    where = "the whole cluster" if grant.scope == "cluster" else grant.scope.replace(":", " ")
                    found[grant.principal] = Reader(grant.principal, grant.level, list(grant.evidence),
                                                    f"{grant.permission} in {where}",
                                                    scope=_SCOPES.get(grant.principal))
        result.readers = list(found.values())
        return result

    def reads_everything(self) -> list[ReadsAll]:
        """Subjects bound cluster-wide to a role that reads every Secret (no resource_names)."""
        out = []
        for b in self.k8s.bindings:
            if b.namespace is not None:
                continue
            if not any(rule.matches(v, "secrets", "") == "yes" and not rule.resource_names
                       for rule in b.role.rules for v in READ_VERBS):
                continue
            resource = self.project.resource(b.subject)
            out.append(ReadsAll(b.subject, f"every Kubernetes Secret of the cluster ({b.role.key})",
                                [*b.evidence, *b.role.evidence], resource.location if resource is not None else None))
        return out
