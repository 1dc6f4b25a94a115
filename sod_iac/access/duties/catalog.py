"""The duty catalog: what each duty means on each cloud and which duties conflict.

Data (`rulesets/default.yaml`, extended by the user's `duties`/`conflicts` config) validated
into a Ruleset; every mistake is a RulesetError naming `file:line`. Nothing here asks an
engine: the service (duties.service) and the per-cloud evaluators read these types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from sod_iac.access.aws_read_only import ReadOnlySpec, read_only_actions, unknown_policies
from sod_iac.core.model import SEVERITY_ORDER
from sod_iac.util.yaml_lines import LineLoader, load_yaml

RULESET_PATH = Path(__file__).resolve().parent.parent.parent / "rulesets" / "default.yaml"
CLOUDS = ("aws", "gcp", "azure", "kubernetes")
AWS_ACCESS_LEVELS = ("Read", "Write", "List", "Tagging", "Permissions management")
AWS_TARGET_SETS = ("any", "audit-log-buckets", "role-mapped-user-pools")
"""Named sets an AWS clause's `on` may choose instead of a list of types (duties.aws)."""
AWS_CHANGING_LEVELS = frozenset({"Write", "Tagging", "Permissions management"})
"""Access levels that change something: a clause choosing actions by one of them leaves out the
catalog's read-only actions (`read_only`, see aws_read_only)."""


class RulesetError(ValueError):
    """The duty catalog or a user's duties/conflicts cannot be used; names `file:line`."""


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
        return frozenset().union(*(aws_clause_actions(c, self.read_only) for c in self.duties[duty].aws))


@lru_cache(maxsize=1024)
def aws_clause_actions(clause: AwsClause, read_only: ReadOnlySpec) -> frozenset[str]:
    """The clause's actions. Those chosen by a changing access level leave out `read_only`'s
    actions (DESIGN.md "Read-only means read-only"); those it names are taken as named."""
    from sod_iac.access.aws_actions import access_level, all_actions, expand_action  # the IAM data, on first use

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
        elif on not in AWS_TARGET_SETS:
            raise RulesetError(f"{cwhere}: duty {name!r}: `on` is {', '.join(AWS_TARGET_SETS)} or a list of types")
        clauses.append(AwsClause(actions, levels, on, _strings(clause.get("not_actions"), cwhere, "not_actions")))
    specs: dict[str, dict[str, Any]] = {}
    allowed = {"gcp": {"permissions", "roles", "changes", "not_permissions", "group_roles"},
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
    if not re.fullmatch(r"SOD10[1-6]", rule):
        raise RulesetError(f"{where}: conflict {raw.get('id', '?')}: rule must be one of SOD101-SOD106, "
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



def validate_user_ruleset(duties: Any, conflicts: Any, source: str = "config") -> None:
    """Raise RulesetError (naming `source`) if a user's `duties`/`conflicts` config is unusable;
    for config loading, so a mistake is reported where the config is read."""
    load_ruleset(duties, conflicts, source=source)
