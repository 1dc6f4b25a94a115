"""Where a GCP member holds the permissions of the escalation catalog (cloud_escalation.yaml).

Follows GCP IAM's documented model as `gcp.py` does: a binding on an organization, folder or
project reaches everything below it; a binding on a service account reaches that account
only. `roles/iam.serviceAccountUser` or TokenCreator granted on a project therefore reaches
every service account of the project, and the most privileged of them is what it is judged on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sod_iac.access.cloud_escalation import CloudEscalation, Reach, by_principal
from sod_iac.access.gcp_hierarchy import CONTAINER_KINDS
from sod_iac.access.graph import Level, weakest
from sod_iac.core.model import Evidence

if TYPE_CHECKING:
    from sod_iac.access.gcp import Binding, GcpAccess

SA_TYPE = "google_service_account"
ABOVE = {"project": ("resourcemanager.organizations.", "resourcemanager.folders."),
         "folder": ("resourcemanager.organizations.",)}
"""Permissions on containers above a binding's scope: a project binding never reaches its
folder or organization (inheritance flows down the hierarchy only)."""


def gcp_escalation(gcp: GcpAccess) -> CloudEscalation:
    """The escalation finder of one GCP engine."""
    return CloudEscalation("gcp", gcp, _REACHERS)


def _container_bindings(gcp: GcpAccess, member: str, permission: str) -> list[tuple[Binding, Reach]]:
    """Bindings on an organization, folder or project whose role holds the permission."""
    out = []
    for b in gcp.bindings_of(member):
        if b.scope.kind not in CONTAINER_KINDS or permission.startswith(ABOVE.get(b.scope.kind, ())):
            continue
        level, perm = gcp.role_grants(b.role, permission)
        if level != "no":
            out.append((b, Reach(weakest(level, b.level), [*b.evidence, *gcp.role(b.role).evidence],
                                 f"{perm} on {b.scope.label}")))
    return out


def _container(gcp: GcpAccess, member: str, permission: str) -> list[Reach]:
    return [held for _, held in _container_bindings(gcp, member, permission)]


def _any(gcp: GcpAccess, member: str, permission: str) -> list[Reach]:
    return [Reach(g.level, list(g.evidence)) for g in gcp.grants(member, [permission])]


def _on_accounts(gcp: GcpAccess, member: str, permission: str) -> list[tuple[str, Level, list[Evidence]]]:
    """(service account of the code, level, hops) for each account the member holds the
    permission on, through a binding on the account or on a container above it."""
    def grants():
        for sa in gcp.project.by_type(SA_TYPE):
            if sa.mode == "managed":
                for g in gcp.members_with_permission(permission, sa.address):
                    yield g.principal, (sa.address, g.level, list(g.evidence))

    return by_principal(gcp, ("accounts", permission), grants).get(member, [])


def _stronger_sa(gcp: GcpAccess, member: str, permission: str) -> list[Reach]:
    return [Reach(level, hops, sa, principal=sa) for sa, level, hops in _on_accounts(gcp, member, permission)]


def _delegating_sa(gcp: GcpAccess, member: str, permission: str) -> list[Reach]:
    """Accounts that can themselves mint credentials for a stronger account (a delegation chain)."""
    return [Reach(level, hops, sa, principal=sa, needs="credentials")
            for sa, level, hops in _on_accounts(gcp, member, permission)]


def _own_custom_role(gcp: GcpAccess, member: str, permission: str) -> list[Reach]:
    """Bindings allowing `iam.roles.update` where a custom role bound to the member is defined."""
    custom = [b for b in gcp.bindings_of(member)
              if gcp.role(b.role).custom or ("/roles/" in b.role and not b.role.startswith("roles/"))]
    out = []
    for grant, held in _container_bindings(gcp, member, permission):
        for b in custom:
            role = gcp.role(b.role)
            where: Level = gcp.scope_applies(grant.scope, role.custom) if role.custom else "possible"
            level = weakest(held.level, where, b.level)
            if level != "no":
                out.append(Reach(level, [*held.evidence, *b.evidence, *role.evidence], f"custom role {b.role}"))
    return out


_REACHERS = {"container": _container, "any": _any, "stronger-sa": _stronger_sa,
             "delegating-sa": _delegating_sa, "own-custom-role": _own_custom_role}
