"""The SoD matrix (`sod-iac matrix`): every principal down the side, every duty of the catalog
across the top, a mark where the principal holds the duty and the conflicts it holds.

Why here and not in a reporter: the matrix's content is a judgement (holdings, levels, conflicts,
suppressions) and reporters only format (ARCHITECTURE.md). It is built on the very path
`sod-iac scan` takes (sod_iac.pipeline.scan): the project's analysis units, one access graph and one
Duties service per unit, the conflict rules run on that Context (so their holdings are
computed once and every cell after them reuses them), SOD121's environments
(rules.combined_duties.environments.environments_changed) and triage (suppress.py) for what is suppressed.

A conflict is *open* unless the finding the scan reports for it on that principal (its rule,
or SOD110/SOD111 for a principal those rules report instead, DESIGN.md "Certain beats
possible", and SOD110 for a conflict held only through a possible escalation's roles) was
found and then dropped by triage (inline ignore, baseline, excluded path, rule not selected).
A conflict no finding stands for stays open: fail secure.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from sod_iac.access import aws_actions
from sod_iac.access.duties.holding import Holding
from sod_iac.access.duties.service import Duties, duties_for
from sod_iac.access.graph import best
from sod_iac.core.model import Evidence, Finding, LoadError, Notice, Project
from sod_iac.pipeline import triage
from sod_iac.pipeline.scan import ScanOptions, judge_project
from sod_iac.rules import registry
from sod_iac.rules.combined_duties.ci_trusts import ci_identities
from sod_iac.rules.combined_duties.duty_conflicts import judged_conflict
from sod_iac.rules.combined_duties.environments import environments_changed
from sod_iac.rules.context import Context
from sod_iac.util.gcpause import paused_gc
from sod_iac.util.wildcard import matches

MATRIX_VERSION = 1
CellLevel = Literal["held", "possible", "not-held"]
OVER_PRIVILEGED_RULES = ("SOD110", "SOD111")
"""Rules that report a principal instead of SOD101-106 (duties.Duties.over_privileged)."""
OTHER_FAMILY = "other"
CLOUD_ORDER = {"aws": 0, "gcp": 1, "azure": 2, "kubernetes": 3}


class MatrixDuty(BaseModel):
    """A column: a duty of the catalog (or the user's), grouped by the conflict it belongs to."""

    name: str
    title: str = ""
    family: str
    """The id of the first catalog conflict naming the duty (`key-admin-and-use`), else `other`."""


class MatrixCell(BaseModel):
    level: CellLevel
    permission: str | None = None
    scope: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    """The hops that grant the duty, those with a file:line first: the statement that grants it."""


class MatrixConflict(BaseModel):
    rule_id: str
    conflict: str
    duties: list[str]
    level: Literal["held", "possible"]
    status: Literal["open", "suppressed"]
    reported_by: str
    """The rule whose finding stands for it: its own, or SOD110/SOD111 for a principal those
    rules report instead (DESIGN.md "Certain beats possible")."""


class MatrixRow(BaseModel):
    principal: str
    label: str
    cloud: str
    kind: str
    unit: str = ""
    environments: list[str] = Field(default_factory=list)
    ci: list[str] = Field(default_factory=list)
    """The CI systems that can obtain the principal's credentials (a CI identity: SOD120's
    trusts, reviewed refs or not), e.g. `GitHub Actions`; empty for any other principal."""
    full_admin: bool = False
    full_admin_evidence: list[Evidence] = Field(default_factory=list)
    """Why the principal holds every duty, said once for the row (its cells say `held`)."""
    members: list[str] = Field(default_factory=list)
    """For a roll-up row (an AWS group): its members, whose cells it sums up."""
    cells: dict[str, MatrixCell] = Field(default_factory=dict)
    conflicts: list[MatrixConflict] = Field(default_factory=list)

    @property
    def open_conflicts(self) -> list[MatrixConflict]:
        return [c for c in self.conflicts if c.status == "open"]


class Matrix(BaseModel):
    version: int = MATRIX_VERSION
    duties: list[MatrixDuty]
    rows: list[MatrixRow]
    errors: list[LoadError] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)
    filters: dict[str, str | bool | None] = Field(default_factory=dict)


