"""Principal holds every duty (full administrator)

## What it does
Reports each principal that can perform every action on every resource (AdministratorAccess,
roles/owner, Owner, cluster-admin or an equivalent after expanding wildcards).

## Why is this bad?
A full administrator (Action "*" on "*", AdministratorAccess, roles/owner, Owner on a subscription,
cluster-admin) holds every duty at once: it can change, approve, hide and undo anything. No
separation of duties can hold for such a principal. Standing full administration should be rare,
owned by few people, and used through break-glass procedures rather than by workloads or pipelines.

## Example
```hcl
resource "aws_iam_role_policy_attachment" "deployer_admin" {
  role       = aws_iam_role.deployer.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
```

## Use instead
```hcl
resource "aws_iam_role_policy_attachment" "deployer" {
  role       = aws_iam_role.deployer.name
  policy_arn = aws_iam_policy.deploy_app.arn  # scoped to the services it deploys
}
```

## How to fix
Replace the administrator grant with policies scoped to the services and resources the principal
actually manages. Keep full administration for a small, monitored break-glass role that needs MFA or
just-in-time elevation, and never for CI identities or workloads.

## Options
None.

## References
- CIS Amazon Web Services Foundations Benchmark v1.4.0, 1.16 (no IAM policies with full "*:*" administrative privileges)
- CIS Google Cloud Platform Foundation Benchmark 1.5 (service accounts without admin privileges)
- [NIST SP 800-53 Rev. 5 AC-6 Least Privilege, AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [AWS IAM, Security best practices in IAM](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS


def check(ctx: Context) -> Iterator[Finding]:
    """Holding every action on every resource is every duty at once: nothing is separated."""
    if ctx.access is None:
        return
    for principal in ctx.access.principals():
        evidence = ctx.duties.full_admin(principal)
        if evidence is None:
            continue
        message = (f"{principal.id} can perform every action on every resource "
                   f"({_ADMIN_FORMS.get(principal.cloud, 'every permission')})")
        resource, location = ctx.anchor(principal.id, evidence, principal.location)
        yield ctx.finding("SOD111", resource, message, principal=principal.id,
                          duties=["all"], evidence=evidence, location=location)


_ADMIN_FORMS = {
    "aws": "AdministratorAccess, `*` on `*`, or equivalent after expanding wildcards",
    "gcp": "roles/owner or every permission at organisation, folder or project level",
    "azure": "Owner, or `*` actions at a scope",
    "kubernetes": "cluster-admin or `*` verbs on `*` resources cluster-wide",
}
