"""SOD301-SOD303: who can read each secret.

The access layer (sod_iac.access.secrets) computes every secret's reader set with evidence;
these checks only judge it: too many readers, a population for a reader, or one principal
that reads them all.

Setting `max_readers` (Options of sod301_too_many_readers.py), per secret: `resources.ADDRESS.max_readers` (or
`rules.SOD301.secrets.ADDRESS`), else the secret's own tag, label or annotation
`sod-iac:max-readers` (`sod-iac-max-readers` where a colon is not allowed), else
`rules.SOD301.max_readers` / the top level, else 1.
"""

from __future__ import annotations

from sod_iac.access.secret_model import Reader, Secret
from sod_iac.access.secrets import secret_access
from sod_iac.core.model import Evidence, unique_evidence
from sod_iac.rules.context import Context


def access_of(ctx: Context):
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


def evidence_of(ctx: Context, readers: list[Reader]) -> list[Evidence]:
    return unique_evidence(item for reader in readers for item in reader_evidence(ctx, reader))
