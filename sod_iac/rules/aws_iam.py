"""SOD110 (privilege escalation) and SOD111 (full administrator) on AWS principals.

The access layer computes what each principal holds; these checks only judge and explain.
"""

from __future__ import annotations

from typing import Iterator

from sod_iac.access.aws_escalation import EscalationFinder
from sod_iac.model import Evidence, Finding
from sod_iac.rules.registry import Context, rule


def _aws(ctx: Context):
    access = ctx.access
    return getattr(access, "aws", None) if access is not None else None


@rule("SOD110")
def escalation(ctx: Context) -> Iterator[Finding]:
    """A principal that can raise its own privileges holds every duty it can grant itself."""
    aws = _aws(ctx)
    if aws is None:
        return
    finder = EscalationFinder(aws)
    for principal in aws.principals():
        if aws.full_admin(principal.id) is not None:
            continue  # already holds everything: SOD111 reports it, there is nothing to escalate to
        hits = finder.held_paths(principal.id)
        if not hits:
            continue
        evidence: list[Evidence] = []
        for hit in hits:
            evidence.extend(e for e in hit.evidence if e not in evidence)
        first = hits[0]
        how = "; ".join(first.targets) or ", ".join(n.action for n in first.path.requires)
        others = f" (and {len(hits) - 1} more: {', '.join(h.path.id for h in hits[1:])})" if len(hits) > 1 else ""
        possible = " (possible: depends on values the code does not state)" if first.level == "possible" else ""
        message = (f"{principal.id} can escalate its privileges: {first.path.title} "
                   f"[{first.path.id}] via {how}{others}{possible}")
        yield ctx.finding("SOD110", principal.id, message, principal=principal.id,
                          duties=["permissions-admin"], evidence=evidence,
                          location=principal.location)


@rule("SOD111")
def full_administrator(ctx: Context) -> Iterator[Finding]:
    """Holding every action on every resource is every duty at once: nothing is separated."""
    aws = _aws(ctx)
    if aws is None:
        return
    for principal in aws.principals():
        decision = aws.full_admin(principal.id)
        if decision is None:
            continue
        message = (f"{principal.id} can perform every action on every resource "
                   "(AdministratorAccess, `*` on `*`, or equivalent after expanding wildcards)")
        yield ctx.finding("SOD111", principal.id, message, principal=principal.id,
                          duties=["all"], evidence=decision, location=principal.location)
