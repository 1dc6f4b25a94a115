# SOD102 on Kubernetes RBAC: managing ServiceAccounts and impersonating them (or minting
# their tokens) in the same namespace.
#
# Proves:
#   - `User:alice` is bound (RoleBinding in `apps`) to a Role that creates/updates
#     ServiceAccounts and impersonates them: flagged.
#   - `ServiceAccount:apps/deployer` may create tokens for ServiceAccounts only (use): quiet.
#   - `Group:sa-admins` may only manage ServiceAccounts: quiet.
resource "kubernetes_role_v1" "sa_full" {
  metadata {
    name      = "sa-full"
    namespace = "apps"
  }
  rule {
    api_groups = [""]
    resources  = ["serviceaccounts"]
    verbs      = ["create", "update", "impersonate"]
  }
}

resource "kubernetes_role_v1" "sa_tokens" {
  metadata {
    name      = "sa-tokens"
    namespace = "apps"
  }
  rule {
    api_groups = [""]
    resources  = ["serviceaccounts/token"]
    verbs      = ["create"]
  }
}

resource "kubernetes_role_v1" "sa_admin" {
  metadata {
    name      = "sa-admin"
    namespace = "apps"
  }
  rule {
    api_groups = [""]
    resources  = ["serviceaccounts"]
    verbs      = ["get", "list", "create", "update", "delete"]
  }
}

resource "kubernetes_role_binding_v1" "alice" {
  metadata {
    name      = "alice"
    namespace = "apps"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "sa-full"
  }
  subject {
    kind      = "User"
    name      = "alice"
    api_group = "rbac.authorization.k8s.io"
  }
}

resource "kubernetes_role_binding_v1" "deployer" {
  metadata {
    name      = "deployer"
    namespace = "apps"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "sa-tokens"
  }
  subject {
    kind = "ServiceAccount"
    name = "deployer"
  }
}

resource "kubernetes_role_binding_v1" "sa_admins" {
  metadata {
    name      = "sa-admins"
    namespace = "apps"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "sa-admin"
  }
  subject {
    kind      = "Group"
    name      = "sa-admins"
    api_group = "rbac.authorization.k8s.io"
  }
}
