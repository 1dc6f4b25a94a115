"""SOD103: control over audit logging held together with the power to change things."""

from __future__ import annotations

from typing import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.duty_conflicts import conflict_findings
from sod_iac.rules.registry import Context, rule


@rule("SOD103")
def audit_control_and_change(ctx: Context) -> Iterator[Finding]:
    """Whoever can stop, delete or reconfigure the audit trail must not also change what it
    records. The change must be outside logging itself: a log administrator who can only
    manage logs does not fire; one who can also write infrastructure or permissions does."""
    yield from conflict_findings(ctx, "SOD103", "can tamper with audit logging and can also change resources")
