"""Principal can both tamper with audit logging and change production

## What it does
Reports each principal that can stop, delete or reconfigure audit logging and can also change
infrastructure or permissions outside logging itself.

## Why is this bad?
Audit logs are the independent record of who changed what. A principal that can stop, delete or
reconfigure logging (trails, log sinks, diagnostic settings, the log bucket) and can also change
production can make a change and then erase or prevent the evidence of it. Logging must be
controlled by someone other than the people whose actions it records.

## Example
```hcl
data "aws_iam_policy_document" "deployer" {
  statement {
    actions   = ["ec2:*", "rds:*"]
    resources = ["*"]
  }
  statement {
    actions   = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]
    resources = ["*"]
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "deployer" {
  statement {
    actions   = ["ec2:*", "rds:*"]
    resources = ["*"]
  }
  # CloudTrail is managed by the security account's audit role, not by the deployer
}
```

## How to fix
Remove log-control permissions (cloudtrail:StopLogging, cloudtrail:DeleteTrail,
cloudtrail:UpdateTrail, logging.sinks.delete/update, Microsoft.Insights/diagnosticSettings
write/delete, write access to the log bucket) from deploy and operator principals. Keep them with a
dedicated security or audit role, ideally in a separate log-archive account or project, and protect
them further with an organisation policy or SCP. Only changes outside logging count as the second
duty: a log administrator who can change nothing else is fine. Broad roles combine both: GCP
roles/editor (logging.logs.delete), Azure Contributor.

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AU-9 Protection of Audit Information, AU-9(4) Access by Subset of Privileged Users](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- NIST SP 800-53 Rev. 5 AC-5 Separation of Duties
- CIS Amazon Web Services Foundations Benchmark v1.4.0, 4.5 (alarm on CloudTrail configuration changes)
- [AWS CloudTrail, Validating CloudTrail log file integrity](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html)
- [Google Cloud, Cloud Audit Logs overview](https://cloud.google.com/logging/docs/audit)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.duty_conflicts import conflict_findings
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS


def check(ctx: Context) -> Iterator[Finding]:
    """Whoever can stop, delete or reconfigure the audit trail must not also change what it
    records. The change must be outside logging itself: a log administrator who can only
    manage logs does not fire; one who can also write infrastructure or permissions does."""
    yield from conflict_findings(ctx, "SOD103", "can tamper with audit logging and can also change resources")
