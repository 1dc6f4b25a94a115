"""Analysis units: root modules that can be judged together.

Terraform addresses are unique within one root module only. Scanning a monorepo with
envs/prod and envs/dev that both call `module.iam` yields two `module.iam.aws_iam_role.ci`;
judged together they would merge into one principal. So roots that reuse an address are
put in different units (each analysed on its own); roots that do not collide stay together,
so links between them (a state bucket defined in another root) are kept.

Some addresses are in nearly every root and identify nothing any rule judges: a
`random_id.suffix`, a `data.aws_region.current`, a `null_resource`. Were they collisions, a
bootstrap root and the roots whose state it keeps would be judged apart for sharing a random
suffix, and every cross-root link between them lost (the state writers of the bootstrap root,
say). So a collision of only such INERT types keeps roots together; both copies stay in the unit
(nothing looks them up by address: their values are unknown at plan time anyway).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sod_iac.core.model import Project, Resource

INERT = frozenset({
    # values only: no identity, no permission, no secret, no state (random_password is a secret)
    "random_id", "random_string", "random_pet", "random_integer", "random_uuid", "random_shuffle",
    "time_sleep", "time_static", "time_offset", "time_rotating", "null_resource", "terraform_data",
    # data sources of the provider's context (not the caller's identity: that one is a principal)
    "data.aws_region", "data.aws_partition", "data.aws_availability_zones", "data.google_compute_zones",
})
"""Resource types (data sources as `data.T`) whose shared addresses do not split roots."""


def _splits(resource: Resource) -> bool:
    """Whether a resource's address, when another root has it too, makes the roots collide."""
    return (f"data.{resource.type}" if resource.mode == "data" else resource.type) not in INERT


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
        addresses = {r.address for r in by_root[root] if _splits(r)}
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
