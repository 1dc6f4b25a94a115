# Positive (SOD302, SOD303): cluster-wide Secret readers.
#
# Proves: a ClusterRoleBinding grants its ClusterRole "cluster-wide" (Kubernetes, "Using RBAC
# Authorization"); system:authenticated is the group of every authenticated user and service
# account, and the RBAC good-practices page warns that list and watch on Secrets reveal their
# contents. Binding a role that lists Secrets to system:authenticated makes every Secret
# readable by anyone who can authenticate (SOD302), and that group reads every Secret (SOD303).
# The CI service account is bound to the built-in edit ClusterRole cluster-wide, which reads
# Secrets: it reads every Secret too (SOD303).

resource "kubernetes_secret_v1" "api" {
  metadata {
    name      = "api-token"
    namespace = "prod"
  }
  data = {
    token = "change-me"
  }
}

resource "kubernetes_cluster_role_v1" "secret_lister" {
  metadata {
    name = "secret-lister"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets", "configmaps"]
    verbs      = ["list", "watch"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "everyone" {
  metadata {
    name = "everyone-lists-secrets"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "secret-lister"
  }
  subject {
    kind      = "Group"
    name      = "system:authenticated"
    api_group = "rbac.authorization.k8s.io"
  }
}

resource "kubernetes_service_account_v1" "ci" {
  metadata {
    name      = "ci"
    namespace = "tooling"
  }
}

resource "kubernetes_cluster_role_binding_v1" "ci" {
  metadata {
    name = "ci-edit"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "ci"
    namespace = "tooling"
  }
}
