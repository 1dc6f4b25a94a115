"""The Terraform resource types of Kubernetes' RBAC objects (the provider's names, with and
without `_v1`; the value in ROLE_TYPES and BINDING_TYPES: whether the object is cluster-wide).

A module of its own, below the engine (kubernetes.py) and its escalation reachers
(kubernetes_escalation.py), so both read these names without importing each other.
"""

ROLE_TYPES = {"kubernetes_role": False, "kubernetes_role_v1": False,
              "kubernetes_cluster_role": True, "kubernetes_cluster_role_v1": True}
BINDING_TYPES = {"kubernetes_role_binding": False, "kubernetes_role_binding_v1": False,
                 "kubernetes_cluster_role_binding": True, "kubernetes_cluster_role_binding_v1": True}
SA_TYPES = ("kubernetes_service_account", "kubernetes_service_account_v1")
SECRET_TYPES = ("kubernetes_secret", "kubernetes_secret_v1")
