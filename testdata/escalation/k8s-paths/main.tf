# SOD110 on Kubernetes (Kubernetes documentation, "Role Based Access Control Good Practices",
# https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks,
# and "Using RBAC Authorization", privilege escalation prevention):
# - `bind` on clusterroles with `create` on clusterrolebindings binds cluster-admin to itself;
# - `impersonate` on groups sends requests as system:masters;
# - `get` on nodes/proxy runs commands in any pod through the kubelet API;
# - creating pods in a namespace runs them as any service account of that namespace, and
#   `create` on serviceaccounts/token mints that account's token: both reach `deployer`,
#   which is bound to cluster-admin cluster-wide (SOD111).
#
# Negatives:
# - carol creates pods in namespace web, whose only service account only views (a peer);
# - erin may `bind` clusterroles but create no binding;
# - frank holds `impersonate` on groups through a RoleBinding: a RoleBinding grants nothing
#   on cluster-scoped resources such as groups.

resource "kubernetes_service_account_v1" "deployer" {
  metadata {
    name      = "deployer"
    namespace = "ci"
  }
}

resource "kubernetes_service_account_v1" "web_app" {
  metadata {
    name      = "web-app"
    namespace = "web"
  }
}

resource "kubernetes_cluster_role_binding_v1" "deployer_admin" {
  metadata {
    name = "deployer-admin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "deployer"
    namespace = "ci"
  }
}

resource "kubernetes_role_binding_v1" "web_app_view" {
  metadata {
    name      = "web-app-view"
    namespace = "web"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "view"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "web-app"
    namespace = "web"
  }
}

resource "kubernetes_cluster_role_v1" "rbac_manager" {
  metadata {
    name = "rbac-manager"
  }
  rule {
    api_groups = ["rbac.authorization.k8s.io"]
    resources  = ["clusterroles"]
    verbs      = ["bind"]
  }
  rule {
    api_groups = ["rbac.authorization.k8s.io"]
    resources  = ["clusterrolebindings"]
    verbs      = ["create"]
  }
}

# path: k8s-bind-cluster-roles
resource "kubernetes_cluster_role_binding_v1" "rbac_manager" {
  metadata {
    name = "rbac-manager"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "rbac-manager"
  }
  subject {
    kind = "User"
    name = "alice"
  }
}

resource "kubernetes_cluster_role_v1" "group_impersonator" {
  metadata {
    name = "group-impersonator"
  }
  rule {
    api_groups = [""]
    resources  = ["groups"]
    verbs      = ["impersonate"]
  }
}

# path: k8s-impersonate-groups
resource "kubernetes_cluster_role_binding_v1" "impersonator" {
  metadata {
    name = "impersonator"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "group-impersonator"
  }
  subject {
    kind = "User"
    name = "bob"
  }
}

resource "kubernetes_cluster_role_v1" "node_proxy" {
  metadata {
    name = "node-proxy"
  }
  rule {
    api_groups = [""]
    resources  = ["nodes/proxy"]
    verbs      = ["get"]
  }
}

# path: k8s-nodes-proxy
resource "kubernetes_cluster_role_binding_v1" "monitoring" {
  metadata {
    name = "monitoring"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "node-proxy"
  }
  subject {
    kind = "Group"
    name = "monitoring"
  }
}

resource "kubernetes_role_v1" "pod_runner_ci" {
  metadata {
    name      = "pod-runner"
    namespace = "ci"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["create", "get"]
  }
}

# path: k8s-create-pods-as-service-account
resource "kubernetes_role_binding_v1" "dave_pods" {
  metadata {
    name      = "dave-pods"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "pod-runner"
  }
  subject {
    kind = "User"
    name = "dave"
  }
}

resource "kubernetes_role_v1" "token_minter" {
  metadata {
    name      = "token-minter"
    namespace = "ci"
  }
  rule {
    api_groups     = [""]
    resources      = ["serviceaccounts/token"]
    resource_names = ["deployer"]
    verbs          = ["create"]
  }
}

# path: k8s-create-service-account-token
resource "kubernetes_role_binding_v1" "gina_tokens" {
  metadata {
    name      = "gina-tokens"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "token-minter"
  }
  subject {
    kind = "User"
    name = "gina"
  }
}

resource "kubernetes_role_v1" "pod_runner_web" {
  metadata {
    name      = "pod-runner"
    namespace = "web"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["create", "get"]
  }
}

resource "kubernetes_role_binding_v1" "carol_pods" {
  metadata {
    name      = "carol-pods"
    namespace = "web"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "pod-runner"
  }
  subject {
    kind = "User"
    name = "carol"
  }
}

