"""SOD102: administration of service identities and acting as them, held by one principal."""

from __future__ import annotations

from typing import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.duty_conflicts import conflict_findings
from sod_iac.rules.registry import Context, rule


@rule("SOD102")
def identity_admin_and_user(ctx: Context) -> Iterator[Finding]:
    """Whoever creates or changes service identities must not also act as them, or their
    actions are logged under an identity they shaped (CIS GCP 1.8: serviceAccountAdmin with
    serviceAccountUser/TokenCreator; Managed Identity Contributor with Operator; iam role
    administration with iam:PassRole)."""
    yield from conflict_findings(ctx, "SOD102", "administers service identities and can also act as them")
