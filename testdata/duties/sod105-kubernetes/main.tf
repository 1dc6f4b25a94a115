# SOD105 on Kubernetes Secrets, honouring namespaces and resource_names.
#
# Proves:
#   - `ServiceAccount:payments/rotator` may update and get the Secret `db` (one Role,
#     resource_names ["db"]): flagged.
#   - `ServiceAccount:payments/split` may update `db` but get only `api`: quiet (different
#     Secrets: resource_names are honoured).
#   - `User:bob` may update Secrets in namespace `payments` and get Secrets in namespace
#     `web`: quiet (different namespaces).
resource "kubernetes_role_v1" "rotate_db" {
  metadata {
    name      = "rotate-db"
    namespace = "payments"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["db"]
    verbs          = ["get", "update"]
  }
}

resource "kubernetes_role_v1" "split" {
  metadata {
    name      = "split"
    namespace = "payments"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["db"]
    verbs          = ["update"]
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["api"]
    verbs          = ["get"]
  }
}

resource "kubernetes_role_v1" "write_secrets" {
  metadata {
    name      = "write-secrets"
    namespace = "payments"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["update", "patch"]
  }
}

resource "kubernetes_role_v1" "read_secrets" {
  metadata {
    name      = "read-secrets"
    namespace = "web"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get", "list"]
  }
}

resource "kubernetes_role_binding_v1" "rotator" {
  metadata {
    name      = "rotator"
    namespace = "payments"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "rotate-db"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "rotator"
    namespace = "payments"
  }
}

resource "kubernetes_role_binding_v1" "split" {
  metadata {
    name      = "split"
    namespace = "payments"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "split"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "split"
    namespace = "payments"
  }
}

resource "kubernetes_role_binding_v1" "bob_write" {
  metadata {
    name      = "bob-write"
    namespace = "payments"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "write-secrets"
  }
  subject {
    kind      = "User"
    name      = "bob"
    api_group = "rbac.authorization.k8s.io"
  }
}

resource "kubernetes_role_binding_v1" "bob_read" {
  metadata {
    name      = "bob-read"
    namespace = "web"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "read-secrets"
  }
  subject {
    kind      = "User"
    name      = "bob"
    api_group = "rbac.authorization.k8s.io"
  }
}
