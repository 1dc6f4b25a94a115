"""Where an Azure principal holds the operations of the escalation catalog (cloud_escalation.yaml).

Follows Azure RBAC as `azure.py` does: an assignment reaches its scope and everything below
it. A user-assigned identity of the code is a target when the principal may assign it
(`userAssignedIdentities/assign/action` at a scope covering it); a Key Vault when it uses
access policies, whose writers can add one for themselves ("Azure RBAC vs. access policies").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sod_iac.access.cloud_common import Grant, hop
from sod_iac.access.cloud_escalation import CloudEscalation, Reach, by_principal
from sod_iac.access.graph import weakest
from sod_iac.core.model import Resource

if TYPE_CHECKING:
    from sod_iac.access.azure import AzureAccess

IDENTITY_TYPE = "azurerm_user_assigned_identity"
VAULT_TYPE = "azurerm_key_vault"


def azure_escalation(azure: AzureAccess) -> CloudEscalation:
    """The escalation finder of one azure engine."""
    return CloudEscalation("azure", azure, _REACHERS)


def _scope(azure: AzureAccess, principal: str, operation: str) -> list[Reach]:
    """Assignments allowing the operation, each at its scope."""
    return [Reach(g.level, list(g.evidence), f"{operation} at {g.scope}")
            for g in azure.grants(principal, actions=[operation])]


def _any(azure: AzureAccess, principal: str, operation: str) -> list[Reach]:
    return [Reach(g.level, list(g.evidence)) for g in azure.grants(principal, actions=[operation])]


def _held_on(azure: AzureAccess, principal: str, operation: str, rtype: str) -> list[tuple[Resource, Grant]]:
    """(resource of the code of that type, grant) for each one the principal may `operation`."""
    def grants():
        for r in azure.project.by_type(rtype):
            if r.mode == "managed":
                for g in azure.members_with_permission(operation, r.address, data=False):
                    yield g.principal, (r, g)

    return by_principal(azure, (operation, rtype), grants).get(principal, [])


def _stronger_identity(azure: AzureAccess, principal: str, operation: str) -> list[Reach]:
    return [Reach(g.level, list(g.evidence), identity.address, principal=identity.address)
            for identity, g in _held_on(azure, principal, operation, IDENTITY_TYPE)]


def _access_policy_vault(azure: AzureAccess, principal: str, operation: str) -> list[Reach]:
    out = []
    for vault, g in _held_on(azure, principal, operation, VAULT_TYPE):
        policies = azure.vault_mode(vault)[1]
        if policies == "no":
            continue  # RBAC authorization: access policies are ignored
        mode = hop(vault, "uses access policies (RBAC authorization not enabled)" if policies == "yes"
                   else "may use access policies (RBAC authorization not stated)")
        out.append(Reach(weakest(g.level, policies), [*g.evidence, mode], vault.address))
    return out


def _own_custom_role(azure: AzureAccess, principal: str, operation: str) -> list[Reach]:
    """roleDefinitions/write at a scope covering the definition of a custom role it holds."""
    out = []
    held = azure.grants(principal, actions=[operation])
    for address, role in azure.custom_roles().items():
        assigned = [a for a in azure.assignments if a.principal == principal and a.role is role]
        if not assigned:
            continue
        definition = azure.project.resource(address)
        path, certain, _ = azure.scope_path(definition.values.get("scope"), definition.references.get("scope", []))
        for g in held:
            level = weakest(g.level, azure.scope_covers(g.scope, path, certain), assigned[0].level)
            if level != "no":
                out.append(Reach(level, [*g.evidence, *assigned[0].evidence, *role.evidence], f"custom role {address}"))
    return out


_REACHERS = {"scope": _scope, "any": _any, "stronger-identity": _stronger_identity,
             "access-policy-vault": _access_policy_vault, "own-custom-role": _own_custom_role}
