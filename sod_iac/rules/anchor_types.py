"""Resource types several rules anchor their findings on, as data (a rule's `ANCHORS`).

Each rule module declares `ANCHORS`, the resource types it judges (from these sets or its own),
and `BACKENDS = True` when it also judges backends (`terraform.backend.<type>`) or Atlantis
YAML (`atlantis.*`), which are not resources. Adapters read them from the registry
(`Rule.anchors`, `Rule.backends`, `Rule.judges`) instead of keeping their own lists: the
Checkov checks answer PASSED on a judged resource without a finding and UNKNOWN elsewhere (no
PASSED noise on unrelated resources); a finding is FAILED wherever it is anchored. Entries are
`*`/`?` globs over the resource type (a data source by its type, e.g. `aws_caller_identity`).
tests/test_scenarios.py checks that every finding of every scenario is anchored on a type its
rule lists.
"""

from __future__ import annotations

from sod_iac.access import NON_AWS_PRINCIPAL_TYPES
from sod_iac.access.aws_model import PRINCIPAL_TYPES as AWS_PRINCIPAL_TYPES
from sod_iac.access.azure import PRINCIPAL_TYPES as AZURE_PRINCIPAL_TYPES
from sod_iac.access.kubernetes_types import BINDING_TYPES as KUBERNETES_BINDING_TYPES
from sod_iac.access.kubernetes_types import SECRET_TYPES as KUBERNETES_SECRET_TYPES
from sod_iac.access.secret_readers_ci import SECRET_TYPES as CI_SECRET_TYPES
from sod_iac.access.secret_readers_vault import SECRET_TYPES as VAULT_SECRET_TYPES

# A principal finding sits on the principal when the code defines it, else on the grant that
# names it: a binding or assignment, or an AWS resource policy (the KMS key policy naming the
# identity running Terraform, data.aws_caller_identity).
PRINCIPALS = frozenset({
    *AWS_PRINCIPAL_TYPES, *NON_AWS_PRINCIPAL_TYPES, *AZURE_PRINCIPAL_TYPES, "aws_caller_identity",
    "aws_kms_key", "aws_kms_key_policy", "aws_s3_bucket_policy", "aws_secretsmanager_secret_policy",
    "google_*_iam_member", "google_*_iam_binding", "google_*_iam_policy",
    "azurerm_role_assignment", "azurerm_key_vault_access_policy", "azuread_directory_role_assignment",
    "azuread_directory_role_member", *KUBERNETES_BINDING_TYPES,
    "vault_*_auth_backend_role", "vault_*_auth_backend_group", "vault_*_auth_backend_user",
    "vault_identity_entity", "vault_identity_group", "vault_token",
})
STATE_STORAGE = frozenset({"aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account"})
SECRETS = frozenset({
    "aws_secretsmanager_secret", "aws_ssm_parameter", "google_secret_manager_secret",
    "azurerm_key_vault_secret", *KUBERNETES_SECRET_TYPES, *VAULT_SECRET_TYPES, *CI_SECRET_TYPES,
})
