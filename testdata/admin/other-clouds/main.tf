# SOD111 on GCP, Azure and Kubernetes, from each platform's documented role semantics:
#   - GCP: roles/owner grants every permission on the project (positive: user:root@);
#     roles/editor lacks IAM policy and billing administration, roles/viewer only reads
#     (negatives).
#   - Azure: Owner has Actions "*" with no NotActions at subscription scope (positive);
#     Contributor has Actions "*" but NotActions on Microsoft.Authorization writes, and Owner
#     on one resource group is not every resource (negatives). Owner of the group can assign
#     itself any role there (roleAssignments/write): SOD110, which absorbs its SOD102/SOD103.
#   - Kubernetes: a ClusterRoleBinding to cluster-admin ("*" verbs on "*" resources in every
#     API group, cluster-wide) is a full administrator (positive); the same ClusterRole bound
#     with a RoleBinding in one namespace is not (negative).
# The full administrators get SOD111 only (not SOD101-105, not SOD303 although they read
# every secret: one finding says they hold every duty); the broad non-owner roles hold conflicting duties by their published definitions
# (editor/Contributor/namespace admin manage service identities and act as them, change
# logging and production), so SOD102-105 report them. Contributor's `*` is Azure RBAC and
# grants no Microsoft Entra directory permission: no SOD106.

resource "google_project_iam_member" "owner" {
  project = "acme-prod"
  role    = "roles/owner"
  member  = "user:root@example.com"
}

resource "google_project_iam_member" "editor" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = "user:dev@example.com"
}

resource "google_project_iam_member" "viewer" {
  project = "acme-prod"
  role    = "roles/viewer"
  member  = "user:auditor@example.com"
}

resource "azurerm_role_assignment" "owner" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Owner"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}

resource "azurerm_role_assignment" "contributor" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Contributor"
  principal_id         = "22222222-2222-2222-2222-222222222222"
}

resource "azurerm_role_assignment" "rg_owner" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/app"
  role_definition_name = "Owner"
  principal_id         = "33333333-3333-3333-3333-333333333333"
}

resource "kubernetes_cluster_role_binding_v1" "admins" {
  metadata {
    name = "platform-admins"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "Group"
    name      = "platform-admins"
    api_group = "rbac.authorization.k8s.io"
  }
}

resource "kubernetes_role_binding_v1" "team_admin" {
  metadata {
    name      = "team-admin"
    namespace = "team-a"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "User"
    name      = "lead@example.com"
    api_group = "rbac.authorization.k8s.io"
  }
}
