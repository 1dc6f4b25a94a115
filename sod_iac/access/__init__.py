"""Access layer: who can do what. Cloud modules (aws.py, gcp.py, ...) build the AccessGraph.

Until the graph exists, `principal_addresses` gives the summary its principal count.
"""

from __future__ import annotations

from sod_iac.model import Project

PRINCIPAL_TYPES: frozenset[str] = frozenset(
    {
        "aws_iam_role",
        "aws_iam_user",
        "aws_iam_group",
        "google_service_account",
        "azurerm_user_assigned_identity",
        "kubernetes_service_account",
        "kubernetes_service_account_v1",
    }
)


def principal_addresses(project: Project) -> list[str]:
    """Sorted addresses of the principals the code defines.

    First version: a principal is a managed resource of a principal type. It does not yet see
    principals that exist only as identities in bindings (`user:alice@example.com`, ARNs,
    Kubernetes subjects); the access graph will replace this.
    """
    return sorted(
        {r.address for r in project.resources if r.mode == "managed" and r.type in PRINCIPAL_TYPES}
    )
