"""State storage that no backend block of the scan names, recognised by what it is (SOD201, SOD205).

Modules that create state storage for others (a "tfstate backend" module) write no backend
block naming their bucket: the consumers live elsewhere, or the module writes their backend
configuration from a template. Such a bucket is judged as state storage when the code shows it
is one, and the finding says why it was taken for one:

- it is paired with a DynamoDB table whose hash key is `LockID`: the table the S3 backend's
  `dynamodb_table` locks state in (Terraform "Backend Type: s3": the table "must have a
  partition key named LockID with type of String"), when it is the only bucket of the
  table's module (else, of the modules that module calls);
- its name, its address or its module's name says Terraform state (`tfstate`,
  `terraform-state`, `tf_state`, `terraform-backend`, ...), or an Azure storage container
  named so is in the storage account;
- a consumer elsewhere in the code names it: a `terraform_remote_state` data source reading
  state from it, or a file the code writes (`local_file`) with a backend configuration
  (`backend "s3"`, `use_lockfile`, `dynamodb_table`) that refers to it.

Buckets named for logs are never taken for state storage by name or pairing: a state
module's access-log bucket holds logs, not state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sod_iac.access.storage_model import BACKEND_OF, STORAGE_NAME
from sod_iac.core.model import Evidence, Project, Resource
from sod_iac.core.values import Template
from sod_iac.rules.approval.common import hop, managed, names_resource, refers_to

_STATE_WORDS = re.compile(
    r"tf[-_.]?state|terraform[-_.]?state|tofu[-_.]?state|(?:tf|terraform|tofu)[-_.]?backend|state[-_.]?backend",
    re.IGNORECASE)
_LOG_WORDS = re.compile(r"(?:^|[-_.\s/])(?:logs?|logging|access[-_]?logs?)(?:$|[-_.\s/])", re.IGNORECASE)
_BACKEND_TEXT = re.compile(r"backend\s+\"(?:s3|gcs|azurerm)\"|use_lockfile|dynamodb_table")


@dataclass
class Recognised:
    """A storage resource taken for state storage, and why."""

    resource: Resource
    reasons: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def recognise(project: Project, named: Iterable[str]) -> list[Recognised]:
    """Storage resources not among `named` (addresses a backend block names) that the code
    shows to be state storage, in the project's order."""
    skip = set(named)
    found: dict[str, Recognised] = {}

    def add(resource: Resource, reason: str, evidence: list[Evidence]) -> None:
        if resource.address in skip:
            return
        entry = found.setdefault(resource.address, Recognised(resource))
        entry.reasons.append(reason)
        entry.evidence.extend(evidence)

    storage = managed(project, *STORAGE_NAME)
    for table in managed(project, "aws_dynamodb_table"):
        if table.values.get("hash_key") != "LockID":
            continue
        for bucket in _paired(storage, table):
            add(bucket, f"it is paired with {table.address}, a DynamoDB table whose hash key is LockID (the S3 "
                        "backend's lock table)", [hop(table, 'hash_key = "LockID": a Terraform state lock table')])
    for resource in storage:
        said = _state_words(resource)
        if said:
            add(resource, f"its {said} says Terraform state", [])
    for container in managed(project, "azurerm_storage_container"):
        if not _STATE_WORDS.search(_known_text(container.values.get("name"))):
            continue
        for account in storage:
            if account.type == "azurerm_storage_account" and _names(container, account,
                                                                    ("storage_account_name", "storage_account_id")):
                add(account, f"its container {container.address} is named {container.values.get('name')}",
                    [hop(container, f"container {container.values.get('name')}")])
    for consumer in project.resources:
        if consumer.type == "terraform_remote_state" and consumer.mode == "data":
            config = consumer.values.get("config")
            backend = consumer.values.get("backend")
            for resource in storage:
                if isinstance(config, dict) and backend == BACKEND_OF[resource.type] \
                        and _config_names(config, resource):
                    add(resource, f"{consumer.address} reads Terraform state from it",
                        [hop(consumer, f"reads {backend} state from {resource.address}")])
        elif consumer.type in ("local_file", "local_sensitive_file") and consumer.mode == "managed":
            content = consumer.values.get("content")
            if not _BACKEND_TEXT.search(_known_text(content)):
                continue
            for resource in storage:
                if refers_to(consumer, "content", resource.address):
                    add(resource, f"{consumer.address} writes a backend configuration that names it",
                        [hop(consumer, f"writes a backend configuration naming {resource.address}")])
    return list(found.values())


def _paired(storage: list[Resource], table: Resource) -> list[Resource]:
    """The one bucket of the lock table's module (else of the modules it calls), log buckets
    aside. Several: the table does not say which holds the state, none is paired (each may
    still be recognised another way)."""
    buckets = [b for b in storage if b.type == "aws_s3_bucket" and not _is_log(b)]
    same = [b for b in buckets if b.module == table.module]
    if not same:
        prefix = f"{table.module}." if table.module else "module."
        same = [b for b in buckets if b.module.startswith(prefix)]
    return same if len(same) == 1 else []


def _state_words(resource: Resource) -> str:
    """Which of the resource's names says Terraform state ('' when none, or it is a log bucket)."""
    if _is_log(resource):
        return ""
    name = _known_text(resource.values.get(STORAGE_NAME[resource.type]))
    prefix = _known_text(resource.values.get("bucket_prefix"))
    if _STATE_WORDS.search(name) or _STATE_WORDS.search(prefix):
        return f"name {name or prefix}"
    if _STATE_WORDS.search(resource.name):
        return f"address {resource.address}"
    if _STATE_WORDS.search(resource.module):
        return f"module {resource.module}"
    return ""


def _is_log(resource: Resource) -> bool:
    texts = (_known_text(resource.values.get(STORAGE_NAME[resource.type])),
             _known_text(resource.values.get("bucket_prefix")), resource.name)
    return any(_LOG_WORDS.search(text) for text in texts)


def _known_text(value: Any) -> str:
    """The text the code states (the known parts of a template)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Template):
        return " ".join(p for p in value.parts if isinstance(p, str))
    return ""


def _names(resource: Resource, target: Resource, arguments: Iterable[str]) -> bool:
    name = target.values.get(STORAGE_NAME[target.type])
    return any(names_resource(resource, argument, target, [name]) for argument in arguments)


def _config_names(config: dict[str, Any], target: Resource) -> bool:
    argument = "storage_account_name" if target.type == "azurerm_storage_account" else "bucket"
    value = config.get(argument)
    name = target.values.get(STORAGE_NAME[target.type])
    if isinstance(value, str):
        return isinstance(name, str) and value == name
    refs = [value] if hasattr(value, "address") else list(getattr(value, "refs", ()))
    return any(getattr(ref, "address", None) == target.address for ref in refs)
