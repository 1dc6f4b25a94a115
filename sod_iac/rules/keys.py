"""SOD101: key administration and key use held by one principal (AWS KMS, Cloud KMS, Key Vault)."""

from __future__ import annotations

from typing import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.duty_conflicts import conflict_findings
from sod_iac.rules.registry import Context, rule


@rule("SOD101")
def key_admin_and_user(ctx: Context) -> Iterator[Finding]:
    """Whoever administers a key must not also use it: one person could both unlock and hide.

    Key administration includes changing who may use the key (PutKeyPolicy, setIamPolicy); that
    such an administrator could grant itself use is escalation (SOD110), not this conflict: here
    both duties are held now. Use-only principals (Encrypter/Decrypter, Crypto User) never fire.
    """
    yield from conflict_findings(ctx, "SOD101", "administers encryption keys and also uses them")
