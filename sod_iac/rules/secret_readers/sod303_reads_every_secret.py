"""Principal can read every secret

## What it does
Reports each principal that can read every secret without a condition or a resource that narrows it,
unless SOD111 or a certain SOD110 already reports it.

## Why is this bad?
A principal that can read all secrets (GetSecretValue or ssm:GetParameter on "*" without a
condition, secretAccessor on a project, folder or organization, a Key Vault secrets role at a
subscription or management group, get, list or watch on Secrets cluster-wide, read on a Vault path
at any mount such as "*" or "+/data/*" that reaches every secret of the code) holds the credentials
of every other principal, including those created later, and can therefore act as any of them. That
undoes every other separation of duties in the environment. A full administrator (SOD111) or a
principal that can certainly escalate its privileges (SOD110) reads every secret too; that finding
is the one reported.

## Example
```hcl
data "aws_iam_policy_document" "ops" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "ops" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.ops_runbook.arn]  # named secrets only
  }
}
```

## How to fix
Scope secret read permissions to the specific secrets (ARNs, secret ids, namespaces, vaults) the
principal consumes. If an administrator truly needs broad access, use a break-glass role with
alerting instead of a standing grant.

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AC-6 Least Privilege, AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [AWS Secrets Manager, Authentication and access control](https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access.html)
- [Kubernetes, Role Based Access Control good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding, unique_evidence
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.context import Context
from sod_iac.rules.secret_readers.readers import access_of

ANCHORS = PRINCIPALS  # the principal that reads every secret


def check(ctx: Context) -> Iterator[Finding]:
    """Whoever reads every secret holds every other principal's credentials. A full
    administrator (SOD111) or a principal that certainly escalates (SOD110) reads them too, and
    that finding already says everything: it is reported once (DESIGN.md "Certain beats possible")."""
    access = access_of(ctx)
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
