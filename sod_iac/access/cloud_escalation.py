"""The GCP, Azure and Kubernetes escalation catalog (`rulesets/cloud_escalation.yaml`) and the
one way every cloud judges it.

Each cloud's module answers one question per requirement: where does the principal hold this
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

Stronger: a full administrator, or a principal holding an escalation path of its own that does
not lead back through the principal asking (see `CloudEscalation`). A peer with different
power is lateral access, not escalation (DESIGN.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sod_iac.access.escalation import CatalogEntry, CatalogFile, EscalationCatalogError, PathHit, load_catalog
from sod_iac.access.graph import _RANK, HELD, Level, best, weakest
from sod_iac.core.model import Evidence, unique_evidence

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
    return load_catalog(path, CloudEscalationCatalog)


# --------------------------------------------------------------------------- judging


@dataclass
class Reach:
    """One way a principal holds a requirement: how surely, the hops, and what it targets.
    `principal` names the account or identity reached when the requirement needs a stronger one
    (`needs`: "power", a full administrator or an escalation path of its own; "credentials", a
    credential path of its own, for delegation chains); None when the requirement needs no one."""

    level: Level
    evidence: list[Evidence] = field(default_factory=list)
    target: str = ""
    principal: str | None = None
    needs: str = "power"


Reacher = Callable[[Any, str, str], list[Reach]]
"""(engine, principal, permission) -> every way the principal holds the permission on a
target of one kind. Asked once per principal and requirement."""


@dataclass
class Strength:
    """Why a principal is worth reaching: rank 2 full administrator, 1 an escalation path of its own."""

    rank: int
    level: Level
    evidence: list[Evidence]
    hits: list[PathHit]


class CloudEscalation:
    """Which catalog paths of one cloud each principal holds. The cloud's module supplies one
    `Reacher` per target kind; the engine its `principals` and `full_admin`; this class the
    combination and which accounts are stronger.

    Stronger is a least fixpoint, not a recursion: full administrators first, then whoever
    holds a path needing no one, then whoever reaches one of those, and so on until nothing
    changes. A principal's targets must have been found stronger in an earlier round, so
    accounts that only reach each other are never stronger (lateral access), and the work
    stays polynomial however the accounts chain."""

    def __init__(self, cloud: str, engine: Any, reachers: dict[str, Reacher]) -> None:
        self.cloud = cloud
        self.engine = engine
        self.paths = load_cloud_escalation_catalog().for_cloud(cloud)
        self._reachers = reachers
        self._full_admin: Callable[[str], list[Evidence] | None] = engine.full_admin
        self._ways: dict[tuple[str, CloudRequirement], list[Reach]] = {}
        self._strong: dict[str, Strength] | None = None
        self._round: dict[str, int] = {}
        self._held: dict[str, list[PathHit]] = {}

    def held_paths(self, principal: str) -> list[PathHit]:
        """The paths the principal holds, in catalog order, each target stronger than it."""
        if principal not in self._held:
            strong = self._strengths()
            if principal not in self._round:
                self._held[principal] = []
            else:
                earlier = {t: s for t, s in strong.items() if self._round[t] < self._round[principal]}
                self._held[principal] = self._judge(principal, earlier)
        return list(self._held[principal])

    def _strengths(self) -> dict[str, Strength]:
        if self._strong is None:
            principals = [p.id for p in self.engine.principals()]
            strong: dict[str, Strength] = {}
            for p in principals:
                admin = self._full_admin(p)
                if admin is not None:
                    strong[p], self._round[p] = Strength(2, "yes", list(admin), []), 0
            found, rnd = True, 0
            while found:
                found, rnd = False, rnd + 1
                known = dict(strong)
                for p in principals:
                    if p in strong:
                        continue
                    hits = self._judge(p, known)
                    if hits:
                        strong[p] = Strength(1, best(*(h.level for h in hits)), list(hits[0].evidence), hits)
                        self._round[p], found = rnd, True
            self._strong = strong
        return self._strong

    def _reach(self, principal: str, req: CloudRequirement) -> list[Reach]:
        key = (principal, req)
        if key not in self._ways:
            self._ways[key] = [w for w in self._reachers[req.on](self.engine, principal, req.permission)
                               if w.level in HELD and w.principal != principal]
        return self._ways[key]

    def _judge(self, principal: str, strong: dict[str, Strength]) -> list[PathHit]:
        """The paths held with every target taken from `strong`."""
        hits = []
        for path in self.paths:
            levels: list[Level] = []
            evidence: list[Evidence] = []
            targets: list[str] = []
            for req in path.requires:
                ways = [q for w in self._reach(principal, req) if (q := _qualified(w, strong)) is not None]
                if not ways:
                    break
                ways.sort(key=lambda q: (-q[0], -_RANK[q[1]]))
                levels.append(best(*(q[1] for q in ways)))
                evidence.extend(ways[0][2])
                targets.extend(q[3] for q in ways if q[3])
            else:
                hits.append(PathHit(path, weakest(*levels), unique_evidence(evidence), list(dict.fromkeys(targets))))
        return hits


def _qualified(way: Reach, strong: dict[str, Strength]) -> tuple[int, Level, list[Evidence], str] | None:
    """(rank, level, hops, label) of a way, None when the principal it reaches is not stronger.
    The level is the weaker of the grant's and the target's strength; its hops follow the grant's."""
    if way.principal is None:
        return 0, way.level, way.evidence, way.target
    s = strong.get(way.principal)
    if s is None:
        return None
    if way.needs == "credentials":
        hit = next((h for h in s.hits if h.path.category == "credential-access"), None)
        if hit is None:
            return None
        reached = hit.targets[0] if hit.targets else "a stronger account"
        return 1, weakest(way.level, hit.level), [*way.evidence, *hit.evidence], \
            f"{way.target} (can mint credentials for {reached})"
    what = "a full administrator" if s.rank == 2 else "able to escalate"
    return s.rank, weakest(way.level, s.level), [*way.evidence, *s.evidence], f"{way.target} ({what})"


_MEMO: WeakKeyDictionary[Any, dict[Any, Any]] = WeakKeyDictionary()


def by_principal(engine: Any, key: Any, grants: Callable[[], Iterable[tuple[str, Any]]]) -> dict[str, list[Any]]:
    """`grants` (principal, answer) grouped by principal, computed once per engine and key: a
    reacher asks "what does THIS principal hold on each account", the engine answers "who holds
    it on this account"; turning the question round keeps the work linear in the principals."""
    cache = _MEMO.setdefault(engine, {})
    if key not in cache:
        found: dict[str, list[Any]] = {}
        for principal, answer in grants():
            found.setdefault(principal, []).append(answer)
        cache[key] = found
    return cache[key]


__all__ = ["CloudEscalation", "CloudEscalationCatalog", "CloudEscalationPath", "CloudRequirement", "Reach",
           "EscalationCatalogError", "by_principal", "load_cloud_escalation_catalog"]
