"""Azure's answers about duties: the engine's `grants()` at any scope (role assignments,
Key Vault access policies)."""

from __future__ import annotations

from sod_iac.access.duties.catalog import Duty
from sod_iac.access.duties.holding import CloudDuties, Holding, grant_holding
from sod_iac.access.graph import Level, best


class AzureDuties(CloudDuties):
    cloud = "azure"

    def holdings(self, principal: str, spec: Duty, excluded: Duty | None, *,
                 until_yes: bool = False, skip: frozenset[str] = frozenset()) -> list[Holding]:
        azure = self.engine
        if azure is None:
            return []
        s = spec.azure
        not_ops = list(s.get("not_actions", ()))
        if excluded:
            not_ops += list(excluded.azure.get("actions", ())) + list(excluded.azure.get("data_actions", ()))
        grants = azure.grants(principal, s.get("actions", ()), s.get("data_actions", ()), roles=s.get("roles", ()),
                              changes=bool(s.get("changes")), excluded=not_ops)
        return [grant_holding(g, spec.name, "azure") for g in grants]

    def overlap(self, x: str, y: str) -> Level:
        """Does either scope cover the other (a resource's scope is its Azure resource path)?"""
        azure = self.engine
        px, py = self._path(x), self._path(y)
        return best(azure.scope_covers(px, py), azure.scope_covers(py, px))

    def _path(self, scope: str) -> str:
        azure = self.engine
        resource = azure.project.resource(scope) if azure is not None else None
        return azure.resource_path(resource) if resource is not None else scope
