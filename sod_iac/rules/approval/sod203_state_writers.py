"""Terraform state is writable by more principals than the deployers

## What it does
Counts the principals that can write or delete the state objects of each s3, gcs or azurerm backend
and reports a backend with more writers than allowed.

## Why is this bad?
Whoever can write state can change what Terraform believes exists, and state often holds secrets in
plain text. If principals other than the reviewed deploy pipeline can write the state bucket, they
can alter infrastructure records outside review, for example to make Terraform forget or recreate a
resource on the next apply. State writes should follow the same approval path as code changes.

## Example
```hcl
data "aws_iam_policy_document" "state" {
  statement {
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]  # every principal in the account
    }
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "state" {
  statement {
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.deployer.arn]  # only the reviewed pipeline writes state
    }
  }
}
```

## How to fix
Restrict write access (s3:PutObject, s3:DeleteObject, storage.objects.create/delete, storage blob
write, or listKeys while shared key access is on) on the state location to the deploy identity only,
with an explicit bucket policy that denies every other principal (for example Deny with ArnNotEquals
aws:PrincipalArn), and give humans read-only or break-glass access. Intended extra writers can be
declared in the sod-iac config (rules.SOD203.allowed_writers, or max_writers).

## Options
- `max_writers` (per resource, per rule or top level; default `1`): principals that may write
  Terraform state.
- `allowed_writers` (per resource, per rule or top level; default `[]`): principals expected to
  write state (not counted as extra).

## References
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties, CM-5 Access Restrictions for Change](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [Terraform, Sensitive data in state](https://developer.hashicorp.com/terraform/language/state/sensitive-data)
- [Terraform, S3 backend](https://developer.hashicorp.com/terraform/language/settings/backends/s3)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BaseModel, Field

from sod_iac.access.storage import writers as storage_writers
from sod_iac.core.model import Finding, unique_evidence
from sod_iac.core.wording import PRINCIPALS_NAMED, listing
from sod_iac.rules.approval.common import is_set
from sod_iac.rules.approval.state_backends import backend_hop, state_finding, stores
from sod_iac.rules.context import Context
from sod_iac.rules.options import PER_RESOURCE

ANCHORS = frozenset()
BACKENDS = True  # backends only (`terraform.backend.<type>`)


class Options(BaseModel):
    max_writers: Annotated[int, Field(ge=0)] = Field(
        1, description="principals that may write Terraform state", json_schema_extra=PER_RESOURCE)
    allowed_writers: list[str] = Field(
        default_factory=list, description="principals expected to write state (not counted as extra)",
        json_schema_extra=PER_RESOURCE)


def check(ctx: Context) -> Iterator[Finding]:
    """Everyone who can write the state object, beyond the allowed deployers (settings per backend:
    `resources: {terraform.backend.s3: {max_writers: 2}}`)."""
    for store in stores(ctx.project):
        if not is_set(store.name):
            continue
        limit = ctx.option("SOD203", "max_writers", address=store.backend.address)
        allowed = {str(a) for a in ctx.option("SOD203", "allowed_writers", address=store.backend.address)}
        writers = storage_writers(ctx.project, ctx.access, store.target)
        if not writers:
            continue
        extra = _beyond_allowed(writers, allowed, limit)
        if not extra:
            continue
        names = sorted(writers)
        listed = listing([f"{n}{' (possible)' if writers[n][0] == 'possible' else ''}" for n in names],
                         PRINCIPALS_NAMED)
        allowance = (f"allowed writers: {', '.join(sorted(allowed))}" if allowed
                     else f"allowed: {limit}")
        message = (f"State {store.label} ({store.backend.address}) can be written or deleted by "
                   f"{len(names)} principal{'s' if len(names) != 1 else ''} ({allowance}): {listed}. "
                   "Each of them can change recorded state outside the reviewed pipeline.")
        evidence = unique_evidence([backend_hop(store.backend, f"keeps state in {store.label}"),
                                    *(item for name in names for item in writers[name][1])])
        severity = "critical" if "*" in writers or "allUsers" in writers or "allAuthenticatedUsers" in writers else None
        yield state_finding(ctx, "SOD203", store.backend, message, principals=names, evidence=evidence,
                       severity=severity)


def _beyond_allowed(writers: dict[str, Any], allowed: set[str], limit: int) -> list[str]:
    if allowed:
        return [w for w in writers if w not in allowed and not any(w.endswith(f".{a}") or w.endswith(f"/{a}")
                                                                   for a in allowed)]
    return sorted(writers) if len(writers) > limit else []

