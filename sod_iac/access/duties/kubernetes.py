"""Kubernetes' answers about duties: the engine's `grants()` (RBAC bindings), by rule or by
any change."""

from __future__ import annotations

from sod_iac.access.duties.catalog import Duty
from sod_iac.access.duties.holding import CloudDuties, Holding, grant_holding
from sod_iac.access.graph import Level


class KubernetesDuties(CloudDuties):
    cloud = "kubernetes"

    def holdings(self, principal: str, spec: Duty, excluded: Duty | None, *,
                 until_yes: bool = False, skip: frozenset[str] = frozenset()) -> list[Holding]:
        k8s = self.engine
        if k8s is None:
            return []
        s = spec.kubernetes
        out = []
        for verbs, resources in s.get("rules", ()):
            out.extend(k8s.grants(principal, verbs, resources))
        if s.get("changes"):
            not_res = list(s.get("not_resources", ()))
            if excluded:
                not_res += [r for _, res in excluded.kubernetes.get("rules", ()) for r in res]
            out.extend(k8s.grants(principal, changes=True, excluded=not_res))
        return [grant_holding(g, spec.name, "kubernetes") for g in out]

    def overlap(self, x: str, y: str) -> Level:
        """Grant scopes: `cluster`, `namespace:NS`, `namespace:NS/RESOURCE:name,name`."""
        nx, namesx = _split(x)
        ny, namesy = _split(y)
        if nx is not None and ny is not None and nx != ny:
            return "no"
        if namesx is not None and namesy is not None and not namesx & namesy:
            return "no"
        return "yes"


def _split(scope: str) -> tuple[str | None, set[str] | None]:
    if scope == "cluster":
        return None, None
    ns, _, names = scope[len("namespace:"):].partition("/")
    return ns, set(names.split(":", 1)[1].split(",")) if names else None
