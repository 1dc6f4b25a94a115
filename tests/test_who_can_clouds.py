"""`sod-iac who-can` and `sod-iac access` for GCP permissions, Azure operations and Kubernetes
verbs. Expected answers follow each cloud's documented model (comments), worked by hand."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sod_iac.cli import cli

# GCP IAM: roles/iam.serviceAccountUser holds iam.serviceAccounts.actAs ("Service account
# roles"); a binding on a service account applies to it only, one on a project to every service
# account in the project ("Policy inheritance"). roles/viewer does not hold actAs.
GCP = '''
resource "google_project" "prod" {
  name       = "prod"
  project_id = "acme-prod"
}
resource "google_service_account" "deployer" {
  account_id = "deployer"
  project    = "acme-prod"
}
resource "google_service_account" "ci" {
  account_id = "ci"
  project    = "acme-prod"
}
resource "google_service_account" "app" {
  account_id = "app"
  project    = "acme-staging"
}
resource "google_service_account_iam_member" "ci_acts_as_deployer" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.ci.email}"
}
resource "google_project_iam_member" "alice_acts_as_any" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountUser"
  member  = "user:alice@example.com"
}
resource "google_project_iam_member" "bob_views" {
  project = "acme-prod"
  role    = "roles/viewer"
  member  = "user:bob@example.com"
}
'''

# Azure RBAC: Key Vault Secrets User has the data action secrets/getSecret/action; Owner has
# actions "*" and no data actions ("Azure built-in roles"), so it cannot read a secret's value
# in an RBAC vault, but may change the vault (Microsoft.KeyVault/vaults/write). An assignment
# at a scope applies below it ("Understand scope").
AZURE = '''
resource "azurerm_resource_group" "rg" {
  name     = "rg-prod"
  location = "westeurope"
}
resource "azurerm_key_vault" "kv" {
  name                      = "kv-prod"
  location                  = "westeurope"
  resource_group_name       = azurerm_resource_group.rg.name
  tenant_id                 = "00000000-0000-0000-0000-000000000000"
  sku_name                  = "standard"
  enable_rbac_authorization = true
}
resource "azurerm_key_vault_secret" "db" {
  name         = "db"
  value        = "x"
  key_vault_id = azurerm_key_vault.kv.id
}
resource "azurerm_user_assigned_identity" "app" {
  name                = "app"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.rg.name
}
resource "azurerm_user_assigned_identity" "ops" {
  name                = "ops"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.rg.name
}
resource "azurerm_role_assignment" "app_reads" {
  scope                = azurerm_key_vault.kv.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}
resource "azurerm_role_assignment" "ops_owns" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.ops.principal_id
}
'''

# Kubernetes RBAC: a RoleBinding grants its role only inside the binding's namespace; the
# default ClusterRole `edit` reads secrets ("Default roles and role bindings").
K8S = '''
resource "kubernetes_service_account_v1" "ci" {
  metadata {
    name      = "ci"
    namespace = "prod"
  }
}
resource "kubernetes_secret_v1" "db" {
  metadata {
    name      = "db"
    namespace = "prod"
  }
}
resource "kubernetes_role_v1" "reader" {
  metadata {
    name      = "secret-reader"
    namespace = "prod"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get"]
  }
}
resource "kubernetes_role_binding_v1" "ci_reads" {
  metadata {
    name      = "ci-reads"
    namespace = "prod"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "secret-reader"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "ci"
    namespace = "prod"
  }
}
resource "kubernetes_role_binding_v1" "dev_edits_staging" {
  metadata {
    name      = "dev-edit"
    namespace = "staging"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind = "User"
    name = "dev"
  }
}
'''


@pytest.fixture
def tree(write_tree):
    return write_tree({"gcp.tf": GCP, "azure.tf": AZURE, "k8s.tf": K8S})


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def _allowed(tree, action: str, *resource: str) -> dict[str, dict]:
    result = _invoke("who-can", action, *resource, str(tree), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {row["principal"]: row for row in data["principals"] if row["allowed"]}


# --------------------------------------------------------------------------- GCP


def test_gcp_act_as_on_a_service_account(tree):
    rows = _allowed(tree, "iam.serviceAccounts.actAs", "google_service_account.deployer")
    # ci through the binding on deployer itself; alice through the project binding
    assert set(rows) == {"google_service_account.ci", "user:alice@example.com"}
    hop = rows["google_service_account.ci"]["evidence"][-1]
    assert hop["address"] == "google_service_account_iam_member.ci_acts_as_deployer"
    assert hop["location"] == {"path": "gcp.tf", "start_line": 17, "end_line": 21}  # written without the first blank line


def test_gcp_binding_on_one_account_does_not_reach_another_project(tree):
    # app lives in acme-staging: neither the binding on deployer nor the acme-prod one applies
    assert _allowed(tree, "iam.serviceAccounts.actAs", "google_service_account.app") == {}


def test_gcp_act_as_on_a_project_and_anywhere(tree):
    assert set(_allowed(tree, "iam.serviceAccounts.actAs", "google_project.prod")) == {"user:alice@example.com"}
    assert set(_allowed(tree, "iam.serviceAccounts.actAs")) == {"google_service_account.ci", "user:alice@example.com"}


# --------------------------------------------------------------------------- Azure


def test_azure_data_action_on_a_secret(tree):
    rows = _allowed(tree, "Microsoft.KeyVault/vaults/secrets/getSecret/action", "azurerm_key_vault_secret.db")
    assert set(rows) == {"azurerm_user_assigned_identity.app"}  # Owner has no data actions
    assert rows["azurerm_user_assigned_identity.app"]["evidence"][0]["address"] == "azurerm_role_assignment.app_reads"


def test_azure_control_action_anywhere(tree):
    # Owner's actions "*" cover vaults/write; Key Vault Secrets User has no control actions
    assert set(_allowed(tree, "Microsoft.KeyVault/vaults/write")) == {"azurerm_user_assigned_identity.ops"}
    assert set(_allowed(tree, "Microsoft.KeyVault/vaults/write", "azurerm_key_vault.kv")) == {
        "azurerm_user_assigned_identity.ops"}


# --------------------------------------------------------------------------- Kubernetes


def test_kubernetes_verb_on_an_object_in_a_namespace_and_anywhere(tree):
    assert set(_allowed(tree, "k8s:get:secrets", "kubernetes_secret_v1.db")) == {"kubernetes_service_account_v1.ci"}
    assert set(_allowed(tree, "k8s:get:secrets", "namespace:staging")) == {"User:dev"}
    assert set(_allowed(tree, "k8s:get:secrets")) == {"kubernetes_service_account_v1.ci", "User:dev"}
    # the Role allows only get: nobody may delete the secret
    assert _allowed(tree, "k8s:delete:secrets", "kubernetes_secret_v1.db") == {}


def test_kubernetes_text_answer_has_evidence_lines(tree):
    result = _invoke("who-can", "k8s:get:secrets", "kubernetes_secret_v1.db", str(tree))
    assert result.exit_code == 0, result.output
    assert "Who can k8s:get:secrets on kubernetes_secret_v1.db: 1 principal(s)" in result.output
    assert "↳ kubernetes_role_binding_v1.ci_reads (k8s.tf:" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (("k8s:get:pods", "kubernetes_secret_v1.db"), "kubernetes_secret_v1.db is one of the secrets, not of the pods"),
    (("k8s:get",), "is not a Kubernetes question: say k8s:VERB:RESOURCE"),
    (("iam.serviceAccounts.actAs", "azurerm_key_vault.kv"), "'azurerm_key_vault.kv' is not a gcp resource"),
    (("getSecret",), "'getSecret' is not an action"),
])
def test_questions_that_cannot_be_answered_are_one_line_errors(tree, args, message):
    result = _invoke("who-can", *args, str(tree))
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- access


def test_access_lists_the_roles_of_a_gcp_azure_and_kubernetes_principal(tree):
    def roles(principal):
        result = _invoke("access", principal, str(tree), "--format", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return data["cloud"], [(r["role"], r["scope"]) for r in data["roles"]], data["full_administrator"]

    assert roles("google_service_account.ci") == (
        "gcp", [("roles/iam.serviceAccountUser", "google_service_account.deployer")], False)
    cloud, held, admin = roles("azurerm_user_assigned_identity.ops")
    assert (cloud, [r for r, _ in held], admin) == ("azure", ["Owner"], False)  # a resource group, not a subscription
    assert roles("User:dev") == ("kubernetes", [("ClusterRole/edit", "namespace:staging")], False)


def test_access_text_for_another_cloud_shows_evidence(tree):
    result = _invoke("access", "kubernetes_service_account_v1.ci", str(tree))
    assert result.exit_code == 0, result.output
    assert "Role/prod/secret-reader on namespace:prod" in result.output
    assert "↳ kubernetes_role_binding_v1.ci_reads (k8s.tf:" in result.output
