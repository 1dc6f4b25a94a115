"""Principal can grant other principals permissions it does not hold itself

## What it does
Reports each AWS principal that may attach or write policies for other users, roles or groups
(iam:AttachUserPolicy, iam:PutUserPolicy, iam:AttachRolePolicy, iam:PutRolePolicy,
iam:AttachGroupPolicy, iam:PutGroupPolicy), rewrite a customer-managed policy attached to someone
else (iam:CreatePolicyVersion), add users to a group or rewrite a role's trust policy that hold
more than it does (iam:AddUserToGroup, iam:UpdateAssumeRolePolicy), without a condition that bounds
what can be granted. Principals that SOD111 or a certain SOD110 reports are left to those rules.

## Why is this bad?
Whoever may write any policy for another principal decides that principal's permissions, including
ones it does not hold itself: a deploy role allowed `iam:AttachUserPolicy` on every user attaches
AdministratorAccess to a user someone else controls, and no separation of duties between the two
survives. It is not escalation (SOD110): the principal cannot become the target (a role is never a
user), but the access it hands out is as wide as it likes. AWS's own pattern for delegating IAM
administration bounds such grants: a condition on `iam:PermissionsBoundary` makes every user or role
it touches carry a permissions boundary that caps what any policy gives them, and a condition on
`iam:PolicyARN` limits which managed policies may be attached. sod-iac evaluates the grant as AWS
does (explicit Denies, the principal's own permissions boundary, roles it can assume, conditions): a
boundary condition bounds the grant; a policy-ARN condition bounds it unless it admits
AdministratorAccess (a condition naming only other policies is taken as bounded, even if one of them
grants more than the principal holds). A grant on one named role, user, group or policy is lateral to
that one only, and the finding names it. What the principal can do to itself (its own user or role,
roles it can assume, groups it is in, policies attached to it) is SOD110's question; iam:PassRole
and sts:AssumeRole give the principal itself a role's power, so they are SOD110's too.

## Example
```hcl
resource "aws_iam_role_policy" "onboarding" {
  role = aws_iam_role.onboarding.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachUserPolicy", "iam:PutUserPolicy"]
      Resource = "arn:aws:iam::*:user/*"  # any policy on any user
    }]
  })
}
```

## Use instead
```hcl
resource "aws_iam_role_policy" "onboarding" {
  role = aws_iam_role.onboarding.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:AttachUserPolicy"
      Resource = "arn:aws:iam::*:user/*"
      Condition = {
        ArnEquals = { "iam:PolicyARN" = "arn:aws:iam::aws:policy/ReadOnlyAccess" }
      }
    }]
  })
}
```

## How to fix
Grant IAM write actions only with a condition that bounds them: `iam:PermissionsBoundary` naming the
boundary every user or role it manages must carry (with a Deny on removing or changing that
boundary), or `iam:PolicyARN` naming the managed policies it may attach. Scope `Resource` to the
users, roles, groups or policies the principal really administers (a path such as
`arn:aws:iam::*:role/app/*`), and keep unbounded IAM administration to a small, reviewed
administrator role.

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties, AC-6 Least Privilege](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [AWS IAM, Permissions boundaries for IAM entities (delegating responsibility to others)](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html)
- [AWS IAM, Service Authorization Reference: actions, resources and condition keys for IAM](https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html)
- [AWS IAM, Policy evaluation logic](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.access.aws_lateral import LateralFinder, LateralGrant
from sod_iac.core.model import Finding, unique_evidence
from sod_iac.core.wording import PRINCIPALS_NAMED, listing
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.context import Context
from sod_iac.rules.unstated import possible_note, texts_of

ANCHORS = PRINCIPALS


def check(ctx: Context) -> Iterator[Finding]:
    """Whoever may write any policy for someone else decides that one's permissions: the
    access it hands out is not limited by its own."""
    aws = getattr(ctx.access, "aws", None)
    if aws is None:
        return
    finder = LateralFinder(aws)
    for principal in aws.principals():
        if ctx.duties.over_privileged(principal):
            continue  # SOD111 or a certain SOD110 reports it (DESIGN.md "Certain beats possible"),
            # and an administrator's grants reach every principal: not worked out target by target
        grants = finder.grants(principal.id)
        if not grants:
            continue
        evidence = unique_evidence(e for grant in grants for e in grant.evidence)
        message = (f"{principal.label} can grant other principals permissions it does not hold: "
                   f"{'; '.join(_said(grant) for grant in grants)}")
        if all(grant.level == "possible" for grant in grants):
            message += possible_note([*texts_of(evidence), *(t for g in grants for t in g.targets)])
        resource, location = ctx.anchor(principal.id, evidence, principal.location)
        yield ctx.finding("SOD112", resource, message, principal=principal.id,
                          duties=["permissions-admin"], evidence=evidence, location=location)


def _said(grant: LateralGrant) -> str:
    return f"{grant.action} on {listing(grant.targets, PRINCIPALS_NAMED)}"
