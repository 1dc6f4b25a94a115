"""Principal both provisions identities and assigns their access

## What it does
Reports each principal that holds both the identity-provisioning and the entitlement-assignment
duty of the duty catalog: it can create people or group memberships in the identity source
(IAM Identity Center identity store, Cognito user pools, Microsoft Entra ID, Cloud Identity
groups it is OWNER or MANAGER of) and can also decide what access identities get (IAM Identity
Center account assignments and permission sets, Cognito groups that carry an IAM role, Entra
directory role assignments or consent to application permissions, setIamPolicy on a Google
Cloud resource). One finding per principal, with the grant behind each duty in its evidence
(for a Cloud Identity group: the membership, and what the group itself is granted in IAM).

## Why is this bad?
Creating an identity and granting it access are the two halves of joiner provisioning. A principal
that holds both can mint a person, or add one to a group, and give that identity production access
without anyone else taking part: no second look, and the access is used under a name that is not
its own. Keeping the identity source (an HR sync, SCIM) apart from access governance (who gets which
permission set or role) means every new entitlement needs a second, independent actor.

## Example
```hcl
data "aws_iam_policy_document" "joiner" {
  statement {
    actions   = ["identitystore:CreateUser", "identitystore:CreateGroupMembership",
                 "sso:CreateAccountAssignment"]
    resources = ["*"]
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "hr_sync" {  # the identity source: people and memberships
  statement {
    actions   = ["identitystore:CreateUser", "identitystore:CreateGroupMembership"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "access_governance" {  # a separate role: what groups may do
  statement {
    actions   = ["sso:CreateAccountAssignment"]
    resources = ["*"]
  }
}
```

## How to fix
Give identity provisioning (identitystore:CreateUser, CreateGroupMembership,
cognito-idp:AdminCreateUser; Entra User Administrator or Groups Administrator) and entitlement
assignment (sso:CreateAccountAssignment and permission-set changes, cognito-idp:AdminAddUserToGroup
on a pool whose groups carry IAM roles; Entra Privileged Role Administrator, Application or Cloud
Application Administrator, Global Administrator) to different principals. Entra User Administrator
alone is not reported: it can assign users to an application's own app roles
(servicePrincipals/appRoleAssignedTo/update), which is access inside that application, not an
assignment of directory roles or application permissions. On Google Cloud, keep the OWNER and
MANAGER roles of Cloud Identity groups (`google_cloud_identity_group_membership`) away from
principals holding setIamPolicy (roles/storage.admin, secretmanager.admin, projectIamAdmin, ...).
setIamPolicy on a project, folder or organization lets the principal grant itself anything:
SOD110 reports it, and SOD106 does not repeat it. Not judged, because Terraform does not state
them: Google Workspace admin roles (Groups Admin), and a group's creator (with
`initial_group_config = "WITH_INITIAL_OWNER"` the owner is Terraform's own credential).

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AC-2 Account Management, AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [AWS IAM Identity Center, Manage access to AWS accounts](https://docs.aws.amazon.com/singlesignon/latest/userguide/manage-your-accounts.html)
- [Amazon Cognito, Adding groups to a user pool (IAM roles for groups)](https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html)
- [Microsoft Entra built-in roles](https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference)
- [Cloud Identity, Managing memberships for Google Groups (OWNER, MANAGER, MEMBER)](https://cloud.google.com/identity/docs/how-to/memberships-google-groups)
- [Cloud Identity groups.create, InitialGroupConfig](https://cloud.google.com/identity/docs/reference/rest/v1/groups/create)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.duty_conflicts import conflict_findings
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS


def check(ctx: Context) -> Iterator[Finding]:
    """Whoever creates people or group memberships must not also decide their access: one
    principal could mint an identity with production access alone."""
    yield from conflict_findings(ctx, "SOD106", "provisions identities and can also assign their access")
