"""Shared judgement of SOD101-106: a principal that holds every side of a conflict of the
duty catalog (`rulesets/default.yaml` plus the user's `conflicts`) gets one finding per rule.

- One finding per principal and rule, whatever the number of conflicts, keys or secrets: the
  finding lists the conflicting duties and, in its evidence, the grant behind each (duty-tagged).
- Principals that SOD111 (full administrator) or a *certain* SOD110 (can escalate its own
  privileges) report are left to those rules: such a principal effectively holds every duty
  (DESIGN.md), so a conflict finding would only repeat it. An AWS `*` admin gets SOD111 and no
  SOD101-106. A merely possible escalation hides no conflict ("Certain beats possible"). See
  `Duties.over_privileged`.
- A conflict the principal holds only with the help of the roles its own (possible) SOD110
  escalation becomes (`Duties.escalation_roles`: AWS roles more powerful than it that it may
  assume) restates that escalation: a session of such a role holds every side itself, so the
  conflict is true exactly when the escalation is. SOD110's message names it
  (`restated_conflicts`) and it is not reported here. A conflict held with every side outside
  those roles is true whatever the escalation, and is reported with those holdings only.
- A conflict held only "possibly" (values the code does not state) is reported, and says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from sod_iac.access.duties.catalog import Conflict
from sod_iac.access.duties.service import ConflictHit, Duties, duties_for
from sod_iac.access.graph import Principal
from sod_iac.core.model import Evidence, Finding, Location, unique_evidence, worst_severity
from sod_iac.rules.context import Context
from sod_iac.rules.unstated import possible_note, texts_of


def conflict_findings(ctx: Context, rule_id: str, summary: str) -> Iterator[Finding]:
    """Findings of `rule_id` for every principal holding one of its conflicts."""
    duties = duties_for(ctx)
    conflicts = duties.ruleset.conflicts_of(rule_id)
    if not conflicts:
        return
    for principal in duties.principals():
        held = [(c, hit) for c in conflicts if (hit := duties.conflict(principal, c)) is not None]
        if not held or duties.over_privileged(principal):  # SOD110/SOD111 report it
            continue
        hits = [hit for c, found in held if (hit := judged_conflict(duties, principal, c, found)[0]) is not None]
        if hits:
            yield principal_finding(ctx, duties, rule_id, principal, hits, summary)


def judged_conflict(duties: Duties, principal: Principal, conflict: Conflict,
                    hit: ConflictHit | None) -> tuple[ConflictHit | None, ConflictHit | None]:
    """(the hit to report, the hit the principal's escalation chain restates), given its `hit`
    of the conflict: the conflict held with no session of the chain's roles, else nothing to
    report (SOD110 names it)."""
    roles = duties.escalation_roles(principal) if hit is not None else frozenset()
    if not roles:
        return hit, None
    outside = duties.conflict(principal, conflict, skip=roles)
    return (outside, None) if outside is not None else (None, hit)


def restated_conflicts(ctx: Context, principal_id: str) -> list[ConflictHit]:
    """The conflicts the principal holds only through its escalation chain, catalog order."""
    duties = duties_for(ctx)
    principal = duties.principal(principal_id)
    if principal is None or not duties.escalation_roles(principal):
        return []
    return [restated for c in duties.ruleset.conflicts
            if (restated := judged_conflict(duties, principal, c, duties.conflict(principal, c))[1]) is not None]


def principal_finding(ctx: Context, duties: Duties, rule_id: str, principal: Principal, hits: list[ConflictHit],
                      summary: str) -> Finding:
    evidence = unique_evidence(e for hit in hits for holding in hit.sides for e in holding.evidence)
    parts: list[str] = []
    names: list[str] = []
    for hit in hits:
        for holding in hit.sides:
            if holding.duty not in names:
                names.append(holding.duty)
                parts.append(f"{holding.duty}: {holding.explain()}")
    possible = all(hit.level == "possible" for hit in hits)
    shared = next((hit.resource for hit in hits if hit.resource), None)
    message = f"{principal.label} {summary}"
    if shared:
        message += f" (on {shared})"
    message += f" — {'; '.join(parts)}"
    custom = [hit.conflict.id for hit in hits if hit.conflict.id not in _default_ids(duties, rule_id)]
    if custom:
        message += f" [conflict {', '.join(custom)}]"
    if possible:
        message += possible_note([*texts_of(evidence), *(h.scope for hit in hits for h in hit.sides)])
    severities = [hit.conflict.severity for hit in hits if hit.conflict.severity]
    severity = worst_severity(severities)
    resource, location = anchor(ctx, principal, evidence)
    return ctx.finding(rule_id, resource, message, principal=principal.id, duties=sorted(names),
                       evidence=evidence, location=location, severity=severity)


def anchor(ctx: Context, principal: Principal, evidence: list[Evidence]) -> tuple[str, Location | None]:
    """The finding's anchor (Context.anchor)."""
    return ctx.anchor(principal.id, evidence, principal.location)


def _default_ids(duties: Duties, rule_id: str) -> set[str]:
    return set(_catalog_conflict_ids(rule_id))


@lru_cache(maxsize=64)
def _catalog_conflict_ids(rule_id: str) -> frozenset[str]:
    """The shipped catalog's conflicts of a rule (read once: it is asked per finding)."""
    from sod_iac.access.duties.catalog import load_ruleset

    return frozenset(c.id for c in load_ruleset().conflicts_of(rule_id))
