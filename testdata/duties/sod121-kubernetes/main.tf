# SOD121 on Kubernetes: the built-in `edit` ClusterRole bound by RoleBindings in the
# `production` and `staging` namespaces to the same ServiceAccount.
#
# Proves:
#   - `ServiceAccount:ci/deployer` can edit in both namespaces: flagged.
#   - `ServiceAccount:ci/prod-deployer` edits `production` and only views `staging`: quiet.
resource "kubernetes_role_binding_v1" "deployer_prod" {
  metadata {
    name      = "deployer"
    namespace = "production"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "deployer"
    namespace = "ci"
  }
}

resource "kubernetes_role_binding_v1" "deployer_staging" {
  metadata {
    name      = "deployer"
    namespace = "staging"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "deployer"
    namespace = "ci"
  }
}

resource "kubernetes_role_binding_v1" "prod_deployer_prod" {
  metadata {
    name      = "prod-deployer"
    namespace = "production"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "prod-deployer"
    namespace = "ci"
  }
}

resource "kubernetes_role_binding_v1" "prod_deployer_staging" {
  metadata {
    name      = "prod-deployer"
    namespace = "staging"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "view"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "prod-deployer"
    namespace = "ci"
  }
}
