"""What every cloud's duty evaluator answers with, and the interface they share.

A Holding is one way a principal holds a duty. Each cloud has one evaluator (duties.aws,
duties.gcp, duties.azure, duties.kubernetes) with the same small interface, CloudDuties: the
holdings of a duty for a principal, and whether two holdings can be on one resource. The
service (duties.service) picks the evaluator from a table and combines their answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sod_iac.access.duties.catalog import Duty, Ruleset
from sod_iac.access.graph import HELD, Level
from sod_iac.core.model import Evidence


@dataclass(frozen=True)
class Holding:
    """One way `principal` holds `duty`: `permission` on `scope` (a resource address, an ARN
    pattern, a GCP/Azure scope, a Kubernetes namespace), at `level`, explained by `evidence`."""

    principal: str
    duty: str
    cloud: str
    permission: str
    level: Level
    scope: str
    evidence: tuple[Evidence, ...]

    @property
    def held(self) -> bool:
        return self.level in HELD

    def explain(self) -> str:
        """The holding as a reviewer finds it in the code: the grant as written (its statement
        hop) with where it is, and the permission named only when the grant does not name it
        (`statement "Deploy": Allow ec2:* on * (ci.tf:36), which includes ec2:RunInstances`)."""
        grant = next((e for e in self.evidence if e.kind == "statement"), None)
        if grant is None:
            return f"{self.permission} on {self.scope}"
        text = grant.detail + (f" ({grant.location})" if grant.location else "")
        if self.permission.lower() not in grant.detail.lower():
            text += f", which includes {self.permission}"
        return text


def engine_of(access: Any, cloud: str) -> Any:
    """The AccessGraph's engine of `cloud` (built on first use), or None."""
    return getattr(access, cloud, None) if access is not None else None


class CloudDuties:
    """One cloud's answers about duties, over that cloud's engine of one AccessGraph."""

    cloud = ""
    per_target = False
    """Holdings are per resource (AWS): a same-resource conflict pairs only holdings of one
    scope, and `each_holding`/`may_hold` let the service find it lazily."""

    def __init__(self, access: Any, ruleset: Ruleset) -> None:
        self.access = access
        self.ruleset = ruleset

    @property
    def engine(self) -> Any:
        return engine_of(self.access, self.cloud)

    def holdings(self, principal: str, spec: Duty, excluded: Duty | None, *,
                 until_yes: bool = False, skip: frozenset[str] = frozenset()) -> list[Holding]:
        """Every way the principal holds `spec` (not through `excluded`'s permissions), in a fixed
        order; `until_yes` may stop after the first certain one. `skip`: principals whose
        sessions do not count (AWS roles it can assume; no other cloud holds duties through
        another principal, so they have nothing to skip)."""
        raise NotImplementedError

    def same_resource(self, a: Holding, b: Holding) -> Level:
        """Can two holdings of this cloud be on one and the same resource?"""
        return "yes" if a.scope == b.scope else self.overlap(a.scope, b.scope)

    def overlap(self, x: str, y: str) -> Level:
        """Can grants at two different scopes reach one and the same resource?"""
        return "no"

    def each_holding(self, principal: str, spec: Duty, excluded: Duty | None,
                     scope: str | None = None, skip: frozenset[str] = frozenset()) -> Iterator[Holding]:
        """(per_target clouds) The holdings made one by one; with `scope`, those on it only."""
        raise NotImplementedError

    def may_hold(self, principal: str, spec: Duty, excluded: Duty | None) -> bool:
        """(per_target clouds) Could the principal hold `spec` anywhere at all?"""
        raise NotImplementedError


def grant_holding(grant: Any, duty: str, cloud: str) -> Holding:
    """The holding an engine's grant (GCP, Azure, Kubernetes `grants()`) gives."""
    return Holding(grant.principal, duty, cloud, grant.permission, grant.level, grant.scope,
                   tag_hops(grant.evidence, duty))


def tag_hops(evidence: Iterable[Evidence], duty: str,
             cache: dict[tuple[int, str], tuple[Evidence, Evidence]] | None = None) -> tuple[Evidence, ...]:
    """The hops tagged with the duty. With `cache`, each hop is copied once per duty: a
    wildcard grant is the same hop on every resource it covers (keyed by the hop's identity,
    which the cache holds so the id stays its own)."""
    out = []
    for hop in evidence:
        if hop.duty:
            out.append(hop)
            continue
        key = (id(hop), duty)
        known = cache.get(key) if cache is not None else None
        if known is None or known[0] is not hop:
            known = (hop, hop.model_copy(update={"duty": duty}))
            if cache is not None:
                cache[key] = known
        out.append(known[1])
    return tuple(out)
