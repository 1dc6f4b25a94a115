"""Readers of Azure Key Vault secrets, from the Azure engine (sod_iac.access.azure).

Reading a secret's value is the data action `Microsoft.KeyVault/vaults/secrets/getSecret/action`
("Azure built-in roles", "Key Vault access policy vs Azure RBAC"). Which model applies depends
on the vault: with RBAC authorization (`enable_rbac_authorization` /
`rbac_authorization_enabled`), role assignments at the secret, the vault or any scope above
(resource group, subscription, management group) with a role holding that data action (Key
Vault Secrets User, Secrets Officer, Administrator, Certificate User, or a custom role);
without it, the vault's access policies (inline `access_policy` blocks and
`azurerm_key_vault_access_policy`) with secret permission `Get`. Control-plane roles such as
Owner or Contributor hold no data actions: they can grant themselves access (escalation,
SOD110's business), but do not read. A flag the code does not state counts both models as
possible.
"""

from __future__ import annotations

from typing import Any

from sod_iac.access.azure import covers_estate
from sod_iac.access.secret_model import Reader, ReaderSet, ReadsAll, Secret, reader_level, stated_limit
from sod_iac.core.model import Project

GET_SECRET = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
SECRET_TYPES = ("azurerm_key_vault_secret",)


class AzureSecretReaders:
    def __init__(self, project: Project, azure: Any) -> None:
        self.project = project
        self.azure = azure

    def secrets(self) -> list[Secret]:
        out = []
        for r in self.project.resources:
            if r.mode == "managed" and r.type in SECRET_TYPES:
                name = r.values.get("name")
                out.append(Secret(r.address, "azure", "Key Vault secret", name if isinstance(name, str) else None,
                                  r, stated_limit(r.values.get("tags"))))
        return out

    def readers(self, secret: Secret) -> ReaderSet:
        result = ReaderSet(secret)
        for grant in self.azure.members_with_permission(GET_SECRET, secret.address, data=True, speculative=True):
            how = (f"secret Get by an access policy of {grant.scope}"
                   if any(e.detail.startswith("access policy") for e in grant.evidence)
                   else f"getSecret through a role assigned at {grant.scope}")
            result.readers.append(Reader(grant.principal, reader_level(grant.principal, grant.level), list(grant.evidence),
                                         how))
        vault = self.azure._vault_of(secret.resource)
        rbac, policies = self.azure.vault_mode(vault)
        if rbac == "possible" and policies == "possible":
            result.notes.append("the vault's permission model (RBAC or access policies) is not stated: both "
                                "count as possible")
        return result

    def reads_everything(self) -> list[ReadsAll]:
        """Principals assigned, without a condition, at a subscription, management group or the
        root a role that reads secrets: every secret of every RBAC vault below."""
        out = []
        for a in self.azure.assignments:
            if a.level != "yes" or not a.role.allows(GET_SECRET, True):
                continue
            if not covers_estate(a.scope):
                continue
            resource = self.project.resource(a.principal)
            out.append(ReadsAll(a.principal, f"every secret of RBAC key vaults under {a.scope_label} ({a.role.name})",
                                list(a.evidence), resource.location if resource is not None else None))
        return out
