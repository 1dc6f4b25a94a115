"""Where an Azure principal holds the operations of the escalation catalog (cloud_escalation.yaml).

Follows Azure RBAC as `azure.py` does: an assignment reaches its scope and everything below
it. A user-assigned identity of the code is a target when the principal may assign it
(`userAssignedIdentities/assign/action` at a scope covering it); a Key Vault when it uses
access policies, whose writers can add one for themselves ("Azure RBAC vs. access policies").
"""

from __future__ import annotations

from sod_iac.access.azure import AzureAccess
from sod_iac.access.cloud_common import hop
from sod_iac.access.cloud_escalation import CloudEscalation, Reach, stronger
from sod_iac.access.graph import weakest

IDENTITY_TYPE = "azurerm_user_assigned_identity"
VAULT_TYPE = "azurerm_key_vault"


def azure_escalation(azure: AzureAccess) -> CloudEscalation:
    """The escalation finder of one azure engine."""
    return CloudEscalation("azure", azure, _REACHERS)


def _scope(azure: AzureAccess, finder: CloudEscalation, principal: str, operation: str,
           chain: frozenset[str]) -> list[Reach]:
    """Assignments allowing the operation, each at its scope."""
    return [Reach(g.level, list(g.evidence), f"{operation} at {g.scope}")
            for g in azure.grants(principal, actions=[operation])]


def _any(azure: AzureAccess, finder: CloudEscalation, principal: str, operation: str,
         chain: frozenset[str]) -> list[Reach]:
    return [Reach(g.level, list(g.evidence)) for g in azure.grants(principal, actions=[operation])]


def _held_on(azure: AzureAccess, principal: str, operation: str, address: str):  # type: ignore[no-untyped-def]
    return [g for g in azure.members_with_permission(operation, address, data=False) if g.principal == principal]


def _stronger_identity(azure: AzureAccess, finder: CloudEscalation, principal: str, operation: str,
                       chain: frozenset[str]) -> list[Reach]:
    held = ((identity.address, g.level, list(g.evidence), identity.address)
            for identity in azure.project.by_type(IDENTITY_TYPE)
            if identity.mode == "managed" and identity.address != principal
            for g in _held_on(azure, principal, operation, identity.address))
    return stronger(finder, chain, held)


def _access_policy_vault(azure: AzureAccess, finder: CloudEscalation, principal: str, operation: str,
                         chain: frozenset[str]) -> list[Reach]:
    out = []
    for vault in azure.project.by_type(VAULT_TYPE):
        if vault.mode != "managed":
            continue
        policies = azure.vault_mode(vault)[1]
        if policies == "no":
            continue  # RBAC authorization: access policies are ignored
        mode = hop(vault, "uses access policies (RBAC authorization not enabled)" if policies == "yes"
                   else "may use access policies (RBAC authorization not stated)")
        for g in _held_on(azure, principal, operation, vault.address):
            out.append(Reach(weakest(g.level, policies), [*g.evidence, mode], vault.address))
    return out


def _own_custom_role(azure: AzureAccess, finder: CloudEscalation, principal: str, operation: str,
                     chain: frozenset[str]) -> list[Reach]:
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
