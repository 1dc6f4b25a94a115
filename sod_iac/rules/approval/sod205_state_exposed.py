"""State storage is not encrypted with a managed key or not closed to the public

## What it does
Reports state storage open to the public (public ACLs, wildcard bucket policies, public members or
blob access) or not encrypted with a managed key, and s3 backends that write public ACLs or turn
encryption off.

## Why is this bad?
State contains resource attributes, often including passwords, keys and connection strings. If the
storage is public or not encrypted with a key whose use is itself access-controlled, reading state
bypasses every control placed on the secrets it contains. Encrypting with a customer-managed key
adds a second, independently granted permission to every read. State storage is the storage a
backend block of the scan names, or storage the code shows to be state storage when no backend block
names it (a module that creates state storage for others): a bucket that is the only one beside a
DynamoDB table whose hash key is LockID (the S3 backend's lock table), a bucket, storage account or
container named for Terraform state (tfstate, terraform-state, ...; log buckets excepted), or one a
terraform_remote_state data source or a generated backend configuration (local_file with a backend
block, use_lockfile) names; the finding says why it was taken for state storage.

## Example
```hcl
resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}
```

## Use instead
```hcl
resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.state.arn
    }
  }
}
```

## How to fix
Block public access on the state bucket (aws_s3_bucket_public_access_block with all four settings
true, public_access_prevention = "enforced" on GCS, no public blob access on Azure) and encrypt it
with a customer-managed KMS key (sse_algorithm "aws:kms" with kms_key_id,
encryption.default_kms_key_name, customer-managed keys on the storage account).

## Options
None.

## References
- CIS Amazon Web Services Foundations Benchmark v1.4.0, 2.1.1 (S3 encryption at rest) and 2.1.5 (S3 block public access)
- [Amazon S3, Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
- [Terraform, Sensitive data in state](https://developer.hashicorp.com/terraform/language/state/sensitive-data)
- [NIST SP 800-53 Rev. 5 SC-28 Protection of Information at Rest](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.access.storage import public_access
from sod_iac.access.storage_aws import is_public_acl
from sod_iac.access.storage_model import PublicAccess, attached
from sod_iac.core.model import Evidence, Finding, Project, Resource
from sod_iac.rules.anchor_types import STATE_STORAGE
from sod_iac.rules.approval.common import blocks, first, flag, hop, is_set, managed, names_resource, worst
from sod_iac.rules.approval.state_backends import Bucket, buckets, state_finding, stores
from sod_iac.rules.context import Context

ANCHORS = STATE_STORAGE
BACKENDS = True  # and backends (`terraform.backend.<type>`)

Weaknesses = tuple[list[tuple[str, str]], list[Evidence]]
"""What a storage lacks (problem, severity), and the evidence of its public openings."""


def check(ctx: Context) -> Iterator[Finding]:
    """State storage open to the public or encrypted only with keys nobody grants separately."""
    for bucket in buckets(ctx.project):
        check = {"s3": _s3_exposure, "gcs": _gcs_exposure, "azurerm": _azure_exposure}[bucket.kind]
        weaknesses, evidence = check(ctx.project, bucket, public_access(ctx.project, ctx.access, bucket.target))
        if not weaknesses:
            continue
        message = (f"State storage {bucket.resource.address}, {bucket.usage()}: "
                   + "; ".join(w for w, _ in weaknesses) + ".")
        yield state_finding(ctx, "SOD205", bucket.resource, message, evidence=[*bucket.backend_hops(), *evidence],
                       severity=worst(s for _, s in weaknesses))
    for store in stores(ctx.project):
        if store.kind != "s3":
            continue
        config = store.backend.config
        problems = []
        acl = config.get("acl")
        if is_public_acl(acl) and not public_access(ctx.project, ctx.access, store.target).acls_ignored:
            problems.append((f"acl = \"{acl}\" gives every state object written by the backend a public ACL",
                             "high"))
        if store.resource is None and flag(config.get("encrypt")) is False and not is_set(config.get("kms_key_id")):
            problems.append(("encrypt = false and no kms_key_id: the backend does not ask for encryption with "
                             "a managed key (the bucket is not defined here, so its default encryption is "
                             "unknown)", "medium"))
        if problems:
            yield state_finding(ctx, "SOD205", store.backend, f"{store.backend.address}: "
                           + "; ".join(p for p, _ in problems) + ".", severity=worst(s for _, s in problems))


def _s3_exposure(project: Project, bucket: Bucket, exposure: PublicAccess) -> Weaknesses:
    resource = bucket.resource
    weaknesses: list[tuple[str, str]] = []
    evidence: list[Evidence] = []
    # public grants: a bucket policy for everyone, or a public canned ACL / grant
    policies = exposure.effective("policy")
    if policies:
        weaknesses.append(("its bucket policy allows everyone (Principal \"*\") and no public access block "
                           "restricts it: the state is public", "critical"))
        evidence.extend(e for o in policies for e in o.evidence)
    acls = exposure.effective("acl")
    if acls:
        weaknesses.append(("a public ACL (" + ", ".join(o.what for o in acls) + ") is not ignored by a public "
                           "access block: the state is public", "critical"))
        evidence.extend(e for o in acls for e in o.evidence)
    if not exposure.guards:
        weaknesses.append(("no aws_s3_bucket_public_access_block closes it to the public", "medium"))
    elif exposure.open_guards:
        weaknesses.append(("its public access block leaves " + ", ".join(f"{n} = false" for n in exposure.open_guards),
                           "medium"))
        evidence.extend(hop(b, "public access block") for b in exposure.guards)
    # encryption with a customer-managed KMS key, by default or requested by every backend
    if not _s3_kms_default(project, resource):
        without = [s.backend.address for s in bucket.stores if not is_set(s.backend.config.get("kms_key_id"))]
        if without or not bucket.stores:
            weaknesses.append(("it is not encrypted by default with a customer-managed KMS key (no "
                               "aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "
                               "\"aws:kms\" and kms_master_key_id)" + _and_backends(without, "sets no kms_key_id"),
                               "medium"))
    return weaknesses, evidence


def _s3_kms_default(project: Project, bucket: Resource) -> bool:
    rules = []
    for config in attached(project, bucket, "aws_s3_bucket_server_side_encryption_configuration"):
        rules.extend(blocks(config.values.get("rule")))
    for legacy in blocks(bucket.values.get("server_side_encryption_configuration")):
        rules.extend(blocks(legacy.get("rule")))
    for rule_block in rules:
        default = first(rule_block.get("apply_server_side_encryption_by_default"))
        algorithm = default.get("sse_algorithm")
        if not isinstance(algorithm, str) and algorithm is not None:
            return True  # not stated in the code: not judged
        if algorithm in ("aws:kms", "aws:kms:dsse") and is_set(default.get("kms_master_key_id")):
            return True
    return False


def _gcs_exposure(project: Project, bucket: Bucket, exposure: PublicAccess) -> Weaknesses:
    resource = bucket.resource
    weaknesses: list[tuple[str, str]] = []
    evidence: list[Evidence] = []
    public = exposure.effective("member")
    if public:
        weaknesses.append(("IAM grants it to allUsers/allAuthenticatedUsers: the state is public", "critical"))
        evidence.extend(e for o in public for e in o.evidence)
    if exposure.open_guards:
        weaknesses.append(("public_access_prevention is not \"enforced\"", "medium"))
    kms = first(resource.values.get("encryption")).get("default_kms_key_name")
    if not is_set(kms):
        without = [s.backend.address for s in bucket.stores
                   if not is_set(s.backend.config.get("kms_encryption_key"))
                   and not is_set(s.backend.config.get("encryption_key"))]
        if without or not bucket.stores:
            weaknesses.append(("it has no encryption { default_kms_key_name }"
                               + _and_backends(without, "sets neither kms_encryption_key nor encryption_key"),
                               "medium"))
    return weaknesses, evidence


def _and_backends(backends: list[str], what: str) -> str:
    """' and B1, B2 <what>' for the backends that do not ask for the key themselves ('' when
    no backend block names the storage: its default encryption is all there is)."""
    return f" and {', '.join(sorted(set(backends)))} {what}" if backends else ""


def _azure_exposure(project: Project, bucket: Bucket, exposure: PublicAccess) -> Weaknesses:
    resource = bucket.resource
    weaknesses: list[tuple[str, str]] = []
    evidence: list[Evidence] = []
    name = resource.values.get("name")
    public = exposure.effective("container")
    if public:
        weaknesses.append(("container " + ", ".join(o.what for o in public) + " allows anonymous read "
                           "(container_access_type): the state can be public", "critical"))
        evidence.extend(e for o in public for e in o.evidence)
    if exposure.open_guards:
        weaknesses.append(("allow_nested_items_to_be_public is not false (the provider default is true): "
                           "containers can opt into anonymous access", "medium"))
    cmk = first(resource.values.get("customer_managed_key")) or [
        r for r in managed(project, "azurerm_storage_account_customer_managed_key")
        if names_resource(r, "storage_account_id", resource, [name])]
    if not cmk:
        weaknesses.append(("it is not encrypted with a customer-managed key (no customer_managed_key block or "
                           "azurerm_storage_account_customer_managed_key)", "medium"))
    return weaknesses, evidence
