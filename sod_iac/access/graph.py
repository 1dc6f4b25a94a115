"""Cloud-neutral shapes of the access layer: principals, decisions and evidence.

Each cloud module (aws.py, later gcp.py, azure.py, ...) builds its own engine; the
AccessGraph holds them so that rules ask one object "who can do what".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sod_iac.core.model import Evidence, LoadError, Location

Level = Literal["yes", "conditional", "possible", "restricted", "no"]
"""How a permission is held:
- yes: the code states it for certain;
- conditional: behind a condition the principal can satisfy itself (e.g. aws:RequestTag);
- possible: it depends on a value the code does not state (unknown account, variable, ARN);
- restricted: behind a condition the principal cannot satisfy at will (e.g. aws:SourceIp);
- no: not held.
"""

HELD: frozenset[str] = frozenset({"yes", "conditional", "possible"})
"""Levels that count as holding a duty (escalation, combined duties)."""

_OUTSIDE: dict[str, Level] = {"yes": "no", "possible": "possible"}


def outside_listed(level: Level) -> Level:
    """NotResource: a statement applies where none of its listed resources matches; `level` is
    how a listed one matches (not where one surely does, perhaps where one may, else surely)."""
    return _OUTSIDE.get(level, "yes")


_RANK = {"no": 0, "restricted": 1, "possible": 2, "conditional": 3, "yes": 4}


def best(*levels: Level) -> Level:
    """The strongest of several ways to hold a permission."""
    return max(levels, key=_RANK.__getitem__, default="no")


def weakest(*levels: Level) -> Level:
    """The weakest link of a chain (e.g. an assumed role reached only 'possibly')."""
    return min(levels, key=_RANK.__getitem__, default="no")


@dataclass(frozen=True)
class Principal:
    """Someone who can act: its id is its address when the code defines it (DESIGN.md)."""

    id: str
    cloud: str
    kind: str
    name: str | None = None
    location: Location | None = None

    @property
    def label(self) -> str:
        """How messages name it: its id, with what it is when the id does not say it
        (`data.aws_caller_identity.current (the identity running Terraform)`)."""
        return f"{self.id} ({self.name})" if self.kind == "caller" and self.name else self.id


@dataclass
class Decision:
    """The answer to "can P do A on R?", with the grants (and role hops) that give it."""

    level: Level = "no"
    evidence: list[Evidence] = field(default_factory=list)
    denied_by: list[Evidence] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return self.level in HELD


class AccessGraph:
    """Every cloud engine built for one Project; rules reach AWS through `aws` (None when
    the project has no AWS resources)."""

    @property
    def aws(self):
        return None

    def principals(self) -> list[Principal]:
        found: list[Principal] = []
        if self.aws is not None:
            found.extend(self.aws.principals())
        return found

    def incomplete(self) -> list[LoadError]:
        """Errors for the principals whose analysis an engine cut short (a safety net against
        a pathological estate): the scan finishes, and is reported incomplete (exit 2)."""
        return []
