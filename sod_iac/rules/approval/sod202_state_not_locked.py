"""Terraform state is not locked

## What it does
Reports each backend that does not lock state: an s3 backend without use_lockfile or dynamodb_table,
an http backend without lock_address, a consul backend with lock = false.

## Why is this bad?
Without a state lock, two applies can run against the same state at once, for example a reviewed
pipeline run and a manual apply from a laptop. The later write silently replaces the earlier one, so
the recorded state no longer matches what was reviewed or what exists. Locking makes every apply
exclusive and visible to the others.

## Example
```hcl
terraform {
  backend "s3" {
    bucket = "acme-tfstate"
    key    = "prod/terraform.tfstate"
    region = "eu-west-1"
    # neither use_lockfile nor dynamodb_table
  }
}
```

## Use instead
```hcl
terraform {
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "prod/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}
```

## How to fix
Use a backend with locking: for S3 set use_lockfile = true (Terraform 1.10 and later; the older
dynamodb_table is deprecated and reported at low severity until you move); give the http backend a
lock_address and do not set lock = false on consul. GCS, azurerm and HCP Terraform lock natively. Do
not disable locking with -lock=false in pipelines.

## Options
None.

## References
- [Terraform, State locking](https://developer.hashicorp.com/terraform/language/state/locking)
- [Terraform, S3 backend](https://developer.hashicorp.com/terraform/language/settings/backends/s3)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.approval.common import flag, is_set, text, unstated
from sod_iac.rules.approval.state_backends import state_finding
from sod_iac.rules.context import Context

ANCHORS = frozenset()
BACKENDS = True  # backends only (`terraform.backend.<type>`)


def check(ctx: Context) -> Iterator[Finding]:
    """Without a lock, two applies can interleave and the later write silently wins."""
    for backend in ctx.project.backends:
        config = backend.config
        if backend.type == "s3":
            if not is_set(config.get("bucket")):
                continue  # partial configuration: the settings come from -backend-config
            lockfile = flag(config.get("use_lockfile"))
            if lockfile is True or unstated(config.get("use_lockfile")):
                continue
            if is_set(config.get("dynamodb_table")):
                yield state_finding(ctx, "SOD202", backend, (
                    f"{backend.address} locks state with dynamodb_table, which current Terraform deprecates: "
                    "set use_lockfile = true (S3-native lock file, Terraform 1.10+) and remove the table "
                    "once every user has moved."), severity="low")
                continue
            disabled = " (use_lockfile = false)" if lockfile is False else ""
            yield state_finding(ctx, "SOD202", backend, (
                f"{backend.address} keeps state in s3://{text(config.get('bucket'))}/{text(config.get('key'))} "
                f"without a lock{disabled}: neither use_lockfile = true nor dynamodb_table, so two applies "
                "can run at once and the later write replaces the earlier one."))
        elif backend.type == "http":
            if not is_set(config.get("address")):
                continue
            if not is_set(config.get("lock_address")):
                yield state_finding(ctx, "SOD202", backend, (
                    f"{backend.address} has no lock_address: the http backend locks state only when a lock "
                    "endpoint is configured (unless TF_HTTP_LOCK_ADDRESS supplies one at init)."))
        elif backend.type == "consul":
            if flag(config.get("lock")) is False:
                yield state_finding(ctx, "SOD202", backend, f"{backend.address} disables state locking (lock = false).")