resource "kubernetes_cluster_role_v1" "binder_only" {
  metadata {
    name = "binder-only"
  }
  rule {
    api_groups = ["rbac.authorization.k8s.io"]
    resources  = ["clusterroles"]
    verbs      = ["bind"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "erin" {
  metadata {
    name = "erin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "binder-only"
  }
  subject {
    kind = "User"
    name = "erin"
  }
}

resource "kubernetes_role_binding_v1" "frank" {
  metadata {
    name      = "frank"
    namespace = "web"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "group-impersonator"
  }
  subject {
    kind = "User"
    name = "frank"
  }
}

resource "kubernetes_cluster_role_v1" "role_escalator" {
  metadata {
    name = "role-escalator"
  }
  rule {
    api_groups = ["rbac.authorization.k8s.io"]
    resources  = ["clusterroles"]
    verbs      = ["escalate", "update", "get"]
  }
}

# path: k8s-escalate-cluster-roles
resource "kubernetes_cluster_role_binding_v1" "hank" {
  metadata {
    name = "hank"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "role-escalator"
  }
  subject {
    kind = "User"
    name = "hank"
  }
}

resource "kubernetes_cluster_role_v1" "user_impersonator" {
  metadata {
    name = "user-impersonator"
  }
  rule {
    api_groups = [""]
    resources  = ["users"]
    verbs      = ["impersonate"]
  }
}

# path: k8s-impersonate-users
resource "kubernetes_cluster_role_binding_v1" "ivan" {
  metadata {
    name = "ivan"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "user-impersonator"
  }
  subject {
    kind = "User"
    name = "ivan"
  }
}

resource "kubernetes_role_v1" "deployer_impersonator" {
  metadata {
    name      = "deployer-impersonator"
    namespace = "ci"
  }
  rule {
    api_groups     = [""]
    resources      = ["serviceaccounts"]
    resource_names = ["deployer"]
    verbs          = ["impersonate"]
  }
}

# path: k8s-impersonate-service-account
resource "kubernetes_role_binding_v1" "judy" {
  metadata {
    name      = "judy"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "deployer-impersonator"
  }
  subject {
    kind = "User"
    name = "judy"
  }
}

# Workloads: the controller creates the pods for the subject (RBAC good practices, "Workload
# creation"), so creating a Deployment, DaemonSet, StatefulSet, Job or CronJob in `ci` runs as
# `deployer` too. One subject per kind.

resource "kubernetes_role_v1" "deployments_creator" {
  metadata {
    name      = "deployments-creator"
    namespace = "ci"
  }
  rule {
    api_groups = ["apps"]
    resources  = ["deployments"]
    verbs      = ["create"]
  }
}

# path: k8s-create-deployments-as-service-account
resource "kubernetes_role_binding_v1" "deployments_creator" {
  metadata {
    name      = "deployments-creator"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "deployments-creator"
  }
  subject {
    kind = "User"
    name = "deployments-author"
  }
}

resource "kubernetes_role_v1" "daemonsets_creator" {
  metadata {
    name      = "daemonsets-creator"
    namespace = "ci"
  }
  rule {
    api_groups = ["apps"]
    resources  = ["daemonsets"]
    verbs      = ["create"]
  }
}

# path: k8s-create-daemonsets-as-service-account
resource "kubernetes_role_binding_v1" "daemonsets_creator" {
  metadata {
    name      = "daemonsets-creator"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "daemonsets-creator"
  }
  subject {
    kind = "User"
    name = "daemonsets-author"
  }
}

resource "kubernetes_role_v1" "statefulsets_creator" {
  metadata {
    name      = "statefulsets-creator"
    namespace = "ci"
  }
  rule {
    api_groups = ["apps"]
    resources  = ["statefulsets"]
    verbs      = ["create"]
  }
}

# path: k8s-create-statefulsets-as-service-account
resource "kubernetes_role_binding_v1" "statefulsets_creator" {
  metadata {
    name      = "statefulsets-creator"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "statefulsets-creator"
  }
  subject {
    kind = "User"
    name = "statefulsets-author"
  }
}

resource "kubernetes_role_v1" "jobs_creator" {
  metadata {
    name      = "jobs-creator"
    namespace = "ci"
  }
  rule {
    api_groups = ["batch"]
    resources  = ["jobs"]
    verbs      = ["create"]
  }
}

# path: k8s-create-jobs-as-service-account
resource "kubernetes_role_binding_v1" "jobs_creator" {
  metadata {
    name      = "jobs-creator"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "jobs-creator"
  }
  subject {
    kind = "User"
    name = "jobs-author"
  }
}

resource "kubernetes_role_v1" "cronjobs_creator" {
  metadata {
    name      = "cronjobs-creator"
    namespace = "ci"
  }
  rule {
    api_groups = ["batch"]
    resources  = ["cronjobs"]
    verbs      = ["create"]
  }
}

# path: k8s-create-cronjobs-as-service-account
resource "kubernetes_role_binding_v1" "cronjobs_creator" {
  metadata {
    name      = "cronjobs-creator"
    namespace = "ci"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "cronjobs-creator"
  }
  subject {
    kind = "User"
    name = "cronjobs-author"
  }
}
