"""What the engines' storage questions take and answer: the same shapes for every cloud.

A rule about storage (Terraform state in SOD203/SOD205) asks two questions of the storage a
backend or the code names, and only combines the answers (access/storage.py gathers the clouds):

- `writers(target) -> {principal: (level, evidence)}`: who can write or delete objects there,
  as each cloud documents a writer (s3:PutObject/DeleteObject; GCS storage.objects.create/delete;
  Azure blob write/delete data actions, and listKeys while shared key access is on). Level is
  "yes" or "possible" (unknown means possible: sets over-approximate).
- `public_access(target) -> PublicAccess`: how the code opens the storage to everyone (a
  wildcard-principal policy, a public ACL, an allUsers/allAuthenticatedUsers binding, an
  anonymous container) and which of the cloud's own public-access guards are off.

Below storage.py and the cloud modules (storage_aws.py, storage_gcp.py, storage_azure.py) so
that they never import the module that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sod_iac.core.arguments import managed, names_resource
from sod_iac.core.model import Evidence, Project, Resource

STORAGE_NAME = {"aws_s3_bucket": "bucket", "google_storage_bucket": "name", "azurerm_storage_account": "name"}
"""The argument that holds each storage type's name (what a backend block or a grant names)."""
BACKEND_OF = {"aws_s3_bucket": "s3", "google_storage_bucket": "gcs", "azurerm_storage_account": "azurerm"}
"""The backend type (and storage kind) of each storage type."""

Writers = dict[str, tuple[str, list[Evidence]]]
"""principal -> (level "yes" | "possible", evidence): who can write or delete objects."""


@dataclass(frozen=True)
class StorageTarget:
    """Objects kept in a bucket or storage account: `kind` s3 | gcs | azurerm, `name` as written
    (may be unknown), `key` the object key when one is meant (s3), `resource` the storage
    resource the code defines (None when it does not), `label` how messages name it."""

    kind: str
    name: Any
    key: Any = None
    resource: Resource | None = None
    label: str = ""


@dataclass(frozen=True)
class Opening:
    """One way the code opens storage to everyone. `kind`: policy (a wildcard-principal
    statement), acl (a public ACL or grant), member (allUsers/allAuthenticatedUsers),
    container (anonymous blob access); `what` how the code states it, for messages;
    `effective` False when one of the cloud's public-access guards neutralises it."""

    kind: str
    what: str
    evidence: tuple[Evidence, ...]
    effective: bool


@dataclass
class PublicAccess:
    """The answer of `public_access(target)`.

    `guards`: the resources that guard the storage against public access (S3 public access
    blocks of the bucket and the account); `open_guards`: the guard settings the code leaves
    off (S3 block settings that are false, GCS public_access_prevention not "enforced", Azure
    allow_nested_items_to_be_public not false); `acls_ignored`: public ACLs are ignored or
    refused (S3 ignore_public_acls / block_public_acls)."""

    openings: list[Opening] = field(default_factory=list)
    guards: list[Resource] = field(default_factory=list)
    open_guards: list[str] = field(default_factory=list)
    acls_ignored: bool = False

    def effective(self, kind: str) -> list[Opening]:
        """The openings of one kind that no guard neutralises."""
        return [o for o in self.openings if o.kind == kind and o.effective]


def attached(project: Project, storage: Resource, *types: str, argument: str = "bucket") -> list[Resource]:
    """Resources of `types` whose `argument` designates `storage` (reference or literal name)."""
    name = storage.values.get(STORAGE_NAME.get(storage.type, "name"))
    return [r for r in managed(project, *types) if names_resource(r, argument, storage, [name])]


def engine_writers(engine: Any, operations: tuple[str, ...], address: str, **kwargs: Any) -> Writers:
    """Writers through an engine's `members_with_permission` (GCP, Azure): a member holding any
    of `operations` on the resource at `address`, at its best level."""
    writers: Writers = {}
    for operation in operations:
        for grant in engine.members_with_permission(operation, address, **kwargs):
            if grant.level not in ("yes", "conditional", "possible"):
                continue
            level = "possible" if grant.level == "possible" else "yes"
            current = writers.get(grant.principal)
            if current is None or current[0] == "possible" and level == "yes":
                writers[grant.principal] = (level, list(grant.evidence))
    return writers
