"""SOD201-SOD205: Terraform state storage.

Whoever can rewrite state can change what Terraform believes exists, outside any review.
These checks read the `backend`/`cloud` blocks of every root module (HCL only: plans carry
no backend) and the storage the code defines for them:

- a backend is anchored on `terraform.backend.<type>` at its block;
- the bucket (storage account) a backend names is found by its literal name, in any root
  module of the scan; a finding about the bucket's own settings is anchored on the bucket
  and names the backends that use it;
- a bucket the code does not define is left alone (`storage_not_defined` lists them).

Vendor semantics followed (Terraform backend documentation and source): the S3 backend
writes state to `bucket`/`key`, locks with `use_lockfile` (S3 lock file, Terraform 1.10+) or
the deprecated `dynamodb_table`; the gcs and azurerm backends lock natively; the http
backend locks only with `lock_address`; the consul backend locks unless `lock = false`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sod_iac.access.storage_model import BACKEND_OF, STORAGE_NAME, StorageTarget
from sod_iac.core.model import Backend, Evidence, Finding, Project, Resource
from sod_iac.rules.approval.common import is_set, managed, text, where
from sod_iac.rules.approval.state_storage import Recognised, recognise
from sod_iac.rules.context import Context

STORAGE_TYPES = {"s3": "aws_s3_bucket", "gcs": "google_storage_bucket", "azurerm": "azurerm_storage_account"}
NAME_ARGUMENT = {"s3": "bucket", "gcs": "bucket", "azurerm": "storage_account_name"}


@dataclass
class Store:
    """Where one backend keeps state, and the resource that defines that storage (if any)."""

    backend: Backend
    name: Any
    resource: Resource | None

    @property
    def kind(self) -> str:
        return self.backend.type

    @property
    def key(self) -> Any:
        if self.kind == "gcs":
            prefix = self.backend.config.get("prefix")
            base = prefix.strip("/") + "/" if isinstance(prefix, str) and prefix.strip("/") else ""
            return f"{base}default.tfstate"
        return self.backend.config.get("key")

    @property
    def label(self) -> str:
        scheme = {"s3": "s3://", "gcs": "gs://", "azurerm": "azurerm://"}[self.kind]
        if self.kind == "azurerm":
            container = self.backend.config.get("container_name")
            return f"{scheme}{text(self.name)}/{text(container)}/{text(self.key)}"
        return f"{scheme}{text(self.name)}/{text(self.key)}"

    @property
    def target(self) -> StorageTarget:
        """The state objects, as the engines' storage questions take them (access/storage.py)."""
        return StorageTarget(self.kind, self.name, self.key, self.resource, self.label)


@dataclass
class Bucket:
    """A storage resource the code defines, with every backend that keeps state in it, or,
    when no backend block names it, why it was taken for state storage (state_storage.py)."""

    resource: Resource
    stores: list[Store] = field(default_factory=list)
    recognised: Recognised | None = None

    @property
    def kind(self) -> str:
        return BACKEND_OF[self.resource.type]

    def usage(self) -> str:
        """How the bucket is known to hold state, for messages."""
        if self.recognised is not None:
            return ("named by no backend block of the scan but taken for state storage because "
                    + "; ".join(self.recognised.reasons))
        return "used by " + ", ".join(f"{s.backend.address}{where(s.backend.location)}" for s in self.stores)

    @property
    def target(self) -> StorageTarget:
        """The whole storage, as the engines' storage questions take it (access/storage.py)."""
        return StorageTarget(self.kind, self.resource.values.get(STORAGE_NAME[self.resource.type]),
                             resource=self.resource, label=self.resource.address)

    def backend_hops(self) -> list[Evidence]:
        if self.recognised is not None:
            return list(self.recognised.evidence)
        return [Evidence(address=s.backend.address, detail=f"keeps state in {s.label}",
                         location=s.backend.location) for s in self.stores]


def stores(project: Project) -> list[Store]:
    """Every backend of a storage type we know, with the storage resource it names."""
    found = []
    for backend in project.backends:
        if backend.type not in STORAGE_TYPES:
            continue
        name = backend.config.get(NAME_ARGUMENT[backend.type])
        found.append(Store(backend, name, _storage_resource(project, backend.type, name)))
    return found


def _storage_resource(project: Project, kind: str, name: Any) -> Resource | None:
    if not isinstance(name, str) or not name:
        return None
    rtype = STORAGE_TYPES[kind]
    for resource in managed(project, rtype):
        if resource.values.get(STORAGE_NAME[rtype]) == name:
            return resource
    return None


def buckets(project: Project) -> list[Bucket]:
    """Storage that backend blocks name, then storage the code shows to be state storage."""
    grouped: dict[tuple[str, str], Bucket] = {}
    for store in stores(project):
        if store.resource is not None:
            key = (store.resource.module_dir, store.resource.address)
            grouped.setdefault(key, Bucket(store.resource)).stores.append(store)
    named = [b.resource.address for b in grouped.values()]
    return [*grouped.values(), *(Bucket(r.resource, recognised=r) for r in recognise(project, named))]


def storage_not_defined(project: Project) -> list[str]:
    """State storage that backends name but the scanned code does not define, for the
    summary ("state storage not defined here"): its settings are not judged."""
    out = []
    for store in stores(project):
        if store.resource is None:
            what = "no name in the block (partial configuration)" if not is_set(store.name) else store.label
            out.append(f"{store.backend.address}{where(store.backend.location)}: {what}")
    return out


def state_finding(ctx: Context, rule_id: str, anchor: Backend | Resource, message: str, **kwargs: Any) -> Finding:
    """A finding on a backend or a resource. Backends of different root modules share the
    address `terraform.backend.<type>`: naming the root module puts it in their identity."""
    if isinstance(anchor, Backend):
        return ctx.finding(rule_id, anchor.address, message, location=anchor.location,
                           root=anchor.module_dir or None, **kwargs)
    return ctx.finding(rule_id, anchor.address, message, **kwargs)


def backend_hop(backend: Backend, detail: str) -> Evidence:
    return Evidence(address=backend.address, detail=detail, location=backend.location)

