"""Condition operators read into their parts (ForAllValues/ForAnyValue, base, IfExists,
negation), and when a test on a key absent from the request is true.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_OPERATORS = frozenset({
    "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase",
    "stringlike", "stringnotlike", "numericequals", "numericnotequals", "numericlessthan",
    "numericlessthanequals", "numericgreaterthan", "numericgreaterthanequals", "dateequals",
    "datenotequals", "datelessthan", "datelessthanequals", "dategreaterthan",
    "dategreaterthanequals", "bool", "binaryequals", "ipaddress", "notipaddress", "arnequals",
    "arnlike", "arnnotequals", "arnnotlike", "null"})
_NEGATED = frozenset({"stringnotequals", "stringnotequalsignorecase", "stringnotlike",
                      "numericnotequals", "datenotequals", "notipaddress", "arnnotequals",
                      "arnnotlike"})


@dataclass(frozen=True)
class _Operator:
    set_op: str  # "", "forallvalues", "foranyvalue"
    base: str
    if_exists: bool
    negated: bool

    @property
    def true_when_absent(self) -> bool:
        """AWS: a missing key makes a condition false, except IfExists, negated operators and
        ForAllValues (true on an empty set); ForAnyValue is false on an empty set."""
        return self.if_exists or self.set_op == "forallvalues" or (
            self.negated and self.set_op != "foranyvalue")


def _parse_operator(text: Any) -> _Operator | None:
    if not isinstance(text, str):
        return None
    low, set_op = text.lower(), ""
    for prefix in ("forallvalues:", "foranyvalue:"):
        if low.startswith(prefix):
            set_op, low = prefix[:-1], low[len(prefix):]
    if_exists = low.endswith("ifexists")
    if if_exists:
        low = low[: -len("ifexists")]
    if low not in _OPERATORS or (if_exists and low == "null"):
        return None
    return _Operator(set_op, low, if_exists, low in _NEGATED)
