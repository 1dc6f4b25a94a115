"""Small helpers shared by the approval-family rules (the sod2NN modules of this folder).

They read Resource values in plan-JSON shape (nested blocks are lists of objects) and keep
the "unknown means possible" convention explicit: a helper that cannot tell says so (None)
instead of guessing, and each rule decides what an unknown means for its own question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field

from sod_iac.core.arguments import blocks, flag, managed, names_resource, number, refers_to
from sod_iac.core.model import Evidence, Location, Resource, worst_severity
from sod_iac.core.values import Template, Unknown
from sod_iac.rules.options import PER_RESOURCE, Regex

# argument readers every layer shares (core/arguments.py), re-exported for the approval rules
__all__ = ["blocks", "flag", "managed", "names_resource", "number", "refers_to"]


def unstated(value: Any) -> bool:
    """A value the code sets but does not state (a reference, a variable without a value):
    the rules do not judge a setting they cannot read."""
    return isinstance(value, (Unknown, Template))


def not_on(value: Any) -> bool:
    """A boolean setting that is certainly not on: false, or left at a default of false."""
    return flag(value) is not True and not unstated(value)


def first(value: Any) -> dict[str, Any]:
    found = blocks(value)
    return found[0] if found else {}


def is_set(value: Any) -> bool:
    """An argument the code sets to something (unknown values count: they are set)."""
    if value is None or value == "" or value == [] or value == {}:
        return False
    return True


def text(value: Any) -> str:
    """How a value reads in a message: strings as is, unknown parts as `${...}`."""
    if isinstance(value, (Unknown, Template)):
        return str(value)
    return str(value)


def hop(resource: Resource, detail: str) -> Evidence:
    return Evidence(address=resource.address, detail=detail, location=resource.location)


def where(location: Location | None) -> str:
    return f" ({location})" if location is not None else ""


class Production:
    """Decides whether names and tags look like production, from the `production` setting:
    whole-word patterns (regular expressions, case-insensitive). No pattern: nothing is."""

    def __init__(self, patterns: Iterable[str]) -> None:
        chosen = [p for p in patterns if isinstance(p, str) and p]
        self.regex = re.compile(r"(?<![a-z0-9])(?:" + "|".join(f"(?:{p})" for p in chosen) + r")(?![a-z0-9])"
                                if chosen else r"(?!)", re.IGNORECASE)

    def match(self, *values: Any) -> str | None:
        """'yes' when a known text matches, 'possible' when a value is unknown, else None."""
        unknown = False
        for value in _texts(values):
            if isinstance(value, str):
                if self.regex.search(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", value)):
                    return "yes"
            else:
                unknown = True
        return "possible" if unknown else None


def _texts(values: Iterable[Any]) -> Iterator[Any]:
    for value in values:
        if value is None:
            continue
        if isinstance(value, dict):
            for key, inner in value.items():
                yield str(key)
                yield from _texts([inner])
        elif isinstance(value, (list, tuple, set, frozenset)):
            yield from _texts(value)
        elif isinstance(value, Template):
            known = "".join(p for p in value.parts if isinstance(p, str))
            yield known
            yield value  # the unknown part may still say "prod"
        elif isinstance(value, Unknown):
            yield value
        elif isinstance(value, (str, int, float)):
            yield str(value)


class ProductionOptions(BaseModel):
    """The option of every rule that judges production differently (SOD210, SOD213, SOD215):
    one declaration, so the rules cannot disagree on its type or default."""

    production: list[Regex] = Field(
        default_factory=lambda: ["prod", "production", "prd", "live"],
        description="whole-word regular expressions that mark production in names, tags, branches",
        json_schema_extra=PER_RESOURCE)


class ProductionSetting:
    """A rule's `production` setting, resolved for each resource it judges (`resources.ADDRESS`)."""

    def __init__(self, ctx: Any, rule_id: str) -> None:
        self.ctx, self.rule_id = ctx, rule_id

    def at(self, address: str) -> Production:
        return _production(tuple(self.ctx.option(self.rule_id, "production", address=address)))


@lru_cache(maxsize=64)
def _production(patterns: tuple[str, ...]) -> Production:
    return Production(patterns)


def production(ctx: Any, rule_id: str) -> ProductionSetting:
    return ProductionSetting(ctx, rule_id)


Weak = list[tuple[str, str]]
"""What a gate lacks, with the severity each lack gives: (problem, severity)."""


def worst(severities: Iterable[str]) -> str:
    return worst_severity(severities, default="low")
