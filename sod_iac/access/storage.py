"""The storage questions, asked of whichever cloud keeps the storage (the shapes and what they
mean are in storage_model.py; each cloud answers in storage_<cloud>.py):

    writers(project, access, target)        -> {principal: (level, evidence)}
    public_access(project, access, target)  -> PublicAccess

`access` is the scan's AccessGraph (rules pass `ctx.access`). A cloud whose engine is absent (no
resources of that cloud, or it failed to build: the scan already reports that) has no writers;
what public access needs of the engine is then read without it where it can be.
"""

from __future__ import annotations

from typing import Any

from sod_iac.access import storage_aws, storage_azure, storage_gcp
from sod_iac.access.storage_model import PublicAccess, StorageTarget, Writers
from sod_iac.core.model import Project

_ENGINE = {"s3": "aws", "gcs": "gcp", "azurerm": "azure"}


def _engine(access: Any, kind: str) -> Any:
    return getattr(access, _ENGINE[kind], None) if access is not None else None


def writers(project: Project, access: Any, target: StorageTarget) -> Writers:
    """Who can write or delete objects of the target storage (storage_model.py)."""
    engine = _engine(access, target.kind)
    if engine is None:
        return {}
    answer = {"s3": storage_aws.writers, "gcs": storage_gcp.writers, "azurerm": storage_azure.writers}[target.kind]
    return answer(engine, target)


def public_access(project: Project, access: Any, target: StorageTarget) -> PublicAccess:
    """How the code opens the target storage to everyone (storage_model.py)."""
    engine = _engine(access, target.kind)
    if target.kind == "s3":
        return storage_aws.public_access(project, engine, target)
    if target.kind == "gcs":
        return storage_gcp.public_access(project, engine, target)
    return storage_azure.public_access(project, target)


__all__ = ["PublicAccess", "StorageTarget", "Writers", "public_access", "writers"]
