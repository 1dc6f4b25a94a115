"""Principal both administers and impersonates service identities

## What it does
Reports each principal that both administers service identities (service accounts, managed
identities, IAM roles) and can act as them (impersonate, mint tokens, pass or assume them).

## Why is this bad?
Whoever creates service accounts, managed identities or roles shapes what those identities may do;
whoever can act as them (impersonate, mint tokens, pass or assume them) inherits that access. A
principal holding both can create an identity with broad rights and then use it, so its own actions
are logged under a different name. Separating the duties keeps every privileged action attributable
to the person who took it.

## Example
```hcl
resource "google_project_iam_member" "sa_admin" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountAdmin"
  member  = "user:alice@example.com"
}

resource "google_project_iam_member" "sa_user" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountUser"
  member  = "user:alice@example.com"  # same principal can act as every service account
}
```

## Use instead
```hcl
resource "google_project_iam_member" "sa_admin" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountAdmin"
  member  = "group:identity-admins@example.com"
}

resource "google_service_account_iam_member" "deploy_user" {
  service_account_id = google_service_account.deploy.name  # one account, not all of them
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.ci.email}"
}
```

## How to fix
Grant identity administration (roles/iam.serviceAccountAdmin, iam:CreateRole and iam:PutRolePolicy,
Managed Identity Contributor) and identity use (roles/iam.serviceAccountUser,
roles/iam.serviceAccountTokenCreator, iam:PassRole, Managed Identity Operator, Kubernetes
`impersonate` on serviceaccounts) to different principals, and scope use to the specific identities
a workload needs. Broad roles hold both: GCP roles/editor (iam.serviceAccounts.create and actAs),
Azure Contributor, the Kubernetes `admin`/`edit` roles.

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- CIS Google Cloud Platform Foundation Benchmark 1.8 (separation of duties for service account roles)
- [Google Cloud, Best practices for using service accounts](https://cloud.google.com/iam/docs/best-practices-service-accounts)
- [AWS IAM, Granting a user permissions to pass a role to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.duty_conflicts import conflict_findings
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS


def check(ctx: Context) -> Iterator[Finding]:
    """Whoever creates or changes service identities must not also act as them, or their
    actions are logged under an identity they shaped (CIS GCP 1.8: serviceAccountAdmin with
    serviceAccountUser/TokenCreator; Managed Identity Contributor with Operator; iam role
    administration with iam:PassRole)."""
    yield from conflict_findings(ctx, "SOD102", "administers service identities and can also act as them")
