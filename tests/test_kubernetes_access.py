"""The Kubernetes RBAC engine: namespaces, cluster-wide bindings, resource_names, built-in roles."""

from __future__ import annotations

from sod_iac.access.kubernetes import KubernetesAccess
from sod_iac.load import load_project

TF = """
resource "kubernetes_secret_v1" "db" {
  metadata {
    name      = "db"
    namespace = "payments"
  }
}
resource "kubernetes_service_account_v1" "app" {
  metadata {
    name      = "app"
    namespace = "payments"
  }
}
resource "kubernetes_role_v1" "db_reader" {
  metadata {
    name      = "db-reader"
    namespace = "payments"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["db"]
    verbs          = ["get"]
  }
}
resource "kubernetes_role_v1" "api_reader" {
  metadata {
    name      = "api-reader"
    namespace = "payments"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["api"]
    verbs          = ["get"]
  }
}
resource "kubernetes_role_binding_v1" "app" {
  metadata {
    name      = "app"
    namespace = "payments"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "db-reader"
  }
  subject {
    kind = "ServiceAccount"
    name = "app"
  }
}
resource "kubernetes_role_binding_v1" "api" {
  metadata {
    name      = "api"
    namespace = "payments"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "api-reader"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "api"
    namespace = "payments"
  }
}
resource "kubernetes_role_binding_v1" "web_edit" {
  metadata {
    name      = "web-edit"
    namespace = "web"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind      = "Group"
    name      = "web"
    api_group = "rbac.authorization.k8s.io"
  }
}
resource "kubernetes_cluster_role_binding_v1" "admins" {
  metadata {
    name = "admins"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "User"
    name      = "root"
    api_group = "rbac.authorization.k8s.io"
  }
}
"""


def test_secret_readers_honour_namespaces_and_resource_names(write_tree) -> None:
    k8s = KubernetesAccess(load_project([str(write_tree({"main.tf": TF}))]))
    readers = {g.principal: g.level for g in k8s.members_with_permission("get", "kubernetes_secret_v1.db")}
    # the ServiceAccount without namespace is in the binding's namespace, and is the one of the code
    assert readers == {"kubernetes_service_account_v1.app": "yes", "User:root": "yes"}
    assert k8s.full_admin("User:root") is not None
    assert k8s.full_admin("Group:web") is None


def test_builtin_edit_role_reads_secrets_only_in_its_namespace(write_tree) -> None:
    k8s = KubernetesAccess(load_project([str(write_tree({"main.tf": TF}))]))
    assert k8s.can("Group:web", "get", "secrets", "web")[0] == "yes"
    assert k8s.can("Group:web", "get", "secrets", "payments")[0] == "no"
    grants = k8s.grants("Group:web", ["impersonate"], ["serviceaccounts"])
    assert [g.scope for g in grants] == ["namespace:web"]
