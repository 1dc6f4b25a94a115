"""Who can read each secret: one reader set per secret, every reader with its evidence.

A secret is a resource whose value must stay with the workload that uses it: AWS Secrets
Manager secrets and SSM SecureString parameters, GCP Secret Manager secrets, Azure Key Vault
secrets, Kubernetes Secrets, Vault KV secrets and organisation-wide CI secrets (GitHub
organisation secrets, GitLab group variables). Each cloud has its own module
(`secret_readers_<cloud>.py`) that knows what "read" means there; this module gathers them
behind one small API (the types they fill, Secret, Reader, ReaderSet..., are in secret_model):

    access = secret_access(project, graph)
    for secret in access.secrets():
        found = access.readers(secret)      # ReaderSet: readers, near misses, notes
    access.reads_everything()               # principals that can read every secret (SOD303)

Reader sets are over-approximations (DESIGN.md, "unknown means possible"): a grant that might
apply makes a reader at level "possible"; only what the code states for certain removes one.
A reader is a principal as declared: its address when the code defines it, else its identity
as written (an ARN, `user:alice@example.com`, `ServiceAccount:ns/name`), or `*` for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sod_iac.access.secret_model import Backend, ReaderSet, ReadsAll, Secret
from sod_iac.core.model import Project


class SecretAccess:
    """Every secret of a Project and its readers, across clouds (computed on demand, cached)."""

    def __init__(self, project: Project, graph: Any = None, near_misses: bool = False) -> None:
        self.project = project
        self.graph = graph
        self.near_misses = near_misses
        """Also list who comes close to reading (`ReaderSet.blocked`): for `who-can read`; a
        scan does not report them, and finding them all asks about many more principals."""
        self._backends: list[Backend] | None = None
        self._readers: dict[str, ReaderSet] = {}
        self._owner: dict[str, tuple[Secret, Backend]] | None = None
        self._sorted: list[Secret] = []

    @property
    def backends(self) -> list[Backend]:
        if self._backends is None:
            self._backends = list(_build_backends(self.project, self.graph, self.near_misses))
        return self._backends

    def _owners(self) -> dict[str, tuple[Secret, Backend]]:
        """Each secret with the backend that found it first, made once."""
        if self._owner is None:
            self._owner = {}
            for backend in self.backends:
                for secret in backend.secrets():
                    self._owner.setdefault(secret.address, (secret, backend))
            self._sorted = sorted((s for s, _ in self._owner.values()), key=lambda s: s.address)
        return self._owner

    def secrets(self) -> list[Secret]:
        self._owners()
        return list(self._sorted)

    def secret(self, address: str) -> Secret | None:
        found = self._owners().get(address)
        return found[0] if found is not None else None

    def readers(self, secret: Secret | str) -> ReaderSet:
        if isinstance(secret, str):
            found = self.secret(secret)
            if found is None:
                raise KeyError(secret)
            secret = found
        if secret.address not in self._readers:
            _, backend = self._owners()[secret.address]
            result = backend.readers(secret)
            result.readers.sort(key=lambda r: (r.principal != "*", r.principal))
            self._readers[secret.address] = result
        return self._readers[secret.address]

    def reads_everything(self) -> list[ReadsAll]:
        found = [hit for b in self.backends for hit in b.reads_everything()]
        return sorted(found, key=lambda h: (h.principal, h.what))


def _build_backends(project: Project, graph: Any, near_misses: bool = False) -> Iterable[Backend]:
    """One backend per cloud present, on the engines of `graph` (one is built when absent):
    an engine left out of the graph (it failed to build, sod_iac.access) is not built again."""
    from sod_iac.access import build_access

    graph = graph if graph is not None else build_access(project)
    types = {r.type for r in project.resources}
    aws = getattr(graph, "aws", None)
    if aws is not None:
        from sod_iac.access.secret_readers_aws import AwsSecretReaders

        yield AwsSecretReaders(project, aws, near_misses=near_misses)
    gcp = getattr(graph, "gcp", None)
    if gcp is not None:
        from sod_iac.access.secret_readers_gcp import GcpSecretReaders

        yield GcpSecretReaders(project, gcp)
    azure = getattr(graph, "azure", None)
    if azure is not None:
        from sod_iac.access.secret_readers_azure import AzureSecretReaders

        yield AzureSecretReaders(project, azure)
    k8s = getattr(graph, "kubernetes", None)
    if k8s is not None:
        from sod_iac.access.secret_readers_k8s import KubernetesSecretReaders

        yield KubernetesSecretReaders(project, k8s)
    if any(t.startswith("vault_") for t in types):
        from sod_iac.access.secret_readers_vault import VaultSecretReaders

        yield VaultSecretReaders(project)
    from sod_iac.access import secret_readers_ci

    if secret_readers_ci.present(project):
        yield secret_readers_ci.CiSecretReaders(project)


def secret_access(project: Project, graph: Any = None, near_misses: bool = False) -> SecretAccess:
    """The SecretAccess of a project, built once per access graph (rules and the CLI share it)."""
    holder = graph if graph is not None else project
    name = "_sod_iac_secret_access" + ("_near_misses" if near_misses else "")
    cached = getattr(holder, "__dict__", {}).get(name)
    if cached is None or cached.project is not project:
        cached = SecretAccess(project, graph, near_misses)
        holder.__dict__[name] = cached
    return cached


__all__ = ["SecretAccess", "secret_access"]
