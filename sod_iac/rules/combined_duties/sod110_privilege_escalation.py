"""Principal can escalate its own privileges

## What it does
Asks every cloud engine which escalation paths each principal holds and reports a principal that can
grant itself more privileges, naming the first path and how many more it holds; full administrators
are left to SOD111. A possible escalation through more powerful AWS roles it may assume also names the
conflicts (SOD101-106) it would hold only through those roles: they are left to this finding.

## Why is this bad?
Any separation of duties holds only as long as principals cannot grant themselves the duties they
were denied. Permissions such as creating a new policy version, attaching policies to one's own
role, setting IAM policy on the project, or passing a more privileged role to a service one controls
let a principal become an administrator. Such a principal effectively holds every duty, so it is
judged on everything it can reach, not only what it holds today. sod-iac combines all the
principal's policies (own, groups', permission set, roles it can assume) and a path fires only when
every needed action is allowed on a resource that makes it exploitable (its own policy, a role more
privileged than itself that a service will run with, another user). Explicit Denies, permissions
boundaries and root SCPs are applied. Conditions keep a grant but are judged: a condition the
principal satisfies itself (aws:RequestTag, aws:TagKeys, iam:PassedToService matching the path's
service, request headers) still counts; one it cannot satisfy at will (aws:SourceIp ranges,
aws:SourceVpc, aws:PrincipalOrgID, MFA required, OIDC sub/aud claims, sts:ExternalId) does not
count; one that can never hold (aws:CurrentTime before a past date, contradictory Null tests)
removes the grant; anything else counts as possible. Values the code does not state (an account id,
a variable) make a grant "possible", and the message says so. On GCP, Azure and Kubernetes the paths
are in rulesets/cloud_escalation.yaml: GCP setIamPolicy on an organization, folder or project
(projectIamAdmin, folderIamAdmin, organizationAdmin, iam.securityAdmin), iam.roles.update on a
custom role the member holds, keys, access tokens, signed JWTs/blobs or delegation chains for a more
privileged service account, and actAs (serviceAccountUser, on the project meaning every account of
it) with a way to run code (Compute Engine, Cloud Functions, Cloud Run, Cloud Build, Deployment
Manager); Azure roleAssignments/write where it is held (Owner of a resource group, User Access
Administrator), roleDefinitions/write over a custom role it holds, a more privileged user-assigned
identity it may assign to a VM or web app it can write, and accessPolicies/write on a Key Vault that
uses access policies; Kubernetes bind with create on clusterrolebindings, escalate with update on
clusterroles, impersonate on users or groups, get on nodes/proxy, and creating pods or workloads in,
impersonating or minting tokens (serviceaccounts/token) for a more privileged service account. "More
privileged" means a full administrator or a principal with an escalation path of its own: reaching a
peer with different power is lateral access, not escalation.

## Example
```hcl
resource "aws_iam_role_policy" "ci" {
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:CreatePolicyVersion", "iam:AttachRolePolicy"]
      Resource = "*"
    }]
  })
}
```

## Use instead
```hcl
resource "aws_iam_role_policy" "ci" {
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ecs:UpdateService"]  # what the pipeline needs, no IAM writes
      Resource = aws_ecs_service.app.id
    }]
  })
}
```

## How to fix
Remove the escalation permission (iam:CreatePolicyVersion, iam:Attach*Policy, iam:Put*Policy,
iam:PassRole on broad resources, iam:UpdateAssumeRolePolicy, resourcemanager.projects.setIamPolicy,
Microsoft.Authorization/roleAssignments/write) or scope it so it cannot target the principal itself
or anything more privileged, for example with a permissions boundary and resource ARNs instead of
"*". On GCP grant Token Creator, Service Account User or Key Admin on the one service account needed
(not the project) and never on one more privileged than the grantee; keep organization-level
securityAdmin/organizationAdmin to break-glass identities. On Azure use Role Based Access Control
Administrator with a condition limiting the roles it may assign, and Key Vaults with RBAC
authorization. On Kubernetes do not grant bind, escalate, impersonate or nodes/proxy, and keep
powerful service accounts in namespaces where nobody else creates pods.

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AC-6 Least Privilege, AC-6(10) Prohibit Non-privileged Users from Executing Privileged Functions](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [AWS IAM, Security best practices in IAM](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html)
- [AWS IAM, Granting a user permissions to pass a role to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
- [Google Cloud IAM, Roles for service account authentication](https://cloud.google.com/iam/docs/service-account-permissions)
- [Google Cloud Resource Manager, Access control for organizations with IAM](https://cloud.google.com/resource-manager/docs/access-control-org)
- [Azure RBAC, Delegate Azure role assignment management to others with conditions](https://learn.microsoft.com/en-us/azure/role-based-access-control/delegate-role-assignments-overview)
- [Azure Key Vault, Azure RBAC vs. access policies](https://learn.microsoft.com/en-us/azure/key-vault/general/rbac-access-policy)
- [Kubernetes, Role Based Access Control Good Practices (privilege escalation risks)](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.access.duties.service import duties_for
from sod_iac.core.model import Finding, unique_evidence
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.duty_conflicts import restated_conflicts
from sod_iac.rules.context import Context
from sod_iac.rules.unstated import possible_note, texts_of

ANCHORS = PRINCIPALS


def _engines(ctx: Context) -> list:
    """Every cloud engine of the project; each answers `escalation.held_paths(principal)`."""
    access = ctx.access
    return access.engines() if access is not None and hasattr(access, "engines") else \
        [e for e in (getattr(access, "aws", None),) if e is not None]


def check(ctx: Context) -> Iterator[Finding]:
    """A principal that can raise its own privileges holds every duty it can grant itself."""
    for engine in _engines(ctx):
        yield from _escalations(ctx, engine)


def _escalations(ctx: Context, engine) -> Iterator[Finding]:
    finder = engine.escalation
    for principal in engine.principals():
        if engine.full_admin(principal.id) is not None:
            continue  # already holds everything: SOD111 reports it, there is nothing to escalate to
        hits = finder.held_paths(principal.id)
        if not hits:
            continue
        evidence = unique_evidence(e for hit in hits for e in hit.evidence)
        first = hits[0]
        how = "; ".join(first.targets) or ", ".join(n.action for n in first.path.requires)
        others = f" (and {len(hits) - 1} more: {', '.join(h.path.id for h in hits[1:])})" if len(hits) > 1 else ""
        possible = possible_note([*texts_of(first.evidence), *first.targets]) if first.level == "possible" else ""
        message = (f"{principal.id} can escalate its privileges: {first.path.title} "
                   f"[{first.path.id}] via {how}{others}{_chain_conflicts(ctx, principal.id)}{possible}")
        resource, location = ctx.anchor(principal.id, evidence, principal.location)
        yield ctx.finding("SOD110", resource, message, principal=principal.id,
                          duties=["permissions-admin"], evidence=evidence, location=location)


def _chain_conflicts(ctx: Context, principal: str) -> str:
    """The conflicts held only through the roles this escalation becomes: SOD101-106 leave
    them to this finding (duty_conflicts), so it names them. A certain escalation hides every
    conflict anyway (Duties.over_privileged)."""
    if duties_for(ctx).over_privileged(principal):
        return ""
    hits = restated_conflicts(ctx, principal)
    if not hits:
        return ""
    held = ", ".join(f"{' + '.join(hit.duties)} ({hit.conflict.rule})" for hit in hits)
    return f"; through the stronger roles it may assume it would also hold {held}"
