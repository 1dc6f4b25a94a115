"""Duties and conflicts: which principal holds which duty, on every cloud, from the engines.

The catalog is data (`rulesets/default.yaml`, extended by the user's `duties`/`conflicts`
config); this module validates it and answers, for a principal and a duty, the *holdings*: each
way the principal holds the duty now (a permission on a resource or scope, with a level and the
evidence chain). "Held" follows DESIGN.md: what the principal can do today, not what it could
grant itself (that is SOD110), and unknown values make a holding "possible", never absent.

    duties = Duties(access, load_ruleset(user_duties, user_conflicts))
    duties.held(principal, "key-admin")          # [Evidence] (empty = not held), duty-tagged
    duties.holdings(principal, "secret-read")    # [Holding] with scope and level
    duties.conflict(principal, conflict)         # ConflictHit | None
    duties.full_admin(principal)                 # [Evidence] | None (any cloud)

How each cloud is asked (the engines do the evaluation; nothing is re-implemented here):
- AWS: for each clause, the actions (patterns expanded with the IAM database, or every action
  of the listed access levels) that appear in the principal's statements (own, groups', roles
  it can assume, resource policies naming it) are tried with `AwsAccess.can` on each target:
  every resource of the clause's types in the code plus one "outside the code" ARN pattern
  (`on: any` asks about any resource). Denies, boundaries and role chaining come from the engine.
- GCP, Azure, Kubernetes: the engine's `grants()` at any scope (bindings, role assignments,
  access policies, RBAC bindings).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from sod_iac.access.aws_allow_index import arn_service
from sod_iac.access.aws_read_only import ReadOnlySpec, read_only_actions, unknown_policies
from sod_iac.access.duty_sentence import duty_sentence, granting_statement
from sod_iac.access.graph import HELD, Level, Principal, best, weakest
from sod_iac.access.telling import rank_actions
from sod_iac.core.model import SEVERITY_ORDER, Evidence, unique_evidence
from sod_iac.util.yaml_lines import LineLoader, load_yaml

RULESET_PATH = Path(__file__).resolve().parent.parent / "rulesets" / "default.yaml"
CLOUDS = ("aws", "gcp", "azure", "kubernetes")
SOD111_CLOUDS = frozenset({"aws", "gcp", "azure", "kubernetes"})
"""Clouds whose full administrators (SOD111) and escalating principals (SOD110) are reported by
those rules; SOD101-105 leave such principals to them: a full administrator, or one that can
raise its own privileges, effectively holds every duty (DESIGN.md), and one finding saying so
beats five conflict findings. SOD111 covers every cloud; SOD110 (escalation) only AWS so far."""
AWS_OUTSIDE = {"aws_kms_key": "arn:aws:kms:*:*:key/*", "aws_iam_role": "arn:aws:iam::*:role/*",
               "aws_secretsmanager_secret": "arn:aws:secretsmanager:*:*:secret:*",
               "aws_ssm_parameter": "arn:aws:ssm:*:*:parameter/*", "aws_s3_bucket": "arn:aws:s3:::*"}
AWS_ACCESS_LEVELS = ("Read", "Write", "List", "Tagging", "Permissions management")
AWS_CHANGING_LEVELS = frozenset({"Write", "Tagging", "Permissions management"})
"""Access levels that change something: a clause choosing actions by one of them leaves out the
catalog's read-only actions (`read_only`, see aws_read_only)."""


class RulesetError(ValueError):
    """The duty catalog or a user's duties/conflicts cannot be used; names `file:line`."""


# --------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class AwsClause:
    actions: tuple[str, ...] = ()
    access_levels: tuple[str, ...] = ()
    on: tuple[str, ...] | str = "any"
    not_actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Duty:
    name: str
    title: str = ""
    description: str = ""
    aws: tuple[AwsClause, ...] = ()
    gcp: dict[str, Any] = field(default_factory=dict)
    azure: dict[str, Any] = field(default_factory=dict)
    kubernetes: dict[str, Any] = field(default_factory=dict)

    def clouds(self) -> list[str]:
        return [c for c in CLOUDS if getattr(self, c)]


@dataclass(frozen=True)
class Conflict:
    id: str
    rule: str
    sides: tuple[tuple[str, ...], ...]   # each side: alternatives (any one of them)
    same_resource: bool = False
    outside: str | None = None
    severity: str | None = None
    rationale: str = ""
    references: tuple[str, ...] = ()

    @property
    def duties(self) -> list[str]:
        return [d for side in self.sides for d in side]


