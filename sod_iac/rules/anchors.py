"""Where each rule anchors its findings: the resource types it judges, as data.

Adapters read this instead of keeping their own lists: the Checkov checks answer PASSED on a
judged resource without a finding and UNKNOWN elsewhere (no PASSED noise on unrelated
resources); a finding is FAILED wherever it is anchored. Backends (`terraform.backend.<type>`)
and Atlantis YAML (`atlantis.*`) are not resources and are not listed. Entries are `*`/`?`
globs over the resource type (a data source by its type, e.g. `aws_caller_identity`).
tests/test_scenarios.py checks that every finding of every scenario is anchored on a type
its rule lists here.
"""

from __future__ import annotations

from sod_iac.access import NON_AWS_PRINCIPAL_TYPES
from sod_iac.access.aws_model import PRINCIPAL_TYPES as AWS_PRINCIPAL_TYPES
from sod_iac.access.azure import PRINCIPAL_TYPES as AZURE_PRINCIPAL_TYPES
from sod_iac.access.kubernetes import BINDING_TYPES as KUBERNETES_BINDING_TYPES
from sod_iac.access.kubernetes import SECRET_TYPES as KUBERNETES_SECRET_TYPES
from sod_iac.access.secret_readers_ci import SECRET_TYPES as CI_SECRET_TYPES
from sod_iac.access.secret_readers_vault import SECRET_TYPES as VAULT_SECRET_TYPES
from sod_iac.rules.atlantis_servers import SERVER_TYPES as ATLANTIS_SERVER_TYPES
from sod_iac.util.wildcard import matches

# A principal finding sits on the principal when the code defines it, else on the grant that
# names it: a binding or assignment, or an AWS resource policy (the KMS key policy naming the
# identity running Terraform, data.aws_caller_identity).
PRINCIPALS = frozenset({
    *AWS_PRINCIPAL_TYPES, *NON_AWS_PRINCIPAL_TYPES, *AZURE_PRINCIPAL_TYPES, "aws_caller_identity",
    "aws_kms_key", "aws_kms_key_policy", "aws_s3_bucket_policy", "aws_secretsmanager_secret_policy",
    "google_*_iam_member", "google_*_iam_binding", "google_*_iam_policy",
    "azurerm_role_assignment", "azurerm_key_vault_access_policy", *KUBERNETES_BINDING_TYPES,
    "vault_*_auth_backend_role", "vault_*_auth_backend_group", "vault_*_auth_backend_user",
    "vault_identity_entity", "vault_identity_group", "vault_token",
})
STATE_STORAGE = frozenset({"aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account"})
SECRETS = frozenset({
    "aws_secretsmanager_secret", "aws_ssm_parameter", "google_secret_manager_secret",
    "azurerm_key_vault_secret", *KUBERNETES_SECRET_TYPES, *VAULT_SECRET_TYPES, *CI_SECRET_TYPES,
})
# where an Atlantis server the code deploys is judged (sod_iac.rules.atlantis_servers)
ATLANTIS_SERVERS = frozenset(ATLANTIS_SERVER_TYPES)

ANCHOR_TYPES: dict[str, frozenset[str]] = {
    "SOD101": PRINCIPALS,
    "SOD102": PRINCIPALS,
    "SOD103": PRINCIPALS,
    "SOD104": PRINCIPALS | {"github_repository_environment"},  # an environment its deployer approves
    "SOD105": PRINCIPALS,
    "SOD110": PRINCIPALS,
    "SOD111": PRINCIPALS,
    "SOD120": PRINCIPALS,
    "SOD121": PRINCIPALS,
    "SOD201": STATE_STORAGE,
    "SOD202": frozenset(),  # backends only
    "SOD203": frozenset(),  # backends only
    "SOD204": frozenset({"terraform_remote_state"}),  # and backends
    "SOD205": STATE_STORAGE,  # and backends
    "SOD210": frozenset({"tfe_workspace", "tfe_workspace_settings", "spacelift_stack", "env0_environment"}),
    "SOD211": ATLANTIS_SERVERS,  # and Atlantis YAML
    "SOD212": frozenset({"github_branch_protection", "github_branch_protection_v3", "github_repository_ruleset",
                         "github_organization_ruleset", "gitlab_branch_protection",
                         "azuredevops_branch_policy_min_reviewers"}),
    "SOD213": frozenset({"github_repository_environment", "gitlab_project_protected_environment",
                         "azuredevops_environment"}),
    "SOD214": frozenset({"gitlab_project_level_mr_approvals", "gitlab_group_level_mr_approvals",
                         "gitlab_project_approval_rule"}),
    "SOD215": frozenset({"aws_codepipeline"}),
    "SOD301": SECRETS,
    "SOD302": SECRETS,
    "SOD303": PRINCIPALS,  # the principal that reads every secret
}


def judges(rule_id: str, resource_type: str) -> bool:
    """Does the rule judge resources of this type (may it anchor a finding there)?"""
    return any(matches(pattern, resource_type) for pattern in ANCHOR_TYPES.get(rule_id, ()))
