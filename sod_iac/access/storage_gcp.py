"""Cloud Storage answers to the storage questions (storage_model.py), read from the GCP engine's
bindings (gcp.py reads every google_*_iam_member/_binding/_policy, policy JSON included: one
parser for the whole tool).

Writers: members holding storage.objects.create or storage.objects.delete on the bucket, through
any binding that applies to it (bucket, project, folder, organization), when the code defines
the bucket. A bucket the code does not define (a backend names it by name) is reached only by
bindings that name it: bucket-level bindings on that name (`name` or `b/name`), held for
certain, and project-level bindings, held "possibly" (the bucket's project is not stated),
whose role can write objects (Cloud Storage IAM roles reference).

Public access: a bucket binding to allUsers or allAuthenticatedUsers opens the bucket to
everyone unless `public_access_prevention = "enforced"` (Cloud Storage "Public access
prevention": it blocks such grants).
"""

from __future__ import annotations

from typing import Any

from sod_iac.access.cloud_common import hop
from sod_iac.access.gcp import Binding, GcpAccess
from sod_iac.access.storage_model import Opening, PublicAccess, StorageTarget, Writers, engine_writers
from sod_iac.core.arguments import names_resource
from sod_iac.core.model import Project, Resource
from sod_iac.core.values import Template, Unknown

OBJECT_WRITES = ("storage.objects.create", "storage.objects.delete")
WRITE_ROLES = frozenset({
    "roles/storage.admin", "roles/storage.objectAdmin", "roles/storage.objectCreator",
    "roles/storage.objectUser", "roles/storage.legacyBucketWriter", "roles/storage.legacyBucketOwner",
    "roles/owner", "roles/editor",
})
"""Predefined roles that can create or delete objects (for a bucket the code does not define)."""
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
BUCKET_IAM = "google_storage_bucket_iam_"


def writers(gcp: GcpAccess, target: StorageTarget) -> Writers:
    """Members that can create or delete objects in the bucket (see the module)."""
    if target.resource is not None:
        return engine_writers(gcp, OBJECT_WRITES, target.resource.address, speculative=True)
    found: Writers = {}
    for binding in gcp.bindings:
        scope = binding.scope
        if scope.kind == "resource" and scope.rtype == "google_storage_bucket":
            if not (isinstance(scope.key, str) and scope.key.removeprefix("b/") == target.name):
                continue
            where, level = "bucket", "yes"
        elif scope.kind == "project":
            where, level = "project", "possible"
        else:
            continue
        if binding.role not in WRITE_ROLES:
            continue
        found.setdefault(binding.member, (level, [hop(_granted_by(gcp, binding),
                                                      f"grants {binding.role} on the {where} to {binding.member}")]))
    return found


def public_access(project: Project, gcp: GcpAccess | None, target: StorageTarget) -> PublicAccess:
    """allUsers/allAuthenticatedUsers bindings on the bucket, and public access prevention."""
    bucket = target.resource
    if bucket is None:
        return PublicAccess()
    prevention = bucket.values.get("public_access_prevention")
    openings = [Opening("member", binding.member, (hop(granted_by, f"grants {binding.role} to {binding.member}"),),
                        prevention != "enforced")
                for binding, granted_by in _bucket_bindings(gcp, bucket) if binding.member in PUBLIC_MEMBERS]
    stated = not isinstance(prevention, (Unknown, Template))
    return PublicAccess(openings, open_guards=["public_access_prevention"]
                        if prevention != "enforced" and stated else [])


def _bucket_bindings(gcp: GcpAccess | None, bucket: Resource) -> list[tuple[Binding, Resource]]:
    """The bindings of bucket IAM resources that name the bucket (reference or literal name),
    with the resource that makes each."""
    found = []
    for binding in gcp.bindings if gcp is not None else ():
        granted_by = _granted_by(gcp, binding)
        if granted_by.type.startswith(BUCKET_IAM) and \
                names_resource(granted_by, "bucket", bucket, [bucket.values.get("name")]):
            found.append((binding, granted_by))
    return found


def _granted_by(gcp: Any, binding: Binding) -> Resource:
    """The IAM resource that makes a binding: its evidence ends with that resource's hop."""
    return gcp.project.resource(binding.evidence[-1].address)