@dataclass(frozen=True)
class Ruleset:
    duties: dict[str, Duty]
    conflicts: tuple[Conflict, ...]
    read_only: ReadOnlySpec = ReadOnlySpec()   # AWS actions no changing access level counts

    def conflicts_of(self, rule_id: str) -> list[Conflict]:
        return [c for c in self.conflicts if c.rule == rule_id]

    def aws_actions(self, duty: str) -> frozenset[str]:
        """Every AWS action that gives `duty` (all its clauses, whatever the resource)."""
        return frozenset().union(*(_aws_actions(c, self.read_only) for c in self.duties[duty].aws))


def _where(source: str, entry: Any) -> str:
    """`source:line` of a mapping: `__line__` from the catalogs' LineLoader, `.line` from the
    config's TrackedLineLoader (sod_iac.util.yaml_lines), neither for data built in code."""
    line = getattr(entry, "line", None) or (entry.get("__line__") if isinstance(entry, dict) else None)
    return f"{source}:{line}" if line else source


def _strings(value: Any, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RulesetError(f"{where}: {what} must be a list of strings")
    return tuple(value)


def _parse_duty(name: str, raw: Any, source: str) -> Duty:
    where = _where(source, raw)
    if not isinstance(raw, dict):
        raise RulesetError(f"{where}: duty {name!r} must be a mapping")
    unknown = set(raw) - {"__line__", "title", "description", "name", "id", *CLOUDS}
    if unknown:
        raise RulesetError(f"{where}: duty {name!r}: unknown key(s) {', '.join(sorted(unknown))} "
                           f"(clouds are {', '.join(CLOUDS)})")
    clauses = []
    aws = raw.get("aws")
    if isinstance(aws, dict):
        aws = [aws]
    for clause in aws or []:
        cwhere = _where(source, clause) if isinstance(clause, dict) else where
        if not isinstance(clause, dict):
            raise RulesetError(f"{cwhere}: duty {name!r}: every aws clause must be a mapping")
        extra = set(clause) - {"__line__", "actions", "access_levels", "on", "not_actions"}
        if extra:
            raise RulesetError(f"{cwhere}: duty {name!r}: unknown aws key(s) {', '.join(sorted(extra))}")
        actions = _strings(clause.get("actions"), cwhere, f"duty {name!r} aws actions")
        levels = _strings(clause.get("access_levels"), cwhere, f"duty {name!r} aws access_levels")
        bad = [lvl for lvl in levels if lvl not in AWS_ACCESS_LEVELS]
        if bad:
            raise RulesetError(f"{cwhere}: duty {name!r}: unknown access level {bad[0]!r} "
                               f"(one of {', '.join(AWS_ACCESS_LEVELS)})")
        if not actions and not levels:
            raise RulesetError(f"{cwhere}: duty {name!r}: an aws clause needs actions or access_levels")
        for action in actions:
            if ":" not in action and action != "*":
                raise RulesetError(f"{cwhere}: duty {name!r}: {action!r} is not an IAM action (service:Action)")
        on = clause.get("on", "any")
        if isinstance(on, list):
            on = _strings(on, cwhere, f"duty {name!r} aws on")
        elif on not in ("any", "audit-log-buckets"):
            raise RulesetError(f"{cwhere}: duty {name!r}: `on` is any, audit-log-buckets or a list of types")
        clauses.append(AwsClause(actions, levels, on, _strings(clause.get("not_actions"), cwhere, "not_actions")))
    specs: dict[str, dict[str, Any]] = {}
    allowed = {"gcp": {"permissions", "roles", "changes", "not_permissions"},
               "azure": {"actions", "data_actions", "roles", "changes", "not_actions"},
               "kubernetes": {"rules", "changes", "not_resources"}}
    for cloud in ("gcp", "azure", "kubernetes"):
        spec = raw.get(cloud)
        if spec is None:
            continue
        cwhere = _where(source, spec) if isinstance(spec, dict) else where
        if not isinstance(spec, dict):
            raise RulesetError(f"{cwhere}: duty {name!r}: {cloud} must be a mapping")
        extra = set(spec) - {"__line__"} - allowed[cloud]
        if extra:
            raise RulesetError(f"{cwhere}: duty {name!r}: unknown {cloud} key(s) {', '.join(sorted(extra))}")
        clean: dict[str, Any] = {}
        for key, value in spec.items():
            if key == "__line__":
                continue
            if key == "changes":
                if not isinstance(value, bool):
                    raise RulesetError(f"{cwhere}: duty {name!r}: {cloud}.changes must be true or false")
                clean[key] = value
            elif key == "rules":
                rules = []
                for item in value or []:
                    if not isinstance(item, dict):
                        raise RulesetError(f"{cwhere}: duty {name!r}: kubernetes rules need verbs and resources")
                    rules.append((_strings(item.get("verbs"), cwhere, "verbs"),
                                  _strings(item.get("resources"), cwhere, "resources")))
                clean[key] = tuple(rules)
            else:
                clean[key] = _strings(value, cwhere, f"duty {name!r} {cloud}.{key}")
        specs[cloud] = clean
    return Duty(name=name, title=str(raw.get("title") or name), description=str(raw.get("description") or ""),
                aws=tuple(clauses), **specs)


def _parse_conflict(raw: Any, source: str, duties: dict[str, Duty]) -> Conflict:
    where = _where(source, raw)
    if not isinstance(raw, dict):
        raise RulesetError(f"{where}: every conflict must be a mapping")
    extra = set(raw) - {"__line__", "id", "rule", "duties", "same_resource", "outside", "severity",
                        "rationale", "references"}
    if extra:
        raise RulesetError(f"{where}: conflict {raw.get('id', '?')}: unknown key(s) {', '.join(sorted(extra))}")
    rule = str(raw.get("rule") or "")
    if not re.fullmatch(r"SOD10[1-5]", rule):
        raise RulesetError(f"{where}: conflict {raw.get('id', '?')}: rule must be one of SOD101-SOD105, "
                           f"got {rule or 'nothing'!r}")
    sides = []
    for item in raw.get("duties") or []:
        side = tuple(item) if isinstance(item, list) else (item,)
        for name in side:
            if name not in duties:
                raise RulesetError(f"{where}: conflict {raw.get('id', rule)}: unknown duty {name!r} "
                                   f"(known: {', '.join(sorted(duties))})")
        sides.append(side)
    if len(sides) < 2:
        raise RulesetError(f"{where}: conflict {raw.get('id', rule)}: needs at least two duties")
    outside = raw.get("outside")
    if outside is not None and outside not in duties:
        raise RulesetError(f"{where}: conflict {raw.get('id', rule)}: unknown duty {outside!r} in `outside`")
    severity = raw.get("severity")
    if severity is not None and severity not in SEVERITY_ORDER:
        raise RulesetError(f"{where}: conflict {raw.get('id', rule)}: unknown severity {severity!r}")
    refs = []
    for ref in raw.get("references") or []:
        refs.append(str(ref.get("title") if isinstance(ref, dict) else ref))
    return Conflict(id=str(raw.get("id") or f"{rule}:{'+'.join('|'.join(s) for s in sides)}"), rule=rule,
                    sides=tuple(sides), same_resource=bool(raw.get("same_resource", False)), outside=outside,
                    severity=severity, rationale=str(raw.get("rationale") or "").strip(), references=tuple(refs))


@lru_cache(maxsize=1)
def _default_raw() -> dict:
    try:
        text = RULESET_PATH.read_text(encoding="utf-8")
        data = load_yaml(text, LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{RULESET_PATH}:{mark.line + 1}" if mark is not None else str(RULESET_PATH)
        raise RulesetError(f"{where}: invalid YAML in duty catalog: {getattr(exc, 'problem', None) or exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("duties"), dict):
        raise RulesetError(f"{RULESET_PATH}:1: the duty catalog needs a `duties` mapping")
    return data


def load_ruleset(extra_duties: Any = None, extra_conflicts: Any = None, *, source: str = "config",
                 path: Path | None = None) -> Ruleset:
    """The default catalog (or `path`), plus a user's duties (a mapping name -> duty, or a list
    of duties with `name`) and conflicts (a list). A user duty with an existing name replaces it."""
    if path is not None:
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), LineLoader)
        except (OSError, yaml.YAMLError) as exc:
            raise RulesetError(f"{path}: cannot read duty catalog: {exc}") from exc
        base = str(path)
    else:
        data, base = _default_raw(), str(RULESET_PATH)
    duties: dict[str, Duty] = {}
    for name, raw in (data.get("duties") or {}).items():
        if name == "__line__":
            continue
        duties[name] = _parse_duty(str(name), raw, base)
    if extra_duties:
        items = extra_duties.items() if isinstance(extra_duties, dict) else (
            ((d.get("name") or d.get("id")) if isinstance(d, dict) else None, d) for d in extra_duties)
        for name, raw in items:
            if name == "__line__":
                continue
            if not name:
                raise RulesetError(f"{source}: duties: every duty needs a name")
            duties[str(name)] = _parse_duty(str(name), raw, source)
    conflicts = [_parse_conflict(raw, base, duties) for raw in data.get("conflicts") or []]
    if extra_conflicts:
        if not isinstance(extra_conflicts, list):
            raise RulesetError(f"{source}: conflicts must be a list")
        conflicts += [_parse_conflict(raw, source, duties) for raw in extra_conflicts]
    return Ruleset(duties, tuple(conflicts), _parse_read_only(data.get("read_only"), base))


def _parse_read_only(raw: Any, source: str) -> ReadOnlySpec:
    """The catalog's `read_only` entry (only `aws` so far); none: no action is read-only."""
    if raw is None:
        return ReadOnlySpec()
    where = _where(source, raw)
    aws = raw.get("aws") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or set(raw) - {"__line__", "aws"} or not isinstance(aws, dict):
        raise RulesetError(f"{where}: read_only must be a mapping with an `aws` mapping")
    where = _where(source, aws)
    extra = set(aws) - {"__line__", "policies", "verbs", "exceptions"}
    if extra:
        raise RulesetError(f"{where}: read_only.aws: unknown key(s) {', '.join(sorted(extra))}")
    spec = ReadOnlySpec(_strings(aws.get("policies"), where, "read_only.aws policies"),
                        _strings(aws.get("verbs"), where, "read_only.aws verbs"),
                        _strings(aws.get("exceptions"), where, "read_only.aws exceptions"))
    missing = unknown_policies(spec)
    if missing:
        raise RulesetError(f"{where}: read_only.aws: {', '.join(missing)} not among the bundled AWS-managed "
                           "policies (sod_iac/access/data)")
    return spec


# --------------------------------------------------------------------------- holdings


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
        self._cache: dict[tuple[str | None, ...], list[Holding]] = {}  # (principal, duty, outside[, cut])
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._memo_of: str | None = None
        self._over: dict[str, bool] = {}
        self._code_targets: list[Any] | None = None
        self._targets_by_action: dict[str, list[Any]] = {}
        self._tags: dict[tuple[int, str], tuple[Evidence, Evidence]] = {}
        self._targets_by_types: dict[Any, list[Any]] = {}
        self._clause_candidates: dict[tuple[int, frozenset[str], frozenset[str]], tuple[Any, list[str]]] = {}
        self._written_of: dict[str, frozenset[str]] = {}
        self._written_sets: dict[frozenset[str], frozenset[str]] = {}

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
        return getattr(self.access, cloud, None) if self.access is not None else None

    # --- the questions -----------------------------------------------------------------
    def held(self, principal: Principal | str, duty: str, *, outside: str | None = None) -> list[Evidence]:
        """Evidence (duty-tagged hops) of every way the principal holds the duty now; [] if not."""
        return unique_evidence(e for h in self.holdings(principal, duty, outside=outside) if h.held
                               for e in h.evidence)

    def holdings(self, principal: Principal | str, duty: str, *, outside: str | None = None,
                 until_yes: bool = False) -> list[Holding]:
        """Every way the principal holds the duty, in a fixed order. `until_yes` may stop after
        the first certain holding: enough for whoever takes the first or the best one (the
        first with the best level), and AWS holdings are per resource, so the full list grows
        with principals x resources."""
        p = self.principal(principal)
        if p is None:
            return []
        if duty not in self.ruleset.duties:
            raise KeyError(f"unknown duty {duty!r}")
        key = (p.id, duty, outside)
        if until_yes and key not in self._cache and p.cloud == "aws":
            short = (p.id, duty, outside, "until-yes")
            if short not in self._cache:
                spec = self.ruleset.duties[duty]
                excluded = self.ruleset.duties[outside] if outside else None
                self._cache[short] = self._aws(p.id, spec, excluded, until_yes=True) if spec.aws else []
            return self._cache[short]
        if key not in self._cache:
            spec = self.ruleset.duties[duty]
            excluded = self.ruleset.duties[outside] if outside else None
            found: list[Holding] = []
            if p.cloud == "aws" and spec.aws:
                found = self._aws(p.id, spec, excluded)
            elif p.cloud == "gcp" and spec.gcp:
                found = self._gcp(p.id, spec, excluded)
            elif p.cloud == "azure" and spec.azure:
                found = self._azure(p.id, spec, excluded)
            elif p.cloud == "kubernetes" and spec.kubernetes:
                found = self._kubernetes(p.id, spec, excluded)
            self._cache[key] = found
        return self._cache[key]

    def full_admin(self, principal: Principal | str) -> list[Evidence] | None:
        p = self.principal(principal)
        engine = self.engine(p.cloud) if p is not None else None
        if engine is None or not hasattr(engine, "full_admin"):
            return None
        return engine.full_admin(p.id)

    def over_privileged(self, principal: Principal | str) -> bool:
        """Reported by SOD111 (full administrator) or by a *certain* SOD110 (can escalate): such
        a principal effectively holds every duty (DESIGN.md), so SOD101-105 and SOD303 leave it
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

    def conflict(self, principal: Principal | str, conflict: Conflict) -> ConflictHit | None:
        """Does the principal hold every side of the conflict? The best way, or None."""
        p = self.principal(principal)
        if p is None:
            return None
        if conflict.same_resource and p.cloud == "aws":
            return self._aws_same_resource(p, conflict)
        sides: list[list[Holding]] = []
        for i, side in enumerate(conflict.sides):
            outside = conflict.outside if i > 0 else None
            got = [h for duty in side for h in self.holdings(p, duty, outside=outside,
                                                              until_yes=not conflict.same_resource) if h.held]
            if not got:
                return None
            sides.append(got)
        if not conflict.same_resource:
            chosen = [_best(side) for side in sides]
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
            # AWS holdings are per resource: only the same scope can be the same resource
            others = [index.get(a.scope, []) for index in by_scope] if a.cloud == "aws" else sides[1:]
            best_hit = self._better_hit(best_hit, conflict, p, a, others)
        return best_hit

    def same_resource(self, a: Holding, b: Holding) -> Level:
        """Can the two holdings be on one and the same resource?"""
        if a.scope == b.scope:
            if a.cloud == "aws" and a.scope.startswith("arn:") and "*" in a.scope:
                return "yes" if a.level == "yes" and b.level == "yes" else "no"
            return "yes"
        if a.cloud != b.cloud:
            return "no"
        if a.cloud == "aws":
            return "no"  # holdings are per target: different targets are different resources
        if a.cloud == "gcp":
            return _gcp_overlap(self.engine("gcp"), a.scope, b.scope)
        if a.cloud == "azure":
            azure = self.engine("azure")
            pa, pb = _azure_path(azure, a.scope), _azure_path(azure, b.scope)
            return best(azure.scope_covers(pa, pb), azure.scope_covers(pb, pa))
        if a.cloud == "kubernetes":
            return _k8s_overlap(a.scope, b.scope)
        return "no"

    # --- AWS -----------------------------------------------------------------------------
    def _aws(self, principal: str, spec: Duty, excluded: Duty | None, until_yes: bool = False) -> list[Holding]:
        out: list[Holding] = []
        for holding in self._aws_holdings(principal, spec, excluded):
            out.append(holding)
            if until_yes and holding.level == "yes":
                break
        return out

    def _aws_holdings(self, principal: str, spec: Duty, excluded: Duty | None,
                      scope: str | None = None) -> Iterator[Holding]:
        """The principal's holdings of the duty, clause by clause and target by target, made
        as they are asked for. With `scope`, only those on that scope (targets grouped once
        per clause: see _aws_by_scope)."""
        for clause, candidates in self._aws_clauses(principal, spec, excluded):
            if clause.on == "any":
                # any resource of the kind each action acts on, in the code or outside it (an
                # action never acts on a bucket just because a statement grants `*` on it)
                for held in self._aws_any(principal, spec.name, tuple(candidates)):
                    if scope is None or held.scope == scope:
                        yield held
                continue
            universe = _aws_actions(clause, self.ruleset.read_only)
            if scope is None:
                yield from self._aws_tries(principal, spec.name, candidates, self._aws_targets(clause.on), universe)
            else:
                reached = self._aws_by_scope(principal, universe, clause.on).get(scope, [])
                yield from self._aws_tries(principal, spec.name, candidates, reached, universe, reached=True)

    def _aws_clauses(self, principal: str, spec: Duty,
                     excluded: Duty | None) -> Iterator[tuple[AwsClause, list[str]]]:
        """The duty's clauses with the actions of each that the principal may be allowed."""
        if self.engine("aws") is None:
            return
        reach = self._aws_reachable(principal)
        read_only = self.ruleset.read_only
        not_wanted = frozenset(a for clause in (excluded.aws if excluded else ())
                               for a in _aws_actions(clause, read_only))
        for clause in spec.aws:
            # reach sets are interned (AwsAccess.interned): principals holding the same policies
            # share one, so the ranked candidates are made once per distinct set and written
            # actions (access.telling ranks the principal's own literal actions first)
            written = self._written(principal)
            key = (id(clause), reach, not_wanted, written)
            candidates = self._clause_candidates.get(key)
            if candidates is None or candidates[0] is not clause:
                candidates = self._clause_candidates[key] = (
                    clause, rank_actions((_aws_actions(clause, read_only) & reach) - not_wanted, written))
            if candidates[1]:
                yield clause, candidates[1]

    def _aws_any(self, principal: str, duty: str, candidates: tuple[str, ...]) -> list[Holding]:
        """An `on: any` clause: the first target reached by the first action that reaches one.
        Every candidate is asked, in order, until one answers: no cap, so the answer does not
        depend on how many actions sort before the one that holds (candidates come from
        AwsAccess.reachable_actions, which leaves out what can never answer)."""
        memo = self._per_principal(principal)
        key = ("any", duty, candidates)
        if key not in memo:
            memo[key] = []
            for action in candidates:
                found = self._aws_try(principal, duty, [action], self._any_targets(action), first=True,
                                      universe=frozenset((action,)))
                if found:
                    memo[key] = found
                    break
        return memo[key]

    def _aws_by_scope(self, principal: str, universe: frozenset[str], on: tuple[str, ...] | str) -> dict[str, list[Any]]:
        """The targets of a clause the principal may reach, by the scope a holding on each has."""
        memo = self._per_principal(principal)
        key = ("scoped", universe, on)
        if key not in memo:
            grouped: dict[str, list[Any]] = defaultdict(list)
            for target in self.engine("aws").allows.reached(principal, universe, self._aws_targets(on),
                                                            by_service=True):
                grouped[target.address or target.arn or "*"].append(target)
            memo[key] = grouped
        return memo[key]

    def _per_principal(self, principal: str) -> dict[tuple[Any, ...], Any]:
        """Memos of the lazy same-resource path, for one principal at a time (rules ask about
        principals one after the other): they stay bounded however large the estate."""
        if self._memo_of != principal:
            self._memo, self._memo_of = {}, principal
        return self._memo

    def _aws_same_resource(self, p: Principal, conflict: Conflict) -> ConflictHit | None:
        """conflict() for an AWS principal and a same-resource conflict, made lazily: the first
        side's holdings one by one, each side's other holdings on that holding's scope only
        (AWS holdings are per target: only the same scope can be the same resource), up to
        the first certain hit. The same answer as pairing the full lists, without keeping
        holdings per principal and resource (they grow with principals x resources)."""
        specs = [[(self.ruleset.duties[d], self.ruleset.duties[conflict.outside] if i > 0 and conflict.outside
                   else None) for d in side] for i, side in enumerate(conflict.sides)]
        for side in specs[1:]:
            if not any(True for spec, excluded in side if spec.aws
                       for _ in self._aws_clauses(p.id, spec, excluded)):
                return None  # a side the principal can hold nowhere
        best_hit: ConflictHit | None = None
        firsts = (h for spec, excluded in specs[0] if spec.aws for h in self._aws_holdings(p.id, spec, excluded))
        for a in firsts:
            others = [[h for spec, excluded in side if spec.aws
                       for h in self._aws_holdings(p.id, spec, excluded, scope=a.scope)] for side in specs[1:]]
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

    def _any_targets(self, action: str) -> list[Any]:
        """The resources of the code the action acts on, then its ARN formats (outside)."""
        if action not in self._targets_by_action:
            self._targets_by_action[action] = self._find_any_targets(action)
        return self._targets_by_action[action]

    def _find_any_targets(self, action: str) -> list[Any]:
        aws = self.engine("aws")
        if self._code_targets is None:
            from sod_iac.access.aws import Target
            from sod_iac.access.aws_arns import arn_of

            self._code_targets = [Target(arn, r.address, r.address) for r in aws.project.resources
                                  if r.mode == "managed" and r.type.startswith("aws_") and (arn := arn_of(r))]
        inside = [t for t in self._code_targets if aws.applies_to(action, t)] \
            if _has_formats(action) else []
        return inside + _any_targets(action)

    def _aws_try(self, principal: str, duty: str, actions: list[str], targets: list[Any], *,
                 first: bool = False, universe: frozenset[str] | None = None) -> list[Holding]:
        """One holding per target: the first action the principal may perform on it (with
        `first`, only the first target the principal reaches). `universe`, a superset of
        `actions` shared by every principal, lets the targets be narrowed once for all."""
        out: list[Holding] = []
        for holding in self._aws_tries(principal, duty, actions, targets, universe):
            out.append(holding)
            if first:
                break
        return out

    def _aws_tries(self, principal: str, duty: str, actions: list[str], targets: list[Any],
                   universe: frozenset[str] | None, reached: bool = False) -> Iterator[Holding]:
        """_aws_try's holdings, made one target at a time; `reached`: `targets` are already
        those the principal may reach (AllowIndex.reached)."""
        aws = self.engine("aws")
        by_service: dict[str, list[str]] = {}
        for action in actions:
            by_service.setdefault(action.split(":", 1)[0], []).append(action)
        if not reached:
            targets = aws.allows.reached(principal, universe or frozenset(actions), targets, by_service=True)
        for target in targets:
            service = arn_service(target.arn)
            pool = by_service.get(service, []) if service else actions
            for action in (a for a in pool if aws.applies_to(a, target)):  # every one: no cap
                decision = aws.can(principal, action, target)
                if decision.held:
                    granting = granting_statement(decision.evidence, aws.grants(principal))
                    head = Evidence(address=target.address or principal, duty=duty,
                                    detail=duty_sentence(self.ruleset.duties[duty].title, action, target, granting))
                    hops = (head, *_tag(decision.evidence, duty, self._tags))
                    yield Holding(principal, duty, "aws", action, decision.level,
                                  target.address or target.arn or "*", hops)
                    break

    def aws_first_on(self, principal: str, duty: str, targets: list[Any]) -> Holding | None:
        """The first way an AWS principal holds `duty` on one of `targets` (aws.Target), or None:
        for questions about particular resources (e.g. those of one environment)."""
        spec = self.ruleset.duties[duty]
        if self.engine("aws") is None or not spec.aws or not targets:
            return None
        reach = self._aws_reachable(principal)
        for clause in spec.aws:
            universe = _aws_actions(clause, self.ruleset.read_only)
            candidates = rank_actions(universe & reach, self._written(principal))
            if candidates:
                found = self._aws_try(principal, duty, candidates, targets, first=True, universe=universe)
                if found:
                    return found[0]
        return None

    def _written(self, principal: str) -> frozenset[str]:
        """The actions the principal's Allow statements name literally (lowercased): the most
        telling names for what it holds (access.telling)."""
        written = self._written_of.get(principal)
        if written is None:
            made = frozenset(
                a.lower() for g in self.engine("aws").grants(principal) if g.statement.effect == "Allow"
                for a in g.statement.actions or () if isinstance(a, str) and "*" not in a and "?" not in a)
            # kept for every principal (each rule asks about every principal in turn), and
            # interned: principals holding the same policies share one set
            written = self._written_of[principal] = self._written_sets.setdefault(made, made)
        return written

    def _aws_reachable(self, principal: str) -> frozenset[str]:
        return self.engine("aws").reachable_actions(principal, without_context=True)  # duties fix no request values

    def _aws_targets(self, on: tuple[str, ...] | str) -> list[Any]:
        if on not in self._targets_by_types:
            self._targets_by_types[on] = self._find_aws_targets(on)
        return self._targets_by_types[on]

    def _find_aws_targets(self, on: tuple[str, ...] | str) -> list[Any]:
        from sod_iac.access.aws import Target, resource_targets

        aws = self.engine("aws")
        if on == "audit-log-buckets":
            return _audit_buckets(aws)
        targets = resource_targets(aws.project, on)
        for rtype in on:
            if rtype in AWS_OUTSIDE:
                targets.append(Target(AWS_OUTSIDE[rtype], None, f"any {rtype} outside the code"))
        return targets

    # --- GCP, Azure, Kubernetes ----------------------------------------------------------
    def _gcp(self, principal: str, spec: Duty, excluded: Duty | None) -> list[Holding]:
        gcp = self.engine("gcp")
        if gcp is None:
            return []
        s = spec.gcp
        not_perms = list(s.get("not_permissions", ())) + (list(excluded.gcp.get("permissions", ())) if excluded else [])
        grants = gcp.grants(principal, s.get("permissions", ()), roles=s.get("roles", ()),
                            changes=bool(s.get("changes")), excluded=not_perms)
        return [self._holding(g, spec.name, "gcp") for g in grants]

    def _azure(self, principal: str, spec: Duty, excluded: Duty | None) -> list[Holding]:
        azure = self.engine("azure")
        if azure is None:
            return []
        s = spec.azure
        not_ops = list(s.get("not_actions", ()))
        if excluded:
            not_ops += list(excluded.azure.get("actions", ())) + list(excluded.azure.get("data_actions", ()))
        grants = azure.grants(principal, s.get("actions", ()), s.get("data_actions", ()), roles=s.get("roles", ()),
                              changes=bool(s.get("changes")), excluded=not_ops)
        return [self._holding(g, spec.name, "azure") for g in grants]

    def _kubernetes(self, principal: str, spec: Duty, excluded: Duty | None) -> list[Holding]:
        k8s = self.engine("kubernetes")
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
        return [self._holding(g, spec.name, "kubernetes") for g in out]

    @staticmethod
    def _holding(grant: Any, duty: str, cloud: str) -> Holding:
        return Holding(grant.principal, duty, cloud, grant.permission, grant.level, grant.scope,
                       _tag(grant.evidence, duty))


# --------------------------------------------------------------------------- helpers


@lru_cache(maxsize=1024)
def _aws_actions(clause: AwsClause, read_only: ReadOnlySpec) -> frozenset[str]:
    """The clause's actions. Those chosen by a changing access level leave out `read_only`'s
    actions (DESIGN.md "Read-only means read-only"); those it names are taken as named."""
    from sod_iac.access.aws_actions import access_level, all_actions, expand_action

    actions: set[str] = set()
    for pattern in clause.actions:
        actions |= expand_action(pattern)
    if clause.access_levels:
        changing = AWS_CHANGING_LEVELS.intersection(clause.access_levels)
        reads = read_only_actions(read_only) if changing else frozenset()
        actions |= {a for a in all_actions() if (level := access_level(a)) in clause.access_levels
                    and not (level in changing and a in reads)}
    for pattern in clause.not_actions:
        actions -= expand_action(pattern)
    return frozenset(actions)


def _has_formats(action: str) -> bool:
    from sod_iac.access.aws_actions import resource_arns

    return bool(resource_arns(action))


def _any_targets(action: str) -> list[Any]:
    """Targets standing for "any resource this action acts on": its ARN formats, or `*` for an
    action without resource types (IAM then needs `Resource: "*"` to allow it)."""
    from sod_iac.access.aws import Target
    from sod_iac.access.aws_actions import resource_arns

    formats = resource_arns(action)
    if not formats:
        service = action.split(":", 1)[0]
        return [Target(f"arn:aws:{service}:*:*:*", None, f"any {service} resource")]
    return [Target(f, None, f"any resource {f}") for f in formats]


def _audit_buckets(aws: Any) -> list[Any]:
    """The S3 buckets (and their objects) CloudTrail trails of the code deliver to."""
    from sod_iac.access.aws import Target
    from sod_iac.access.aws_arns import arn_of, bucket_named

    out = []
    for trail in aws.project.by_type("aws_cloudtrail"):
        value = trail.values.get("s3_bucket_name")
        bucket = None
        for address in trail.references.get("s3_bucket_name", []):
            resource = aws.project.resource(address)
            if resource is not None and resource.type == "aws_s3_bucket":
                bucket = resource
        if bucket is None and isinstance(value, str):
            bucket = bucket_named(aws.project, value)
        if bucket is not None:
            arn = arn_of(bucket) or "arn:aws:s3:::*"
            out += [Target(arn, bucket.address, bucket.address), Target(f"{arn}/*", bucket.address, bucket.address)]
        elif isinstance(value, str):
            out += [Target(f"arn:aws:s3:::{value}", None, value), Target(f"arn:aws:s3:::{value}/*", None, value)]
    return out


def _tag(evidence: Iterable[Evidence], duty: str,
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


def _best(holdings: list[Holding]) -> Holding:
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


def _gcp_kind(scope: str) -> str | None:
    if scope.startswith("organizations/"):
        return "organization"
    if scope.startswith(("folders/", "google_folder.")):
        return "folder"
    if scope.startswith(("projects/", "google_project.")) and "/" not in scope[len("projects/"):]:
        return "project"
    return None


def _gcp_overlap(gcp: Any, x: str, y: str) -> Level:
    """Can a GCP grant at scope `x` and one at scope `y` reach one and the same resource?"""
    from sod_iac.access.gcp import Scope

    if x == y:
        return "yes"
    kx, ky = _gcp_kind(x), _gcp_kind(y)
    in_code = lambda s: gcp is not None and gcp.project.resource(s) is not None  # noqa: E731
    if kx is None and ky is None:
        return "no" if in_code(x) and in_code(y) else "possible"
    if kx is not None and ky is not None:
        if kx == ky == "project" and not x.startswith("google_") and not y.startswith("google_"):
            return "no"
        return "possible"
    container, resource = (x, y) if kx is not None else (y, x)
    if not in_code(resource):
        return "possible"
    return gcp.scope_applies(Scope(_gcp_kind(container) or "project", container, container), resource)


def _k8s_overlap(x: str, y: str) -> Level:
    """Kubernetes grant scopes: `cluster`, `namespace:NS`, `namespace:NS/RESOURCE:name,name`."""
    def split(s: str) -> tuple[str | None, set[str] | None]:
        if s == "cluster":
            return None, None
        ns, _, names = s[len("namespace:"):].partition("/")
        return ns, set(names.split(":", 1)[1].split(",")) if names else None
    nx, namesx = split(x)
    ny, namesy = split(y)
    if nx is not None and ny is not None and nx != ny:
        return "no"
    if namesx is not None and namesy is not None and not namesx & namesy:
        return "no"
    return "yes"


def _azure_path(azure: Any, scope: str) -> str:
    resource = azure.project.resource(scope) if azure is not None else None
    return azure.resource_path(resource) if resource is not None else scope


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
            from sod_iac.core.model import LoadError

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


def validate_user_ruleset(duties: Any, conflicts: Any, source: str = "config") -> None:
    """Raise RulesetError (naming `source`) if a user's `duties`/`conflicts` config is unusable;
    for config loading, so a mistake is reported where the config is read."""
    load_ruleset(duties, conflicts, source=source)


__all__ = ["validate_user_ruleset", "Duties", "Duty", "Conflict", "ConflictHit", "Holding", "Ruleset", "RulesetError",
           "load_ruleset", "duties_for", "SOD111_CLOUDS", "CLOUDS"]
