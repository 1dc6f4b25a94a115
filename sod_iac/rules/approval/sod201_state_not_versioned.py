"""Terraform state storage is not versioned

## What it does
Reads the storage each s3, gcs or azurerm backend names (or that the code shows to be state storage)
and reports a bucket or storage account without versioning (on Azure: neither blob versioning nor
soft delete).

## Why is this bad?
Terraform state is the record of what was deployed. Without versioning, anyone who can write the
state object can overwrite or delete it with no history left, which hides out-of-band changes and
makes an accidental or malicious loss unrecoverable. Versioning keeps every prior state, so a
reviewer can see what changed and roll back. State storage is the storage a backend block of the
scan names, or storage the code shows to be state storage when no backend block names it (a module
that creates state storage for others): a bucket that is the only one beside a DynamoDB table whose
hash key is LockID (the S3 backend's lock table), a bucket, storage account or container named for
Terraform state (tfstate, terraform-state, ...; log buckets excepted), or one a
terraform_remote_state data source or a generated backend configuration (local_file with a backend
block, use_lockfile) names; the finding says why it was taken for state storage.

## Example
```hcl
terraform {
  backend "s3" {
    bucket = "acme-tfstate"
    key    = "prod/terraform.tfstate"
    region = "eu-west-1"
  }
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-tfstate"  # no aws_s3_bucket_versioning for this bucket
}
```

## Use instead
```hcl
resource "aws_s3_bucket" "state" {
  bucket = "acme-tfstate"
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}
```

## How to fix
Enable versioning on the state bucket or container (aws_s3_bucket_versioning with status "Enabled",
versioning on the google_storage_bucket, blob versioning on the Azure storage account), and consider
object lock or retention for production state.

## Options
None.

## References
- [Terraform, S3 backend](https://developer.hashicorp.com/terraform/language/settings/backends/s3)
- [Amazon S3, Retaining multiple versions of objects with S3 Versioning](https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html)
- [NIST SP 800-53 Rev. 5 CP-9 System Backup, SI-7 Software, Firmware, and Information Integrity](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.access.storage_model import STORAGE_NAME, attached
from sod_iac.core.model import Evidence, Finding, Project
from sod_iac.rules.anchor_types import STATE_STORAGE
from sod_iac.rules.approval.common import blocks, first, flag, hop, text, unstated
from sod_iac.rules.approval.state_backends import Bucket, buckets, state_finding
from sod_iac.rules.context import Context

ANCHORS = STATE_STORAGE


def check(ctx: Context) -> Iterator[Finding]:
    """State storage without versioning: one write or delete and the history is gone."""
    for bucket in buckets(ctx.project):
        check = {"s3": _s3_versioning, "gcs": _gcs_versioning, "azurerm": _azure_versioning}[bucket.kind]
        verdict = check(ctx.project, bucket)
        if verdict is None:
            continue
        problem, hardening, evidence = verdict
        name = text(bucket.resource.values.get(STORAGE_NAME[bucket.resource.type]))
        message = (f"State storage {bucket.resource.address} ({name}),"
                   f" {bucket.usage()}, is not versioned: {problem}. A write or delete of the "
                   f"state leaves no earlier version to compare with or restore.{hardening}")
        yield state_finding(ctx, "SOD201", bucket.resource, message, evidence=[*bucket.backend_hops(), *evidence])


def _s3_versioning(project: Project, bucket: Bucket) -> tuple[str, str, list[Evidence]] | None:
    resource = bucket.resource
    evidence: list[Evidence] = []
    status_seen = []
    mfa = False
    for versioning in attached(project, resource, "aws_s3_bucket_versioning"):
        config = first(versioning.values.get("versioning_configuration"))
        status = config.get("status")
        if status == "Enabled" or unstated(status):
            return None  # versioned, or stated by a value the code does not know: not judged
        status_seen.append(f'versioning_configuration.status = "{status}"')
        mfa = mfa or config.get("mfa_delete") == "Enabled"
        evidence.append(hop(versioning, f"versioning_configuration.status = \"{status}\""))
    for legacy in blocks(resource.values.get("versioning")):
        enabled = legacy.get("enabled")
        if flag(enabled) is True or unstated(enabled):
            return None
        mfa = mfa or flag(legacy.get("mfa_delete")) is True
        status_seen.append("inline versioning { enabled = false }")
    if status_seen:
        problem = ", ".join(status_seen)
    else:
        problem = "no aws_s3_bucket_versioning with status \"Enabled\" and no inline versioning block"
    lock = bool(attached(project, resource, "aws_s3_bucket_object_lock_configuration")) \
        or flag(resource.values.get("object_lock_enabled")) is True \
        or first(resource.values.get("object_lock_configuration")).get("object_lock_enabled") == "Enabled"
    missing = [name for name, present in (("object lock", lock), ("MFA delete", mfa)) if not present]
    hardening = f" Hardening: also consider {' and '.join(missing)} (not set)." if missing else ""
    return problem, hardening, evidence


def _gcs_versioning(project: Project, bucket: Bucket) -> tuple[str, str, list[Evidence]] | None:
    config = blocks(bucket.resource.values.get("versioning"))
    enabled = config[0].get("enabled") if config else False
    if flag(enabled) is True or unstated(enabled):
        return None
    problem = "versioning { enabled = false }" if config else "no versioning { enabled = true } block"
    retention = first(bucket.resource.values.get("retention_policy"))
    hardening = "" if retention else " Hardening: also consider a retention policy (not set)."
    return problem, hardening, []


def _azure_versioning(project: Project, bucket: Bucket) -> tuple[str, str, list[Evidence]] | None:
    properties = first(bucket.resource.values.get("blob_properties"))
    versioning = properties.get("versioning_enabled")
    retention = first(properties.get("delete_retention_policy"))
    if flag(versioning) is True or retention or unstated(versioning):
        return None
    problem = "blob_properties sets neither versioning_enabled = true nor a delete_retention_policy (soft delete)"
    snapshots = [s.backend.address for s in bucket.stores if flag(s.backend.config.get("snapshot")) is True]
    hardening = (" The backend takes blob snapshots (snapshot = true), but whoever can write the blob can "
                 "delete its snapshots too.") if snapshots else ""
    return problem, hardening, []
