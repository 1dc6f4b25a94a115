"""Who can read each secret: one reader set per secret, every reader with its evidence.

A secret is a resource whose value must stay with the workload that uses it: AWS Secrets
Manager secrets and SSM SecureString parameters, GCP Secret Manager secrets, Azure Key Vault
secrets, Kubernetes Secrets, Vault KV secrets and organisation-wide CI secrets (GitHub
organisation secrets, GitLab group variables). Each cloud has its own module
(`secret_readers_<cloud>.py`) that knows what "read" means there; this module gathers them
behind one small API:

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

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from sod_iac.access.graph import Level, best, weakest
from sod_iac.core.model import Evidence, Location, Project, Resource

COUNTED: frozenset[str] = frozenset({"yes", "conditional", "possible", "restricted"})
"""Levels that make a reader. "restricted" counts too: a reader behind a network or similar
condition still reads the secret from where the condition holds (sets over-approximate)."""

PUBLIC_SCOPES = ("public", "all-authenticated", "organisation", "account", "domain", "cluster")
"""Scopes of a reader that stands for everyone in some population (SOD302)."""


@dataclass(frozen=True)
class Secret:
    """A secret the code defines."""

    address: str
    cloud: str  # aws | gcp | azure | kubernetes | vault | ci
    kind: str  # human wording: "Secrets Manager secret", "Kubernetes Secret", ...
    name: str | None
    resource: Resource
    limit: int | None = None
    """Allowed readers stated on the secret itself (tag, label or annotation
    `sod-iac:max-readers`); None when not stated."""

    @property
    def location(self) -> Location | None:
        return self.resource.location

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}" if self.name else self.kind


@dataclass
class Reader:
    """A principal that can read a secret, and why.

    `scope` is set when the reader stands for a whole population (`*` in a resource policy,
    `allUsers`, `system:authenticated`, an organisation): see PUBLIC_SCOPES. `members` lists
    the members the code gives a group reader (the group reads; so does each member)."""

    principal: str
    level: Level
    evidence: list[Evidence] = field(default_factory=list)
    how: str = ""
    scope: str | None = None
    members: list[str] = field(default_factory=list)


@dataclass
class NonReader:
    """A principal that gets part of the way but not to the value (who-can explains it):
    e.g. GetSecretValue allowed but kms:Decrypt not, or an Allow removed by a Deny."""

    principal: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class ReaderSet:
    secret: Secret
    readers: list[Reader] = field(default_factory=list)
    blocked: list[NonReader] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def counted(self) -> list[Reader]:
        return [r for r in self.readers if r.level in COUNTED]

    @property
    def principals(self) -> list[str]:
        return sorted({r.principal for r in self.counted})

    @property
    def public(self) -> list[Reader]:
        return [r for r in self.counted if r.scope in PUBLIC_SCOPES]

    def reader(self, principal: str) -> Reader | None:
        return next((r for r in self.readers if r.principal == principal), None)


@dataclass
class ReadsAll:
    """A principal that can read every secret of a kind, unconstrained (SOD303)."""

    principal: str
    what: str  # "every Secrets Manager secret", "every secret in project acme-prod", ...
    evidence: list[Evidence] = field(default_factory=list)
    location: Location | None = None


class Backend(Protocol):
    """What a cloud module provides."""

    def secrets(self) -> list[Secret]: ...

    def readers(self, secret: Secret) -> ReaderSet: ...

    def reads_everything(self) -> list[ReadsAll]: ...


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

    def secrets(self) -> list[Secret]:
        if self._owner is None:
            self._owner = {}
            for backend in self.backends:
                for secret in backend.secrets():
                    self._owner.setdefault(secret.address, (secret, backend))
            self._sorted = sorted((s for s, _ in self._owner.values()), key=lambda s: s.address)
        return list(self._sorted)

    def secret(self, address: str) -> Secret | None:
        self.secrets()
        found = self._owner.get(address) if self._owner is not None else None
        return found[0] if found is not None else None

    def readers(self, secret: Secret | str) -> ReaderSet:
        if isinstance(secret, str):
            found = self.secret(secret)
            if found is None:
                raise KeyError(secret)
            secret = found
        if secret.address not in self._readers:
            self.secrets()
            _, backend = self._owner[secret.address]  # type: ignore[index]
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


# --- helpers the cloud modules share ------------------------------------------------------

_LIMIT_KEY = re.compile(r"^sod-iac[:/_.\-]max[-_]readers$", re.I)


def stated_limit(*maps: Any) -> int | None:
    """`sod-iac:max-readers` from tags, labels or annotations (any of `:`, `/`, `_`, `-`, `.`
    as separator, since GCP labels and Kubernetes annotations cannot all hold a colon)."""
    for values in maps:
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if isinstance(key, str) and _LIMIT_KEY.match(key):
                try:
                    return max(0, int(str(value).strip()))
                except ValueError:
                    continue
    return None


def reader_level(principal: str, level: Level) -> Level:
    """A grant to a principal the code does not state (cloud_common.unstated_principal) is
    certain, but whether it adds a reader is not: it may name one already counted. Possible."""
    from sod_iac.access.cloud_common import is_unstated

    return weakest(level, "possible") if is_unstated(principal) else level


def merge_reader(readers: dict[str, Reader], reader: Reader) -> None:
    """Keep the strongest way each principal reads (first evidence on a tie)."""
    current = readers.get(reader.principal)
    if current is None or best(current.level, reader.level) != current.level:
        if current is not None and not reader.scope:
            reader.scope = current.scope
        readers[reader.principal] = reader


__all__ = ["Secret", "Reader", "NonReader", "ReaderSet", "ReadsAll", "SecretAccess", "secret_access",
           "stated_limit", "reader_level", "COUNTED", "PUBLIC_SCOPES"]
