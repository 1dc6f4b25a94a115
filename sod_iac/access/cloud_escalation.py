"""The GCP, Azure and Kubernetes escalation catalog (`rulesets/cloud_escalation.yaml`) and the
one way every cloud judges it.

Each cloud's engine answers one question per requirement: where does the principal hold this
permission on a target of this kind (`Reach`: level, hops, what it targets)? `CloudEscalation`
combines the answers into the paths a principal holds, as the AWS finder does, so that SOD110
asks every engine the same `held_paths(principal)`. A path is held when every requirement is
reached; its level is the weakest requirement's.

Targets (`on`):

| cloud | target | the permission must be held |
|---|---|---|
| gcp | `container` | through a binding on an organization, folder or project |
| gcp | `own-custom-role` | where a custom role bound to the principal is defined |
| gcp | `stronger-sa` | on a service account of the code that is stronger (see below) |
| gcp | `delegating-sa` | on a service account of the code that can itself mint credentials for a stronger one |
| gcp, azure | `any` | anywhere |
| azure | `scope` | at some scope (role assignments: itself, there) |
| azure | `own-custom-role` | at a scope covering a custom role assigned to the principal |
| azure | `stronger-identity` | on a user-assigned managed identity of the code that is stronger |
| azure | `access-policy-vault` | on a Key Vault of the code that uses access policies |
| kubernetes | `cluster` | through a ClusterRoleBinding (cluster-wide) |
| kubernetes | `stronger-sa` | on a service account of the code that is stronger |
| kubernetes | `stronger-sa-namespace` | in the namespace of a stronger service account of the code |

Stronger: a full administrator, or a principal holding an escalation path of its own (asked
with the principals already on the chain left out, so accounts that reach each other do not
loop). A peer with different power is lateral access, not escalation (DESIGN.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sod_iac.access.escalation import CatalogEntry, CatalogFile, EscalationCatalogError, PathHit, load_catalog
from sod_iac.access.graph import _RANK, HELD, Level, best, weakest
from sod_iac.model import Evidence, unique_evidence

CATALOG_PATH = Path(__file__).resolve().parent.parent / "rulesets" / "cloud_escalation.yaml"

Cloud = Literal["gcp", "azure", "kubernetes"]
TARGETS: dict[str, frozenset[str]] = {
    "gcp": frozenset({"container", "own-custom-role", "stronger-sa", "delegating-sa", "any"}),
    "azure": frozenset({"scope", "own-custom-role", "stronger-identity", "access-policy-vault", "any"}),
    "kubernetes": frozenset({"cluster", "stronger-sa", "stronger-sa-namespace"}),
}
PERMISSION_SHAPES: dict[str, re.Pattern[str]] = {
    "gcp": re.compile(r"^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+){2,}$"),
    "azure": re.compile(r"^Microsoft\.[A-Za-z]+(/[A-Za-z]+)+$"),
    "kubernetes": re.compile(r"^[a-z]+ [a-z]+(/[a-z]+)?$"),
}
_ID = re.compile(r"^(gcp|azure|k8s)-[a-z0-9]+(?:-[a-z0-9]+)*$")


class CloudRequirement(BaseModel):
    """One permission a path needs: `permission` held on a target of kind `on`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    permission: str = Field(min_length=1)
    on: str = Field(min_length=1)

    @property
    def key(self) -> tuple[str, str]:
        return self.permission.lower(), self.on

    @property
    def action(self) -> str:
        """The permission, under the name the AWS requirement gives it (messages use either)."""
        return self.permission


class CloudEscalationPath(CatalogEntry):
    """A set of permissions that together let a GCP, Azure or Kubernetes principal raise its power."""

    cloud: Cloud
    requires: tuple[CloudRequirement, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} is not kebab-case starting with gcp-, azure- or k8s-")
        return value

    @field_validator("requires")
    @classmethod
    def _fits_cloud(cls, value: tuple[CloudRequirement, ...], info: ValidationInfo) -> tuple[CloudRequirement, ...]:
        cloud = info.data.get("cloud")
        if cloud is None:
            return value  # the cloud itself is reported
        for req in value:
            if not PERMISSION_SHAPES[cloud].match(req.permission):
                raise ValueError(f"{req.permission!r} is not a {cloud} permission")
            if req.on not in TARGETS[cloud]:
                raise ValueError(f"unknown {cloud} target {req.on!r}: use one of {', '.join(sorted(TARGETS[cloud]))}")
        return value


class CloudEscalationCatalog(CatalogFile):
    """The GCP, Azure and Kubernetes catalog."""

    paths: tuple[CloudEscalationPath, ...]

    def for_cloud(self, cloud: str) -> list[CloudEscalationPath]:
        return [path for path in self.paths if path.cloud == cloud]


