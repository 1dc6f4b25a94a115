"""What a secret and its readers are: the types every `secret_readers_<cloud>.py` fills and the
helpers they share.

Below secrets.py (which gathers the cloud modules behind one API) so the cloud modules never
import the module that imports them. Reader sets are over-approximations (DESIGN.md, "unknown
means possible"): a grant that might apply makes a reader at level "possible".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from sod_iac.access.cloud_common import is_unstated
from sod_iac.access.graph import Level, best, weakest
from sod_iac.core.model import Evidence, Location, Resource

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
    return weakest(level, "possible") if is_unstated(principal) else level


def merge_reader(readers: dict[str, Reader], reader: Reader) -> None:
    """Keep the strongest way each principal reads (first evidence on a tie)."""
    current = readers.get(reader.principal)
    if current is None or best(current.level, reader.level) != current.level:
        if current is not None and not reader.scope:
            reader.scope = current.scope
        readers[reader.principal] = reader
