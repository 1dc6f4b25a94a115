"""Azure Storage answers to the storage questions (storage_model.py).

Writers (Azure RBAC): principals holding the blob write or delete data actions on the storage
account (through any role assignment that applies to it), and, while shared key access is on
(`shared_access_key_enabled`, provider default true), those that can list the account keys:
a key writes any blob.

Public access: a container with `container_access_type` "blob" or "container" allows anonymous
reads unless the account sets `allow_nested_items_to_be_public = false` (provider default
true), which forbids anonymous access to every container of the account.
"""

from __future__ import annotations

from sod_iac.access.azure import AzureAccess
from sod_iac.access.cloud_common import hop
from sod_iac.access.storage_model import Opening, PublicAccess, StorageTarget, Writers, engine_writers
from sod_iac.core.arguments import flag, managed, names_resource
from sod_iac.core.model import Project

BLOB_WRITES = ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
               "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete")
LIST_KEYS = "Microsoft.Storage/storageAccounts/listKeys/action"


def writers(azure: AzureAccess, target: StorageTarget) -> Writers:
    """Who can write or delete blobs of the storage account (see the module)."""
    if target.resource is None:
        return {}
    address = target.resource.address
    found = engine_writers(azure, BLOB_WRITES, address, data=True, speculative=True)
    if flag(target.resource.values.get("shared_access_key_enabled")) is not False:
        for name, writer in engine_writers(azure, (LIST_KEYS,), address, data=False, speculative=True).items():
            found.setdefault(name, writer)
    return found


def public_access(project: Project, target: StorageTarget) -> PublicAccess:
    """Containers of the account open to anonymous reads, and the account's guard against them."""
    account = target.resource
    if account is None:
        return PublicAccess()
    name = account.values.get("name")
    nested = account.values.get("allow_nested_items_to_be_public")
    openings = [Opening("container", c.address,
                        (hop(c, f"container_access_type = \"{c.values.get('container_access_type')}\""),),
                        flag(nested) is not False)
                for c in managed(project, "azurerm_storage_container")
                if (names_resource(c, "storage_account_name", account, [name])
                    or names_resource(c, "storage_account_id", account, [name]))
                and c.values.get("container_access_type") in ("blob", "container")]
    return PublicAccess(openings, open_guards=["allow_nested_items_to_be_public"]
                        if nested is None or flag(nested) is True else [])
