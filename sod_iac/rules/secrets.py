"""SOD301-SOD303: who can read each secret.

The access layer (sod_iac.access.secrets) computes every secret's reader set with evidence;
these checks only judge it: too many readers, a population for a reader, or one principal
that reads them all.

Setting `max_readers` (sod_iac/core/settings.py), per secret: `resources.ADDRESS.max_readers` (or
`rules.SOD301.secrets.ADDRESS`), else the secret's own tag, label or annotation
`sod-iac:max-readers` (`sod-iac-max-readers` where a colon is not allowed), else
`rules.SOD301.max_readers` / the top level, else 1.
"""

from __future__ import annotations

from typing import Iterator

from sod_iac.access.secret_model import Reader, ReaderSet, Secret
from sod_iac.access.secrets import secret_access
from sod_iac.core.model import Evidence, Finding, unique_evidence
from sod_iac.rules.registry import Context, rule
from sod_iac.rules.unstated import possible_note, texts_of
from sod_iac.core.wording import PRINCIPALS_NAMED, listing

_SCOPE_WORDS = {
    "public": "everyone (the public or any AWS account)",
    "all-authenticated": "every authenticated identity",
    "organisation": "everyone in the organisation",
    "account": "everyone in the account",
    "domain": "everyone in a domain",
    "cluster": "every identity of the cluster",
}


def _access(ctx: Context):
    return secret_access(ctx.project, ctx.access)


def allowed_readers(ctx: Context, secret: Secret) -> int:
    """The reader limit for one secret: config per secret, else its tag/label, else the default."""
    limit = ctx.resource_option("SOD301", "max_readers", secret.address)
    if limit is None:
        limit = secret.limit
    return ctx.option("SOD301", "max_readers") if limit is None else limit


def reader_evidence(ctx: Context, reader: Reader) -> list[Evidence]:
    """One heading hop per reader (where it is declared), then the hops that give it access."""
    declared = ctx.project.resource(reader.principal)
    level = "" if reader.level == "yes" else f" [{reader.level}]"
    members = f" (members in the code: {', '.join(sorted(reader.members))})" if reader.members else ""
    head = Evidence(address=reader.principal, detail=f"reader{level}: {reader.how}{members}",
                    location=declared.location if declared is not None else None)
    return [head, *reader.evidence]


def _evidence(ctx: Context, readers: list[Reader]) -> list[Evidence]:
    return unique_evidence(item for reader in readers for item in reader_evidence(ctx, reader))


@rule("SOD301")
def too_many_readers(ctx: Context) -> Iterator[Finding]:
    """A secret belongs to the workload that uses it: every extra reader is another way to leak it."""
    access = _access(ctx)
    for secret in access.secrets():
        found: ReaderSet = access.readers(secret)
        if found.public:
            continue  # SOD302 reports the worse variant
        principals = found.principals
        limit = allowed_readers(ctx, secret)
        if len(principals) <= limit:
            continue
        possible = [r for r in found.counted if r.level == "possible"]
        maybe = possible_note(texts_of(_evidence(ctx, possible)), f"{len(possible)} of them possible") if possible else ""
        message = (f"{secret.address} ({secret.label}) is readable by {len(principals)} principals, "
                   f"more than the {limit} allowed: {listing(principals, PRINCIPALS_NAMED)}{maybe}")
        yield ctx.finding("SOD301", secret.address, message, principals=principals, secret=secret.address,
                          evidence=_evidence(ctx, found.counted), location=secret.location)


@rule("SOD302")
def readable_by_everyone(ctx: Context) -> Iterator[Finding]:
    """A secret that a whole population can read is exposed: nobody can say who has seen it."""
    access = _access(ctx)
    for secret in access.secrets():
        found = access.readers(secret)
        public = found.public
        if not public:
            continue
        who = listing([f"{_SCOPE_WORDS.get(r.scope or '', r.scope or '')} ({r.principal}: {r.how})"
                       for r in public], PRINCIPALS_NAMED, separator="; ")
        possible = possible_note(texts_of(_evidence(ctx, public))) if all(r.level == "possible" for r in public) else ""
        message = f"{secret.address} ({secret.label}) is readable by {who}{possible}"
        yield ctx.finding("SOD302", secret.address, message,
                          principals=[r.principal for r in public], secret=secret.address,
                          evidence=_evidence(ctx, public), location=secret.location)


@rule("SOD303")
def reads_every_secret(ctx: Context) -> Iterator[Finding]:
    """Whoever reads every secret holds every other principal's credentials. A full
    administrator (SOD111) or a principal that certainly escalates (SOD110) reads them too, and
    that finding already says everything: it is reported once (DESIGN.md "Certain beats possible")."""
    access = _access(ctx)
    by_principal: dict[str, list] = {}
    for hit in access.reads_everything():
        if not ctx.duties.over_privileged(hit.principal):
            by_principal.setdefault(hit.principal, []).append(hit)
    for principal, hits in sorted(by_principal.items()):
        evidence = unique_evidence(e for hit in hits for e in hit.evidence)
        anchor, where = ctx.anchor(principal, evidence)
        what = "; ".join(h.what for h in hits)
        message = f"{principal} can read {what}, without a condition or a resource that narrows it"
        yield ctx.finding("SOD303", anchor, message, principal=principal, evidence=evidence,
                          location=hits[0].location or where)
