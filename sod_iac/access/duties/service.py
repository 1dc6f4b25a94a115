"""The duty service: which principal holds which duty and which conflicts, on every cloud.

Cloud-neutral: it picks each principal's evaluator from a table (one per cloud, all with the
interface of duties.holding.CloudDuties), keeps the answers for the scan and combines them into
conflicts. "Held" follows DESIGN.md: what the principal can do today, not what it could grant
itself (that is SOD110), and unknown values make a holding "possible", never absent.

    duties = Duties(access, load_ruleset(user_duties, user_conflicts))
    duties.held(principal, "key-admin")          # [Evidence] (empty = not held), duty-tagged
    duties.holdings(principal, "secret-read")    # [Holding] with scope and level
    duties.conflict(principal, conflict)         # ConflictHit | None
    duties.full_admin(principal)                 # [Evidence] | None (any cloud)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sod_iac.access.duties.aws import AwsDuties
from sod_iac.access.duties.azure import AzureDuties
from sod_iac.access.duties.catalog import Conflict, Ruleset, RulesetError, load_ruleset
from sod_iac.access.duties.gcp import GcpDuties
from sod_iac.access.duties.holding import CloudDuties, Holding, engine_of
from sod_iac.access.duties.kubernetes import KubernetesDuties
from sod_iac.access.graph import HELD, Level, Principal, best, weakest
from sod_iac.core.model import Evidence, LoadError, unique_evidence

EVALUATORS: dict[str, type[CloudDuties]] = {
    e.cloud: e for e in (AwsDuties, GcpDuties, AzureDuties, KubernetesDuties)}
SOD111_CLOUDS = frozenset({"aws", "gcp", "azure", "kubernetes"})
"""Clouds whose full administrators (SOD111) and escalating principals (SOD110) are reported by
those rules; SOD101-106 leave such principals to them: a full administrator, or one that can
raise its own privileges, effectively holds every duty (DESIGN.md), and one finding saying so
beats five conflict findings. SOD111 covers every cloud; SOD110 (escalation) only AWS so far."""


@dataclass
class ConflictHit:
    conflict: Conflict
    principal: Principal
    level: Level
    sides: list[Holding]            # the best holding of each side
    resource: str | None = None     # the shared resource of a same-resource conflict

    @property
    def duties(self) -> list[str]:
        return [h.duty for h in self.sides]


class Duties:
    """Answers which duties principals hold, over the engines of one AccessGraph."""

    def __init__(self, access: Any, ruleset: Ruleset | None = None) -> None:
        self.access = access
        self.ruleset = ruleset or load_ruleset()
        self._principals: dict[str, Principal] | None = None
        self._cache: dict[tuple[Any, ...], list[Holding]] = {}  # (principal, duty, outside[, cut][, skip])
        self._over: dict[str, bool] = {}
        self._chain_roles: dict[str, frozenset[str]] = {}
        self._clouds = {cloud: make(access, self.ruleset) for cloud, make in EVALUATORS.items()}

    # --- principals ----------------------------------------------------------------------
    def principals(self) -> list[Principal]:
        return list(self._index().values())

    def _index(self) -> dict[str, Principal]:
        if self._principals is None:
            found: dict[str, Principal] = {}
            for p in self.access.principals() if self.access is not None else []:
                found.setdefault(p.id, p)
            self._principals = found
        return self._principals

    def principal(self, principal: Principal | str) -> Principal | None:
        if isinstance(principal, Principal):
            return principal
        return self._index().get(principal)

    def engine(self, cloud: str) -> Any:
        return engine_of(self.access, cloud)

    # --- the questions -----------------------------------------------------------------
    def held(self, principal: Principal | str, duty: str, *, outside: str | None = None) -> list[Evidence]:
        """Evidence (duty-tagged hops) of every way the principal holds the duty now; [] if not."""
        return unique_evidence(e for h in self.holdings(principal, duty, outside=outside) if h.held
                               for e in h.evidence)

    def holdings(self, principal: Principal | str, duty: str, *, outside: str | None = None,
                 until_yes: bool = False, skip: frozenset[str] = frozenset()) -> list[Holding]:
        """Every way the principal holds the duty, in a fixed order. `until_yes` may stop after
        the first certain holding: enough for whoever takes the first or the best one (the
        first with the best level), and per-target holdings (AWS) grow with principals x
        resources. `skip`: roles whose sessions do not count (see `escalation_roles`)."""
        p = self.principal(principal)
        if p is None:
            return []
        if duty not in self.ruleset.duties:
            raise KeyError(f"unknown duty {duty!r}")
        skipped = (skip,) if skip else ()
        key = (p.id, duty, outside, *skipped)
        cloud = self._clouds.get(p.cloud)
        if until_yes and key not in self._cache and cloud is not None and cloud.per_target:
            short = (p.id, duty, outside, "until-yes", *skipped)
            if short not in self._cache:
                self._cache[short] = self._ask(cloud, p.id, duty, outside, until_yes=True, skip=skip)
            return self._cache[short]
        if key not in self._cache:
            self._cache[key] = self._ask(cloud, p.id, duty, outside, skip=skip) if cloud is not None else []
        return self._cache[key]

    def _ask(self, cloud: CloudDuties, principal: str, duty: str, outside: str | None, *,
             until_yes: bool = False, skip: frozenset[str] = frozenset()) -> list[Holding]:
        spec = self.ruleset.duties[duty]
        if not getattr(spec, cloud.cloud):
            return []  # the catalog says nothing of this duty on the principal's cloud
        excluded = self.ruleset.duties[outside] if outside else None
        return cloud.holdings(principal, spec, excluded, until_yes=until_yes, skip=skip)

    def aws_first_on(self, principal: str, duty: str, targets: list[Any]) -> Holding | None:
        """The first way an AWS principal holds `duty` on one of `targets` (aws.Target), or None:
        for questions about particular resources (e.g. those of one environment)."""
        return self._clouds["aws"].first_on(principal, duty, targets)

    def full_admin(self, principal: Principal | str) -> list[Evidence] | None:
        p = self.principal(principal)
        engine = self.engine(p.cloud) if p is not None else None
        if engine is None or not hasattr(engine, "full_admin"):
            return None
        return engine.full_admin(p.id)

    def over_privileged(self, principal: Principal | str) -> bool:
        """Reported by SOD111 (full administrator) or by a *certain* SOD110 (can escalate): such
        a principal effectively holds every duty (DESIGN.md), so SOD101-106 and SOD303 leave it
        to those rules. A merely possible escalation hides nothing ("Certain beats possible"):
        the conflict it would absorb may be certain."""
        p = self.principal(principal)
        if p is None or p.cloud not in SOD111_CLOUDS:
            return False
        if p.id not in self._over:
            over = self.full_admin(p) is not None
            engine = self.engine(p.cloud)
            if not over and engine is not None:
                over = any(hit.level == "yes" for hit in engine.escalation.held_paths(p.id))
            self._over[p.id] = over
        return self._over[p.id]

    def escalation_roles(self, principal: Principal | str) -> frozenset[str]:
        """The roles the principal's SOD110 escalation goes through by becoming them (AWS
        `stronger-role` targets, EscalationFinder.chain_roles): a conflict it holds only with
        their sessions' help restates that escalation. Empty on other clouds: their duties
        never go through another principal's grants."""
        p = self.principal(principal)
        if p is None:
            return frozenset()
        if p.id not in self._chain_roles:
            finder = getattr(self.engine(p.cloud), "escalation", None)
            chain_roles = getattr(finder, "chain_roles", None)
            self._chain_roles[p.id] = chain_roles(p.id) if chain_roles is not None else frozenset()
        return self._chain_roles[p.id]

    def conflict(self, principal: Principal | str, conflict: Conflict, *,
                 skip: frozenset[str] = frozenset()) -> ConflictHit | None:
        """Does the principal hold every side of the conflict? The best way, or None. With
        `skip`, no session of those roles counts (see `escalation_roles`)."""
        p = self.principal(principal)
        if p is None:
            return None
        cloud = self._clouds.get(p.cloud)
        per_target = cloud is not None and cloud.per_target
        if conflict.same_resource and per_target:
            return self._lazy_same_resource(cloud, p, conflict, skip)
        sides: list[list[Holding]] = []
        for i, side in enumerate(conflict.sides):
            outside = conflict.outside if i > 0 else None
            got = [h for duty in side for h in self.holdings(p, duty, outside=outside, skip=skip,
                                                              until_yes=not conflict.same_resource) if h.held]
            if not got:
                return None
            sides.append(got)
        if not conflict.same_resource:
            chosen = [best_holding(side) for side in sides]
            level = weakest(*(h.level for h in chosen))
            return ConflictHit(conflict, p, level, chosen)
        best_hit: ConflictHit | None = None
        by_scope: list[dict[str, list[Holding]]] = []
        for side in sides[1:]:
            index: dict[str, list[Holding]] = defaultdict(list)
            for h in side:
                index[h.scope].append(h)
            by_scope.append(index)
        for a in sides[0]:
            # per-target holdings: only the same scope can be the same resource
            others = [index.get(a.scope, []) for index in by_scope] if per_target else sides[1:]
            best_hit = self._better_hit(best_hit, conflict, p, a, others)
        return best_hit

    def same_resource(self, a: Holding, b: Holding) -> Level:
        """Can the two holdings be on one and the same resource?"""
        cloud = self._clouds.get(a.cloud)
        if cloud is None:
            return "yes" if a.scope == b.scope else "no"
        if a.scope != b.scope and a.cloud != b.cloud:
            return "no"
        return cloud.same_resource(a, b)

    def _lazy_same_resource(self, cloud: CloudDuties, p: Principal, conflict: Conflict,
                            skip: frozenset[str]) -> ConflictHit | None:
        """conflict() for a per-target cloud's principal and a same-resource conflict, made
        lazily: the first side's holdings one by one, each side's other holdings on that
        holding's scope only (only the same scope can be the same resource), up to the first
        certain hit. The same answer as pairing the full lists, without keeping holdings per
        principal and resource (they grow with principals x resources)."""
        specs = [[(self.ruleset.duties[d], self.ruleset.duties[conflict.outside] if i > 0 and conflict.outside
                   else None) for d in side if getattr(self.ruleset.duties[d], cloud.cloud)]
                 for i, side in enumerate(conflict.sides)]
        for side in specs[1:]:
            if not any(cloud.may_hold(p.id, spec, excluded) for spec, excluded in side):
                return None  # a side the principal can hold nowhere
        best_hit: ConflictHit | None = None
        firsts = (h for spec, excluded in specs[0] for h in cloud.each_holding(p.id, spec, excluded, skip=skip))
        for a in firsts:
            others = [[h for spec, excluded in side
                       for h in cloud.each_holding(p.id, spec, excluded, scope=a.scope, skip=skip)]
                      for side in specs[1:]]
            best_hit = self._better_hit(best_hit, conflict, p, a, others)
            if best_hit is not None and best_hit.level == "yes":
                break  # nothing ranks above "yes": later holdings cannot replace it
        return best_hit

    def _better_hit(self, best_hit: ConflictHit | None, conflict: Conflict, p: Principal, a: Holding,
                    others: list[list[Holding]]) -> ConflictHit | None:
        """The best of `best_hit` and the hits pairing `a` with one holding of each other side
        (the first of equal hits stays)."""
        for rest in _combinations(others):
            level: Level = a.level
            shared = a.scope
            for b in rest:
                overlap = self.same_resource(a, b)
                level = weakest(level, b.level, overlap)
                if b.scope != a.scope and _specific(b.scope, a.scope):
                    shared = b.scope
            if level in HELD and (best_hit is None or best(level, best_hit.level) != best_hit.level):
                best_hit = ConflictHit(conflict, p, level, [a, *rest], shared)
        return best_hit


