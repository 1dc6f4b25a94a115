"""How an evidence chain is shown to people: each hop once, shared hops named in one line.

Why: the findings of one estate pass through the same policies and attachments (every duty of
a role through its one policy; fourteen SOD110 findings through one admin role). Printing the
whole chain again each time buries the part that differs. So a hop already shown, in this
finding or an earlier one, is named in one "as above" line; a statement hop (the grant as
written, what a reviewer changes) is shown in full in every finding that rests on it, once.
A pure presentation of what the Finding holds: the JSON and SARIF reports keep every hop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sod_iac.core.model import Evidence, Finding


@dataclass(frozen=True)
class Repeat:
    """Consecutive hops already shown in full: named (address and location) in one line."""

    hops: tuple[Evidence, ...]


Item = Evidence | Repeat


def _key(hop: Evidence) -> tuple[object, ...]:
    return hop.address, hop.detail, hop.location


class Shown:
    """The hops shown so far in one report, to tell which a finding repeats."""

    def __init__(self) -> None:
        self._seen: set[tuple[object, ...]] = set()

    def items(self, hops: Iterable[Evidence]) -> list[Item]:
        """The finding's hops in order: new ones as they are, runs of repeats as one Repeat."""
        out: list[Item] = []
        here: set[tuple[object, ...]] = set()
        run: list[Evidence] = []
        for hop in hops:
            key = _key(hop)
            repeated = key in here or (key in self._seen and hop.kind != "statement")
            here.add(key)
            if repeated:
                if all(_key(h) != key for h in run):
                    run.append(hop)
                continue
            if run:
                out.append(Repeat(tuple(run)))
                run = []
            out.append(hop)
        if run:
            out.append(Repeat(tuple(run)))
        self._seen |= here
        return out


def hop_place(hop: Evidence) -> str:
    """`address (file:line)`, or the address alone when the hop has no lines."""
    return f"{hop.address} ({hop.location})" if hop.location else hop.address


def repeat_text(repeat: Repeat) -> str:
    return "as above: " + " → ".join(hop_place(hop) for hop in repeat.hops)


def hop_text(hop: Evidence) -> str:
    """`address (file:line): detail`: one hop as people read it in every report."""
    return f"{hop_place(hop)}: {hop.detail}"


def statements_first(hops: Sequence[Evidence]) -> list[Evidence]:
    """Each hop once, the statement hops (what a reviewer changes) before the hops that say how
    they reach the principal; otherwise in chain order."""
    unique: dict[tuple[object, ...], Evidence] = {}
    for hop in hops:
        unique.setdefault(_key(hop), hop)
    ordered = list(unique.values())
    return [h for h in ordered if h.kind == "statement"] + [h for h in ordered if h.kind != "statement"]


def who(f: Finding) -> str:
    """Whom a finding is about: its principal, else its anchor (the secret, the backend, ...)."""
    return f.principal or f.resource
