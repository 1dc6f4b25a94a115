"""Credentials written into a backend configuration

## What it does
Reports each backend block and each terraform_remote_state data source whose configuration writes
credentials into the code (access keys, secrets, tokens, passwords, credential file contents); the
values are never shown.

## Why is this bad?
Credentials in a backend block end up in version control, in the .terraform directory and in plan
files, where everyone with read access to the repository can copy them. Whoever holds them can read
and write state outside any review, and the credentials cannot be attributed to one person or
rotated without touching code.

## Example
```hcl
terraform {
  backend "s3" {
    bucket     = "acme-tfstate"
    key        = "prod/terraform.tfstate"
    region     = "eu-west-1"
    access_key = "AKIAXXXXXXXXXXXXXXXX"
    secret_key = "not-a-real-secret"
  }
}
```

## Use instead
```hcl
terraform {
  backend "s3" {
    bucket = "acme-tfstate"
    key    = "prod/terraform.tfstate"
    region = "eu-west-1"
    # credentials come from the environment or an assumed role, never from code
  }
}
```

## How to fix
Remove access_key, secret_key, token, client_secret, SAS tokens and similar arguments from backend
blocks. Supply credentials from the environment, an instance or workload identity, or OIDC
federation, or pass non-secret settings with -backend-config files that are not committed.

## Options
None.

## References
- [Terraform, Backend configuration (credentials and sensitive data)](https://developer.hashicorp.com/terraform/language/settings/backends/configuration)
- [NIST SP 800-53 Rev. 5 IA-5(7) No Embedded Unencrypted Static Authenticators](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sod_iac.core.model import Finding, Project
from sod_iac.rules.approval.common import first
from sod_iac.rules.approval.state_backends import state_finding
from sod_iac.rules.context import Context

ANCHORS = frozenset({"terraform_remote_state"})
BACKENDS = True  # and backends (`terraform.backend.<type>`)


# Arguments that hold a secret, per backend type (Terraform backend schemas).
CREDENTIAL_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "s3": ("access_key", "secret_key", "token", "sse_customer_key",
           "assume_role_with_web_identity.web_identity_token"),
    "gcs": ("credentials", "access_token", "encryption_key"),
    "azurerm": ("access_key", "sas_token", "client_secret", "client_certificate", "client_certificate_password",
                "oidc_token", "oidc_request_token"),
    "remote": ("token",),
    "cloud": ("token",),
    "http": ("password", "client_private_key_pem"),
    "consul": ("access_token", "http_auth"),
    "kubernetes": ("token", "password", "client_key"),
    "pg": ("conn_str",),
    "oss": ("access_key", "secret_key", "security_token"),
    "cos": ("secret_id", "secret_key", "security_token"),
    "oci": ("private_key", "private_key_password"),
}
# Arguments that take a file path or the contents themselves (Terraform reads either).
PATH_OR_CONTENT = {("gcs", "credentials"), ("gcs", "encryption_key")}


def check(ctx: Context) -> Iterator[Finding]:
    """Credentials in a backend block end up in version control and in every plan."""
    for backend in ctx.project.backends:
        found = _credentials(ctx.project, backend.type, backend.config, backend.module_dir)
        if found:
            yield state_finding(ctx, "SOD204", backend, (
                f"{backend.address} writes credentials into its configuration: {', '.join(found)} "
                "(values not shown). Anyone who can read the repository can use them to read and write "
                "state outside review; supply them from the environment or a workload identity instead."))
    for source in ctx.project.resources:
        if source.type != "terraform_remote_state" or source.mode != "data":
            continue
        btype = source.values.get("backend")
        config = source.values.get("config")
        if isinstance(btype, str) and isinstance(config, dict):
            found = _credentials(ctx.project, btype, config, source.module_dir)
            if found:
                yield ctx.finding("SOD204", source.address, (
                    f"{source.address} writes credentials into its {btype} backend configuration: "
                    f"{', '.join(found)} (values not shown)."))


def _credentials(project: Project, btype: str, config: dict[str, Any], module_dir: str = "") -> list[str]:
    found = []
    for path in CREDENTIAL_ARGUMENTS.get(btype, ()):
        value: Any = config
        for step in path.split("."):
            value = first(value).get(step) if isinstance(value, (list, dict)) else None
        if not isinstance(value, str) or not value.strip():
            continue  # absent, or not stated in the code (supplied at init)
        if (btype, path) in PATH_OR_CONTENT and not _is_content(value):
            if not project.has_local_file(module_dir, value):
                continue  # a path outside the scanned tree: the file itself is not in the code
            found.append(f"{path} (a key file inside the repository)")
            continue
        if btype == "consul" and path == "http_auth" and ":" not in value:
            continue  # a user name only
        if btype == "pg" and path == "conn_str" and not _has_password(value):
            continue
        found.append(path)
    return found


def _is_content(value: str) -> bool:
    stripped = value.strip()
    return stripped.startswith("{") or ("/" not in stripped and "\\" not in stripped
                                        and not stripped.endswith((".json", ".key", ".pem", ".txt")))


def _has_password(conn: str) -> bool:
    import re

    return bool(re.search(r"://[^/@:]+:[^/@]+@", conn) or re.search(r"(?i)\bpassword\s*=", conn))