def best_holding(holdings: list[Holding]) -> Holding:
    """The first holding with the best level."""
    chosen = holdings[0]
    for h in holdings[1:]:
        if best(h.level, chosen.level) != chosen.level:
            chosen = h
    return chosen


def _combinations(sides: list[list[Holding]]) -> Iterable[list[Holding]]:
    if not sides:
        yield []
        return
    for h in sides[0]:
        for rest in _combinations(sides[1:]):
            yield [h, *rest]


def _specific(a: str, b: str) -> bool:
    """Is scope `a` more specific than `b`: a resource of the code rather than a container, or
    deeper in a path?"""
    prefixes = ("aws_", "google_", "azurerm_", "azuread_", "kubernetes_")
    code_a = a.startswith(prefixes) and not a.startswith(("google_project.", "google_folder."))
    code_b = b.startswith(prefixes) and not b.startswith(("google_project.", "google_folder."))
    if code_a != code_b:
        return code_a
    return a.count("/") > b.count("/")


def duties_for(ctx: Any) -> Duties:
    """The Duties service of a rule Context, built once per scan (user duties/conflicts from
    `ctx.config`); rules use it as `ctx.duties` would read in DESIGN.md."""
    cached = getattr(ctx, "_sod_duties", None)
    if cached is None:
        config = getattr(ctx, "config", None) or {}
        try:
            ruleset = load_ruleset(config.get("duties"), config.get("conflicts"))
        except RulesetError as exc:
            # the user's duties/conflicts are unusable: say so once (the scan is incomplete,
            # exit 2) and still judge with the default catalog
            errors = getattr(ctx, "errors", None)
            if isinstance(errors, list):
                errors.append(LoadError(path="<config duties/conflicts>", message=str(exc)))
            ruleset = load_ruleset()
        cached = Duties(getattr(ctx, "access", None), ruleset)
        try:
            ctx._sod_duties = cached
        except AttributeError:  # pragma: no cover - a frozen context
            pass
    return cached