class MatrixFilters(BaseModel):
    principal: str | None = None
    duty: str | None = None
    environment: str | None = None
    only_conflicts: bool = False


def build_matrix(paths: Sequence[str | os.PathLike[str]], options: ScanOptions | None = None,
                 filters: MatrixFilters | None = None) -> Matrix:
    """Load the inputs as `scan` does and compute the matrix (then filter it)."""
    from sod_iac.load import load_project

    options = options or ScanOptions()
    aws_actions.use_cache_dir(options.cache_dir)
    project = load_project([str(p) for p in paths], repo_root=str(options.repo_root) if options.repo_root else None,
                           var_files=[str(v) for v in options.var_files], jobs=options.jobs or os.cpu_count() or 1,
                           max_file_size=options.max_file_size, cache_dir=options.cache_dir)
    return filter_matrix(matrix_of_project(project, options), filters or MatrixFilters())


def matrix_of_project(project: Project, options: ScanOptions) -> Matrix:
    """The unfiltered matrix of a loaded project: `scan`'s own judging loop (judge_project)
    runs the conflict rules, and each unit's Context is kept, engines and memoised holdings
    included, so the cells read the holdings those rules computed."""
    units: list[tuple[str, Context, list[Finding]]] = []
    raw, errors, _ = judge_project(project, options, _conflict_rules(options),
                                   on_unit=lambda key, ctx, found: units.append((key, ctx, found)))
    kept = triage.apply(raw, [*project.errors, *errors], project, options.model_copy(update={"new_since": None}))
    open_prints = {f.fingerprint for f in kept.findings}
    rows: list[MatrixRow] = []
    for key, ctx, found in units:
        with paused_gc():
            rows.extend(_unit_rows(ctx, key, found, open_prints))
    rows.sort(key=lambda r: (r.unit, CLOUD_ORDER.get(r.cloud, 9), r.kind == "group", r.principal))
    columns = duty_columns(duties_for(units[0][1]) if units else Duties(None))
    return Matrix(duties=columns, rows=rows, errors=kept.errors, warnings=kept.warnings)


def duty_columns(duties: Duties) -> list[MatrixDuty]:
    """Every duty of the ruleset, grouped by the first conflict naming it, in catalog order."""
    family: dict[str, str] = {}
    for conflict in duties.ruleset.conflicts:
        for duty in conflict.duties:
            family.setdefault(duty, conflict.id)
    order = [c.id for c in duties.ruleset.conflicts] + [OTHER_FAMILY]
    names = list(duties.ruleset.duties)
    columns = [MatrixDuty(name=n, title=duties.ruleset.duties[n].title, family=family.get(n, OTHER_FAMILY))
               for n in names]
    return sorted(columns, key=lambda c: (order.index(c.family), names.index(c.name)))


def _conflict_rules(options: ScanOptions) -> list[registry.Rule]:
    """The rules that judge conflicts of the catalog, plus those reporting over-privileged
    principals instead. Every one runs whatever the selection: a rule the config turns off is
    dropped by triage, so its conflicts show as suppressed, as `scan` would not report them."""
    wanted = {f"SOD10{i}" for i in range(1, 7)} | set(OVER_PRIVILEGED_RULES)
    return [r for r in registry.all_rules() if r.id in wanted and r.implemented]


