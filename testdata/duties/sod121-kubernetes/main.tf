# SOD121 on Kubernetes: a ClusterRole that changes Deployments, bound by RoleBindings in the
# `production` and `staging` namespaces to the same ServiceAccount (a RoleBinding grants a
# ClusterRole's rules inside its own namespace only).
#
# Proves:
#   - `ServiceAccount:ci/deployer` can change Deployments in both namespaces: flagged.
#   - `ServiceAccount:ci/prod-deployer` changes `production` and only views `staging` (the
#     built-in `view` role): quiet.
resource "kubernetes_cluster_role_v1" "deploy" {
  metadata {
    name = "deploy"
  }
  rule {
    api_groups = ["apps"]
    resources  = ["deployments"]
    verbs      = ["get", "list", "create", "update", "patch"]
  }
}

resource "kubernetes_role_binding_v1" "deployer_prod" {
  metadata {
    name      = "deployer"
    namespace = "production"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "deploy"
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
    name      = "deploy"
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
    name      = "deploy"
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
