"""Where a GCP member holds the permissions of the escalation catalog (cloud_escalation.yaml).

Follows GCP IAM's documented model as `gcp.py` does: a binding on an organization, folder or
project reaches everything below it; a binding on a service account reaches that account
only. `roles/iam.serviceAccountUser` or TokenCreator granted on a project therefore reaches
every service account of the project, and the most privileged of them is what it is judged on.
"""

from __future__ import annotations

from sod_iac.access.cloud_escalation import CloudEscalation, Reach, stronger
from sod_iac.access.gcp import CONTAINER_KINDS, Binding, GcpAccess
from sod_iac.access.graph import Level, weakest

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


def _container(gcp: GcpAccess, finder: CloudEscalation, member: str, permission: str,
               chain: frozenset[str]) -> list[Reach]:
    return [held for _, held in _container_bindings(gcp, member, permission)]


def _any(gcp: GcpAccess, finder: CloudEscalation, member: str, permission: str,
         chain: frozenset[str]) -> list[Reach]:
    return [Reach(g.level, list(g.evidence)) for g in gcp.grants(member, [permission])]


def _on_accounts(gcp: GcpAccess, member: str, permission: str) -> list[tuple[str, Level, list]]:
    """(service account of the code, level, hops) for each account the member holds the
    permission on, through a binding on the account or on a container above it."""
    out = []
    for sa in gcp.project.by_type(SA_TYPE):
        if sa.mode != "managed" or sa.address == member:
            continue
        for grant in gcp.members_with_permission(permission, sa.address):
            if grant.principal == member:
                out.append((sa.address, grant.level, list(grant.evidence)))
    return out


def _stronger_sa(gcp: GcpAccess, finder: CloudEscalation, member: str, permission: str,
                 chain: frozenset[str]) -> list[Reach]:
    return stronger(finder, chain, ((sa, level, hops, sa) for sa, level, hops in _on_accounts(gcp, member, permission)))


def _delegating_sa(gcp: GcpAccess, finder: CloudEscalation, member: str, permission: str,
                   chain: frozenset[str]) -> list[Reach]:
    """Accounts that can themselves mint credentials for a stronger account (a delegation chain)."""
    out = []
    for sa, level, hops in _on_accounts(gcp, member, permission):
        if sa in chain:
            continue
        for hit in finder.paths_of(sa, chain):
            if hit.path.category == "credential-access":
                target = hit.targets[0] if hit.targets else "a stronger account"
                out.append(Reach(weakest(level, hit.level), [*hops, *hit.evidence],
                                 f"{sa} (can mint credentials for {target})", 1))
                break
    return out


def _own_custom_role(gcp: GcpAccess, finder: CloudEscalation, member: str, permission: str,
                     chain: frozenset[str]) -> list[Reach]:
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