def load_cloud_escalation_catalog(path: Path | str | None = None) -> CloudEscalationCatalog:
    """Read and validate a catalog (the packaged one by default); EscalationCatalogError names file:line."""
    return _load(Path(path) if path is not None else CATALOG_PATH)


@lru_cache(maxsize=8)
def _load(path: Path) -> CloudEscalationCatalog:
    return load_catalog(path, CloudEscalationCatalog)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- judging


@dataclass
class Reach:
    """One way a principal holds a requirement: how surely, the hops, and the target's name."""

    level: Level
    evidence: list[Evidence] = field(default_factory=list)
    target: str = ""
    rank: int = 0  # orders targets: a full administrator (2) before one with a path of its own (1)


Reacher = Callable[[Any, "CloudEscalation", str, str, frozenset[str]], list[Reach]]
"""(engine, finder, principal, permission, principals already on the chain) -> every way the
principal holds the permission on a target of one kind."""


class CloudEscalation:
    """Which catalog paths of one cloud each principal holds. The cloud's module supplies one
    `Reacher` per target kind; the engine its `full_admin`; this class the combination, the
    ordering and the cycle guard."""

    def __init__(self, cloud: str, engine: Any, reachers: dict[str, Reacher]) -> None:
        self.cloud = cloud
        self.engine = engine
        self.paths = load_cloud_escalation_catalog().for_cloud(cloud)
        self._reachers = reachers
        self._full_admin: Callable[[str], list[Evidence] | None] = engine.full_admin
        self._held: dict[str, list[PathHit]] = {}

    def _reach(self, principal: str, req: CloudRequirement, chain: frozenset[str]) -> list[Reach]:
        return self._reachers[req.on](self.engine, self, principal, req.permission, chain)

    def held_paths(self, principal: str) -> list[PathHit]:
        """The paths the principal holds, in catalog order (cached: chains are judged once)."""
        if principal not in self._held:
            self._held[principal] = self._paths(principal, frozenset({principal}))
        return list(self._held[principal])

    def paths_of(self, target: str, chain: frozenset[str]) -> list[PathHit]:
        """The paths `target` holds without going back through the principals on `chain`."""
        if target in chain or len(chain) > MAX_CHAIN:
            return []
        return self._paths(target, chain | {target})

    def _paths(self, principal: str, chain: frozenset[str]) -> list[PathHit]:
        hits = []
        for path in self.paths:
            levels: list[Level] = []
            evidence: list[Evidence] = []
            targets: list[str] = []
            for req in path.requires:
                ways = [w for w in self._reach(principal, req, chain) if w.level in HELD]
                if not ways:
                    break
                ways.sort(key=lambda w: (-w.rank, -_RANK[w.level]))
                levels.append(best(*(w.level for w in ways)))
                evidence.extend(ways[0].evidence)
                targets.extend(dict.fromkeys(w.target for w in ways if w.target))
            else:
                hits.append(PathHit(path, weakest(*levels), unique_evidence(evidence), list(dict.fromkeys(targets))))
        return hits

    def power(self, target: str, chain: frozenset[str]) -> tuple[int, Level, list[Evidence]]:
        """How much `target` can do, for a principal on `chain` reaching it: (2, full admin),
        (1, an escalation path of its own), (0, neither: a peer)."""
        admin = self._full_admin(target)
        if admin is not None:
            return 2, "yes", list(admin)
        hits = self.paths_of(target, chain)
        if not hits:
            return 0, "no", []
        return 1, best(*(h.level for h in hits)), list(hits[0].evidence)


MAX_CHAIN = 3
"""Accounts reaching accounts reaching accounts: deeper chains are not followed (each hop
re-judges the next account's paths without the ones already on the chain)."""


def stronger(finder: CloudEscalation, chain: frozenset[str],
             candidates: Iterable[tuple[str, Level, list[Evidence], str]]) -> list[Reach]:
    """Reaches on the candidates (target, level held on it, hops, label) that are stronger
    than what the chain holds; peers are left out. Each keeps the weaker of its grant's level
    and how surely the target is strong, and appends the hops that make it strong."""
    out = []
    for target, level, evidence, label in candidates:
        rank, power, hops = finder.power(target, chain)
        if rank:
            what = "a full administrator" if rank == 2 else "able to escalate"
            out.append(Reach(weakest(level, power), [*evidence, *hops], f"{label} ({what})", rank))
    return out


__all__ = ["CloudEscalation", "CloudEscalationCatalog", "CloudEscalationPath", "CloudRequirement", "Reach",
           "EscalationCatalogError", "load_cloud_escalation_catalog", "stronger"]
