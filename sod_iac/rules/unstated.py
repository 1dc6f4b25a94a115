"""What a "possible" finding depends on, said in its message (issue 17): the values the code
leaves open, as written (`${var.account}`, the member of a binding the code cannot evaluate),
so that a reviewer knows which value to look up; the generic sentence only when none shows."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sod_iac.core.model import Evidence

_NAMED = re.compile(r"\$\{((?:var|local|module|data)\.[^}]*)\}")
"""A value read from an input or another object that the evaluator could not know."""
_UNSTATED_PRINCIPAL = re.compile(r"\(unknown (\w+) of ([^)]+)\)")
"""cloud_common.unstated_principal's name for a principal the code does not state."""
SHOWN = 3


def unstated_values(texts: Iterable[str]) -> list[str]:
    """The open values named in `texts` (evidence details, scopes, principals), in order, once."""
    found: list[str] = []
    for text in texts:
        found += [m.group(0) for m in _NAMED.finditer(text)]
        found += [f"the {m.group(1)} of {m.group(2)}" for m in _UNSTATED_PRINCIPAL.finditer(text)]
    return list(dict.fromkeys(found))


def possible_note(texts: Iterable[str], what: str = "possible") -> str:
    """` (possible: ${var.kms_key_arn} is not in the code)`; `what` heads it (`2 of them possible`)."""
    names = unstated_values(texts)
    if not names:
        return f" ({what}: depends on values the code does not state)"
    shown = names[:SHOWN] + ([f"{len(names) - SHOWN} more"] if len(names) > SHOWN else [])
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    return f" ({what}: {listed} {'is' if len(names) == 1 else 'are'} not in the code)"


def texts_of(evidence: Iterable[Evidence]) -> list[str]:
    """The words of an evidence chain where open values show: each hop's address and detail."""
    return [part for hop in evidence for part in (hop.address, hop.detail)]