def _unit_rows(ctx: Context, unit: str, found: list[Finding], open_prints: set[str]) -> list[MatrixRow]:
    duties = duties_for(ctx)
    changed = environments_changed(ctx)
    ci = ci_identities(ctx)
    by_principal: dict[tuple[str, str], list[str]] = {}
    for f in found:
        if f.principal:
            by_principal.setdefault((f.principal, f.rule_id), []).append(f.fingerprint)

    def status(principal: str, rule_ids: Sequence[str]) -> tuple[Literal["open", "suppressed"], str]:
        """Open unless a finding standing for it was found and triage dropped every one."""
        found = [(r, fp) for r in rule_ids for fp in by_principal.get((principal, r), [])]
        suppressed = bool(found) and not any(fp in open_prints for _, fp in found)
        return ("suppressed" if suppressed else "open"), (found[0][0] if found else rule_ids[0])

    rows = []
    for principal in duties.principals():
        row = MatrixRow(principal=principal.id, label=principal.label, cloud=principal.cloud,
                        kind=principal.kind, unit=unit, environments=sorted(changed(principal)),
                        ci=ci.get(principal.id, []))
        admin = duties.full_admin(principal)
        if admin is not None:
            row.full_admin, row.full_admin_evidence = True, _located(admin)
            row.cells = {d: MatrixCell(level="held") for d in duties.ruleset.duties}
            state, by = status(principal.id, ["SOD111"])
            row.conflicts = [MatrixConflict(rule_id="SOD111", conflict="full-administrator",
                                            duties=list(duties.ruleset.duties), level="held",
                                            status=state, reported_by=by)]
        else:
            row.cells = {d: _cell(duties.holdings(principal, d, until_yes=True)) for d in duties.ruleset.duties}
            reporting = OVER_PRIVILEGED_RULES if duties.over_privileged(principal) else None
            for conflict in duties.ruleset.conflicts:
                hit = duties.conflict(principal, conflict)
                if hit is None:
                    continue
                # held only with the help of a possible escalation's roles: SOD110 names it
                restated = reporting is None and judged_conflict(duties, principal, conflict, hit)[1] is not None
                state, by = status(principal.id, reporting or (["SOD110"] if restated else [conflict.rule]))
                row.conflicts.append(MatrixConflict(
                    rule_id=conflict.rule, conflict=conflict.id, duties=conflict.duties,
                    level="possible" if hit.level == "possible" else "held", status=state, reported_by=by))
        rows.append(row)
    rows.extend(_rule_only_rows(duties, unit, found, {r.principal for r in rows}, status))
    rows.extend(_group_rollups(ctx, unit, rows))
    return rows


def _rule_only_rows(duties: Duties, unit: str, found: list[Finding], known: set[str],
                    status: Any) -> list[MatrixRow]:
    """Identities only a rule knows, not an engine (a GitHub team that reviews deployments
    and bypasses branch protection, SOD104): their row holds what their findings say, so
    every conflict the scan reports has its row."""
    rows: dict[str, MatrixRow] = {}
    for f in found:
        who = f.principal or f.resource
        if f.rule_id in OVER_PRIVILEGED_RULES or who in known:
            continue
        row = rows.setdefault(who, MatrixRow(
            principal=who, label=who, cloud=who.split("_", 1)[0] if "_" in who.split(".", 1)[0] else "ci",
            kind=who.split(".", 1)[0].split("_", 1)[-1] if "." in who else "identity", unit=unit,
            cells={d: MatrixCell(level="not-held") for d in duties.ruleset.duties}))
        for duty in f.duties:
            if duty in row.cells:
                evidence = [e for e in f.evidence if e.duty == duty] or list(f.evidence)
                row.cells[duty] = MatrixCell(level="held", evidence=_located(evidence))
        conflict = next((c.id for c in duties.ruleset.conflicts_of(f.rule_id) if set(f.duties) <= set(c.duties)),
                        f.rule_id)
        state, by = status(who, [f.rule_id])
        row.conflicts.append(MatrixConflict(rule_id=f.rule_id, conflict=conflict, duties=list(f.duties),
                                            level="possible" if "(possible" in f.message else "held",
                                            status=state, reported_by=by))
    return list(rows.values())


