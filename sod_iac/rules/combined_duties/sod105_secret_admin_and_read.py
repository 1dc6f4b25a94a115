"""Principal both manages a secret and reads its value

## What it does
Reports each principal that manages a secret (sets, rotates or re-permissions it) and can also read
the value of that same secret.

## Why is this bad?
Managing a secret (setting its value, rotating it, changing its access policy) and consuming it are
different jobs. A principal that can both set and read a secret can plant a known credential and use
it, or read a credential and then rotate it to hide that it was exposed. Keeping management separate
from use means every use of a secret is by an identity that could not have chosen or replaced it.

## Example
```hcl
data "aws_iam_policy_document" "app" {
  statement {
    actions = [
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:RotateSecret",
    ]
    resources = [aws_secretsmanager_secret.db.arn]
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "app" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]  # the workload only reads
    resources = [aws_secretsmanager_secret.db.arn]
  }
}

data "aws_iam_policy_document" "secret_admin" {  # attached to a separate admin role
  statement {
    actions   = ["secretsmanager:PutSecretValue", "secretsmanager:RotateSecret"]
    resources = [aws_secretsmanager_secret.db.arn]
  }
}
```

## How to fix
Split secret administration (secretsmanager:PutSecretValue, RotateSecret, PutResourcePolicy,
ssm:PutParameter, roles/secretmanager.admin, Key Vault Secrets Officer) from secret reading
(secretsmanager:GetSecretValue, ssm:GetParameter with decryption,
roles/secretmanager.secretAccessor, Key Vault Secrets User): the workload reads, a separate
administrator or the rotation function manages. The check is per secret. Some management roles also
read: roles/secretmanager.admin includes secretmanager.versions.access and Key Vault Secrets Officer
has `secrets/*`; to manage without reading use roles/secretmanager.secretVersionManager or
secretVersionAdder, or a custom role without getSecret.

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties, AC-6 Least Privilege](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [AWS Secrets Manager, Authentication and access control](https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access.html)
- [Google Cloud Secret Manager, Access control with IAM](https://cloud.google.com/secret-manager/docs/access-control)
- [Azure Key Vault, Provide access with Azure role-based access control](https://learn.microsoft.com/en-us/azure/key-vault/general/rbac-guide)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.duty_conflicts import conflict_findings
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS


def check(ctx: Context) -> Iterator[Finding]:
    """Whoever sets, rotates or re-permissions a secret must not also read it: they could plant
    a known value, or read it and rotate it to hide the exposure. Judged per secret: managing
    one secret and reading another is not this conflict."""
    yield from conflict_findings(ctx, "SOD105", "manages a secret and can also read it")
