"""SOD105: managing a secret and reading that same secret, held by one principal."""

from __future__ import annotations

from typing import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.duty_conflicts import conflict_findings
from sod_iac.rules.registry import Context, rule


@rule("SOD105")
def secret_admin_and_reader(ctx: Context) -> Iterator[Finding]:
    """Whoever sets, rotates or re-permissions a secret must not also read it: they could plant
    a known value, or read it and rotate it to hide the exposure. Judged per secret: managing
    one secret and reading another is not this conflict."""
    yield from conflict_findings(ctx, "SOD105", "manages a secret and can also read it")
