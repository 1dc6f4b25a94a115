"""Secret is readable by more principals than allowed

## What it does
Counts the principals that can read each secret (from the access layer's reader sets) and reports a
secret with more readers than its limit.

## Why is this bad?
A secret should be readable only by the workload that uses it. Every extra reader is another
identity whose compromise leaks the secret, and with several readers a leak can no longer be traced
to one consumer. Keeping the reader set to the intended consumer (one, unless configured otherwise)
keeps ownership of the credential clear. A reader is every principal that can get the value: through
identity policies, groups, assumable roles, the secret's resource policy, IAM bindings inherited
from the project or folder, Key Vault access policies or RBAC, Kubernetes role bindings or Vault
policies; on AWS it must also be able to decrypt with the secret's KMS key, as the key policy
allows. Where the code leaves a value unknown, the reader counts as possible: the set is never
smaller than the truth.

## Example
```hcl
data "aws_iam_policy_document" "db_secret" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.app.arn, aws_iam_role.reporting.arn]
    }
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "db_secret" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.app.arn]  # the one role that needs it
    }
  }
}
```

## How to fix
Narrow the secret's resource policy and IAM bindings to the one principal that consumes it (`sod-iac
who-can read ADDRESS` lists every reader and why). If several services really need the same
credential, give each its own secret, or state the intended number: a tag, label or annotation
`sod-iac:max-readers` on the secret, or `rules: {SOD301: {max_readers: N}}` (all secrets) or
`resources: {ADDRESS: {max_readers: N}}` (wildcards allowed) in the sod-iac configuration.

## Options
- `max_readers` (per resource, per rule or top level; default `1`): principals that may read a
  secret.
- `secrets` (per rule or top level; default `{}`): max_readers per secret address (same as
  resources.ADDRESS.max_readers).

## References
- [NIST SP 800-53 Rev. 5 AC-6 Least Privilege](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [AWS Secrets Manager, Authentication and access control](https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access.html)
- [Google Cloud Secret Manager, Access control with IAM](https://cloud.google.com/secret-manager/docs/access-control)
- [Kubernetes, Good practices for Kubernetes Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import BaseModel, Field

from sod_iac.access.secret_model import ReaderSet
from sod_iac.core.model import Finding
from sod_iac.core.wording import PRINCIPALS_NAMED, listing
from sod_iac.rules.anchor_types import SECRETS
from sod_iac.rules.context import Context
from sod_iac.rules.options import PER_RESOURCE
from sod_iac.rules.secret_readers.readers import access_of, allowed_readers, evidence_of
from sod_iac.rules.unstated import possible_note, texts_of

ANCHORS = SECRETS


class Options(BaseModel):
    max_readers: Annotated[int, Field(ge=0)] = Field(
        1, description="principals that may read a secret", json_schema_extra=PER_RESOURCE)
    secrets: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="max_readers per secret address (same as resources.ADDRESS.max_readers)")


def check(ctx: Context) -> Iterator[Finding]:
    """A secret belongs to the workload that uses it: every extra reader is another way to leak it."""
    access = access_of(ctx)
    for secret in access.secrets():
        found: ReaderSet = access.readers(secret)
        if found.public:
            continue  # SOD302 reports the worse variant
        principals = found.principals
        limit = allowed_readers(ctx, secret)
        if len(principals) <= limit:
            continue
        possible = [r for r in found.counted if r.level == "possible"]
        maybe = possible_note(texts_of(evidence_of(ctx, possible)), f"{len(possible)} of them possible") if possible else ""
        message = (f"{secret.address} ({secret.label}) is readable by {len(principals)} principals, "
                   f"more than the {limit} allowed: {listing(principals, PRINCIPALS_NAMED)}{maybe}")
        yield ctx.finding("SOD301", secret.address, message, principals=principals, secret=secret.address,
                          evidence=evidence_of(ctx, found.counted), location=secret.location)
