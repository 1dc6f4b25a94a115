"""Analysis units: root modules that can be judged together.

Terraform addresses are unique within one root module only. Scanning a monorepo with
envs/prod and envs/dev that both call `module.iam` yields two `module.iam.aws_iam_role.ci`;
judged together they would merge into one principal. So roots that reuse an address are
put in different units (each analysed on its own); roots that do not collide stay together,
so links between them (a state bucket defined in another root) are kept.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sod_iac.core.model import Project, Resource


@dataclass
class Unit:
    roots: list[str] = field(default_factory=list)
    addresses: set[str] = field(default_factory=set)
    resources: list[Resource] = field(default_factory=list)

    @property
    def key(self) -> str:
        return ",".join(sorted(self.roots))


def analysis_units(project: Project) -> list[tuple[str, Project]]:
    """(unit key, sub-project) pairs; a single ("", project) when no addresses collide."""
    by_root: dict[str, list[Resource]] = defaultdict(list)
    for resource in project.resources:
        by_root[resource.root].append(resource)
    units: list[Unit] = []
    for root in sorted(by_root):
        addresses = {r.address for r in by_root[root]}
        unit = next((u for u in units if not (u.addresses & addresses)), None)
        if unit is None:
            unit = Unit()
            units.append(unit)
        unit.roots.append(root)
        unit.addresses |= addresses
        unit.resources.extend(by_root[root])
    if len(units) <= 1:
        return [("", project)]
    out = []
    for index, unit in enumerate(units):
        backends = [b for b in project.backends if b.module_dir in unit.roots
                    or (index == 0 and not any(b.module_dir in u.roots for u in units))]
        out.append((unit.key, project.model_copy(update={
            "resources": unit.resources, "backends": backends,
            "variables": [v for v in project.variables if not v.location or any(
                v.location.path.startswith(r.rstrip("/") + "/") or r in (".", "") for r in unit.roots)],
            # repository files (Atlantis config) belong to no root: judged once, with the first
            "documents": project.documents if index == 0 else [],
            "errors": []})))
    return out