def _cell(holdings: list[Holding]) -> MatrixCell:
    """The best way the principal holds the duty: `conditional` is held (a condition the
    principal satisfies itself), `possible` is possible, `restricted`/`no` are not held."""
    held = [h for h in holdings if h.held]
    if not held:
        return MatrixCell(level="not-held")
    chosen = held[0]
    for h in held[1:]:
        if best(h.level, chosen.level) != chosen.level:
            chosen = h
    level: CellLevel = "possible" if chosen.level == "possible" else "held"
    return MatrixCell(level=level, permission=chosen.permission, scope=chosen.scope,
                      evidence=_located(chosen.evidence))


def _located(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Hops with a file:line first (the statement that grants), then the rest, in order."""
    return [e for e in evidence if e.location] + [e for e in evidence if not e.location]


_RANK = {"not-held": 0, "possible": 1, "held": 2}


def _group_rollups(ctx: Context, unit: str, rows: list[MatrixRow]) -> list[MatrixRow]:
    """AWS groups: a group cannot act, its members do; its row sums up its members' rows
    (a cell is the strongest of theirs). No conflict is highlighted on it: separation of
    duties is about one identity, and each member's row shows its own."""
    aws = getattr(ctx.access, "aws", None)
    if aws is None:
        return []
    members: dict[str, list[str]] = {g: [] for g, kind in aws.model.kinds.items() if kind == "group"}
    for user, groups in aws.model.groups_of.items():
        for group, _hop in groups:
            if user not in members.setdefault(group, []):
                members[group].append(user)
    by_id = {r.principal: r for r in rows if r.cloud == "aws"}
    out = []
    for group, users in sorted(members.items()):
        rolled = [by_id[u] for u in sorted(users) if u in by_id]
        cells: dict[str, MatrixCell] = {}
        for duty in (rows[0].cells if rows else {}):
            strongest = max((r.cells[duty] for r in rolled), key=lambda c: _RANK[c.level],
                            default=MatrixCell(level="not-held"))
            cells[duty] = strongest
        out.append(MatrixRow(principal=group, label=group, cloud="aws", kind="group", unit=unit,
                             environments=sorted({e for r in rolled for e in r.environments}),
                             full_admin=any(r.full_admin for r in rolled), members=sorted(users), cells=cells))
    return out


def filter_matrix(matrix: Matrix, filters: MatrixFilters) -> Matrix:
    """The rows and columns the filters keep. A conflict stays highlighted when one of its
    duties is a kept column; `--only-conflicts` keeps rows with a highlighted conflict."""
    columns = [d for d in matrix.duties if filters.duty is None or matches(filters.duty, d.name)]
    names = {d.name for d in columns}
    rows = []
    for row in matrix.rows:
        if filters.principal is not None and not (matches(filters.principal, row.principal)
                                                  or matches(filters.principal, row.label)):
            continue
        if filters.environment is not None and filters.environment not in row.environments:
            continue
        conflicts = [c for c in row.conflicts if names.intersection(c.duties)]
        if filters.only_conflicts and not conflicts:
            continue
        rows.append(row.model_copy(update={"cells": {d: c for d, c in row.cells.items() if d in names},
                                           "conflicts": conflicts}))
    return matrix.model_copy(update={"duties": columns, "rows": rows,
                                     "filters": filters.model_dump(exclude_defaults=True)})


def exit_code(matrix: Matrix) -> int:
    """As `scan`: 2 if an input could not be analysed, 1 if a highlighted conflict is held and
    not suppressed, else 0."""
    if matrix.errors:
        return 2
    return 1 if any(row.open_conflicts for row in matrix.rows) else 0


__all__ = ["Matrix", "MatrixCell", "MatrixConflict", "MatrixDuty", "MatrixFilters", "MatrixRow", "build_matrix",
           "duty_columns", "exit_code", "filter_matrix", "matrix_of_project"]
