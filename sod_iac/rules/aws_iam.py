"""SOD110 (privilege escalation) and SOD111 (full administrator), every cloud.

The access layer computes what each principal holds; these checks only judge and explain.
"""

from __future__ import annotations

from typing import Iterator

from sod_iac.core.model import Finding, unique_evidence
from sod_iac.rules.registry import Context, rule
from sod_iac.rules.unstated import possible_note, texts_of


def _engines(ctx: Context) -> list:
    """Every cloud engine of the project; each answers `escalation.held_paths(principal)`."""
    access = ctx.access
    return access.engines() if access is not None and hasattr(access, "engines") else \
        [e for e in (getattr(access, "aws", None),) if e is not None]


@rule("SOD110")
def escalation(ctx: Context) -> Iterator[Finding]:
    """A principal that can raise its own privileges holds every duty it can grant itself."""
    for engine in _engines(ctx):
        yield from _escalations(ctx, engine)


def _escalations(ctx: Context, engine) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    finder = engine.escalation
    for principal in engine.principals():
        if engine.full_admin(principal.id) is not None:
            continue  # already holds everything: SOD111 reports it, there is nothing to escalate to
        hits = finder.held_paths(principal.id)
        if not hits:
            continue
        evidence = unique_evidence(e for hit in hits for e in hit.evidence)
        first = hits[0]
        how = "; ".join(first.targets) or ", ".join(n.action for n in first.path.requires)
        others = f" (and {len(hits) - 1} more: {', '.join(h.path.id for h in hits[1:])})" if len(hits) > 1 else ""
        possible = possible_note([*texts_of(first.evidence), *first.targets]) if first.level == "possible" else ""
        message = (f"{principal.id} can escalate its privileges: {first.path.title} "
                   f"[{first.path.id}] via {how}{others}{possible}")
        resource, location = ctx.anchor(principal.id, evidence, principal.location)
        yield ctx.finding("SOD110", resource, message, principal=principal.id,
                          duties=["permissions-admin"], evidence=evidence, location=location)


@rule("SOD111")
def full_administrator(ctx: Context) -> Iterator[Finding]:
    """Holding every action on every resource is every duty at once: nothing is separated."""
    if ctx.access is None:
        return
    for principal in ctx.access.principals():
        evidence = ctx.duties.full_admin(principal)
        if evidence is None:
            continue
        message = (f"{principal.id} can perform every action on every resource "
                   f"({_ADMIN_FORMS.get(principal.cloud, 'every permission')})")
        resource, location = ctx.anchor(principal.id, evidence, principal.location)
        yield ctx.finding("SOD111", resource, message, principal=principal.id,
                          duties=["all"], evidence=evidence, location=location)


_ADMIN_FORMS = {
    "aws": "AdministratorAccess, `*` on `*`, or equivalent after expanding wildcards",
    "gcp": "roles/owner or every permission at organisation, folder or project level",
    "azure": "Owner, or `*` actions at a scope",
    "kubernetes": "cluster-admin or `*` verbs on `*` resources cluster-wide",
}
