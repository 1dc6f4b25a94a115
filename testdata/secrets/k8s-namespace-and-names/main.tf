# Negative (SOD301): namespaces and resource_names keep a Secret to one reader.
#
# Proves: "a RoleBinding grants the permissions defined in a role to ... within a specific
# namespace", and a rule's resourceNames restricts it to the listed objects (Kubernetes,
# "Using RBAC Authorization"). The built-in view ClusterRole "does not allow viewing Secrets".
# - ServiceAccount prod/app: get on the Secret "db" by name, in prod: the one reader.
# - ServiceAccount prod/web: get on Secrets named "web-tls" only: not a reader of db.
# - ServiceAccount staging/app: get/list on Secrets, bound in staging: not a reader of prod/db.
# - Group auditors: view, cluster-wide: not a reader.

resource "kubernetes_secret_v1" "db" {
  metadata {
    name      = "db"
    namespace = "prod"
  }
  data = {
    password = "change-me"
  }
}

resource "kubernetes_service_account_v1" "app" {
  metadata {
    name      = "app"
    namespace = "prod"
  }
}

resource "kubernetes_role_v1" "read_db" {
  metadata {
    name      = "read-db"
    namespace = "prod"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["db"]
    verbs          = ["get"]
  }
}

resource "kubernetes_role_binding_v1" "app" {
  metadata {
    name      = "app-read-db"
    namespace = "prod"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "read-db"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "app"
    namespace = "prod"
  }
}

resource "kubernetes_role_v1" "read_tls" {
  metadata {
    name      = "read-tls"
    namespace = "prod"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["web-tls"]
    verbs          = ["get", "list", "watch"]
  }
}

resource "kubernetes_role_binding_v1" "web" {
  metadata {
    name      = "web-read-tls"
    namespace = "prod"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "read-tls"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "web"
    namespace = "prod"
  }
}

resource "kubernetes_role_v1" "staging_secrets" {
  metadata {
    name      = "secrets"
    namespace = "staging"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get", "list"]
  }
}

resource "kubernetes_role_binding_v1" "staging_app" {
  metadata {
    name      = "app-secrets"
    namespace = "staging"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "secrets"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "app"
    namespace = "staging"
  }
}

resource "kubernetes_cluster_role_binding_v1" "auditors" {
  metadata {
    name = "auditors-view"
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
