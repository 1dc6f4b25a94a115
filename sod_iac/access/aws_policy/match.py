"""Three-valued matching (`Match`: "yes", "possible", "no") and how unknown values read.

Values from static evaluation may be unknown (`sod_iac.core.values`): matching errs toward "possible"
(DESIGN.md: unknown means possible), never toward "no" unless the known text rules a match out.
"""

from __future__ import annotations

from typing import Any, Literal

from sod_iac.core.values import Ref, Template, Unknown

Match = Literal["yes", "possible", "no"]


_RANK = {"no": 0, "possible": 1, "yes": 2}


def best(*results: Match) -> Match:
    """The strongest of several alternatives (an OR): "yes" > "possible" > "no"."""
    return max(results, key=_RANK.__getitem__, default="no")


_NEGATED: dict[str, Match] = {"yes": "no", "no": "yes"}


def negate(result: Match) -> Match:
    """NOT for Match: used by NotResource and NotPrincipal."""
    return _NEGATED.get(result, "possible")


def _unknown(value: Any) -> bool:
    return isinstance(value, (Unknown, Template))


def _why(value: Any) -> str:
    if isinstance(value, Ref):
        return value.address + ("." + value.attribute if value.attribute else "")
    if isinstance(value, Unknown):
        return value.reason
    return str(value)
