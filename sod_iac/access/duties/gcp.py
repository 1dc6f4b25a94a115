"""GCP's answers about duties: the engine's `grants()` at any scope (IAM bindings), and its
Cloud Identity group roles (`group_roles`: who may add members to a group)."""

from __future__ import annotations

from sod_iac.access.duties.catalog import Duty
from sod_iac.access.duties.holding import CloudDuties, Holding, grant_holding
from sod_iac.access.gcp import Scope
from sod_iac.access.graph import Level


class GcpDuties(CloudDuties):
    cloud = "gcp"

    def holdings(self, principal: str, spec: Duty, excluded: Duty | None, *,
                 until_yes: bool = False, skip: frozenset[str] = frozenset()) -> list[Holding]:
        gcp = self.engine
        if gcp is None:
            return []
        s = spec.gcp
        not_perms = list(s.get("not_permissions", ())) + (list(excluded.gcp.get("permissions", ())) if excluded else [])
        grants = gcp.grants(principal, s.get("permissions", ()), roles=s.get("roles", ()),
                            changes=bool(s.get("changes")), excluded=not_perms)
        grants += gcp.group_roles(principal, s.get("group_roles", ())) if s.get("group_roles") else []
        return [grant_holding(g, spec.name, "gcp") for g in grants]

    def overlap(self, x: str, y: str) -> Level:
        """Can a GCP grant at scope `x` and one at scope `y` reach one and the same resource?"""
        gcp = self.engine
        kx, ky = _kind(x), _kind(y)

        def in_code(scope: str) -> bool:
            return gcp is not None and gcp.project.resource(scope) is not None

        if kx is None and ky is None:
            return "no" if in_code(x) and in_code(y) else "possible"
        if kx is not None and ky is not None:
            if kx == ky == "project" and not x.startswith("google_") and not y.startswith("google_"):
                return "no"
            return "possible"
        container, resource = (x, y) if kx is not None else (y, x)
        if not in_code(resource):
            return "possible"
        return gcp.scope_applies(Scope(_kind(container) or "project", container, container), resource)


def _kind(scope: str) -> str | None:
    if scope.startswith("organizations/"):
        return "organization"
    if scope.startswith(("folders/", "google_folder.")):
        return "folder"
    if scope.startswith(("projects/", "google_project.")) and "/" not in scope[len("projects/"):]:
        return "project"
    return None
