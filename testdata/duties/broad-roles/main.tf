# Broad built-in roles, and which rule speaks for them (duties are permissions, so a broad
# role holds every duty its permissions give; one finding per principal per rule).
#
# Proves:
#   - AWS `admin` (AdministratorAccess: `*` on `*`) is reported by SOD111 only: it holds every
#     duty (DESIGN.md), so SOD101-105 leave it to that rule instead of adding five findings.
#   - AWS `power_user` (PowerUserAccess) can run code as roles in use, but no such role is in
#     the code: a *possible* escalation (SOD110), which never hides a certain conflict
#     (DESIGN.md "Certain beats possible"). It holds kms:*, cloudtrail:* and every other
#     write, codepipeline:* and secretsmanager:* for certain: SOD101, SOD103, SOD104, SOD105.
#     Its NotAction leaves out only iam:*, organizations:* and account:*, so identitystore:*
#     and sso:* too: SOD106 (it can create Identity Center users and assign them accounts).
#   - GCP roles/editor (per its published permissions: iam.serviceAccounts.create and actAs,
#     logging.logs.delete and thousands of changes, clouddeploy.rollouts.approve and
#     releases.create) gives SOD102, SOD103 and SOD104. It holds key administration
#     (cryptoKeys.create) but no key use, and secret versions.add but not versions.access:
#     no SOD101, no SOD105.
#   - Azure Contributor (`*` minus authorization writes) gives SOD102 (identities: write and
#     assign) and SOD103 (diagnostic settings and every other write); it has no data actions,
#     so no key use or secret read: no SOD101, no SOD105. RBAC grants no Entra directory
#     permission (users, directory roles): no SOD106.
#   - Kubernetes `edit` (per the default user-facing roles: read/write Secrets and
#     ServiceAccounts, impersonate ServiceAccounts) gives SOD102 and SOD105.
#   - Read-only roles (GCP roles/viewer, Azure Reader, Kubernetes view) give nothing.
resource "aws_iam_user" "admin" {
  name = "admin"
}

resource "aws_iam_user_policy_attachment" "admin" {
  user       = aws_iam_user.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "power_user" {
  name = "power-user"
}

resource "aws_iam_user_policy_attachment" "power_user" {
  user       = aws_iam_user.power_user.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

resource "google_project_iam_member" "editor" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = "user:editor@example.com"
}

resource "google_project_iam_member" "viewer" {
  project = "acme-prod"
  role    = "roles/viewer"
  member  = "user:viewer@example.com"
}

resource "azurerm_resource_group" "rg" {
  name     = "apps"
  location = "westeurope"
}

resource "azuread_group" "contributors" {
  display_name     = "contributors"
  security_enabled = true
}

resource "azuread_group" "readers" {
  display_name     = "readers"
  security_enabled = true
}

resource "azurerm_role_assignment" "contributor" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Contributor"
  principal_id         = azuread_group.contributors.object_id
}

resource "azurerm_role_assignment" "reader" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Reader"
  principal_id         = azuread_group.readers.object_id
}

resource "kubernetes_role_binding_v1" "editors" {
  metadata {
    name      = "editors"
    namespace = "apps"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind      = "Group"
    name      = "app-team"
    api_group = "rbac.authorization.k8s.io"
  }
}

resource "kubernetes_role_binding_v1" "viewers" {
  metadata {
    name      = "viewers"
    namespace = "apps"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "view"
  }
  subject {
    kind      = "Group"
    name      = "auditors"
    api_group = "rbac.authorization.k8s.io"
  }
}
