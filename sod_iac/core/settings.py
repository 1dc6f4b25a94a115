"""The settings rules read: one table (type, default, readers) and one resolver.

Why one table: config loading validates every `rules.ID.*` and `resources.*.*` key against
what the rules really read, so a setting nothing reads is an error instead of a silent no-op;
and a rule's default lives here, not at each call site.

Why one resolver: a rule asks for a setting *for the resource its finding anchors on*; the
answer comes from, in order, `resources.<exact address>`, `resources.<wildcard>` (the most
specific pattern: most literal characters, then the earlier one in the file), `rules.<ID>`
(exact id over wildcards), the top level, and last the default below.

This module is data plus one lookup: no I/O, importable inside Checkov's environment.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from sod_iac.util.wildcard import is_pattern, matches

_PRODUCTION_READERS = ("SOD210", "SOD213", "SOD215")


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a regular expression ({exc})") from exc
    return value


Regex = Annotated[str, AfterValidator(_regex)]


@dataclass(frozen=True)
class Setting:
    """One setting: its pydantic type, its default, the rules that read it and whether they
    read it per resource (`resources.ADDRESS.name` is only valid then)."""

    type: Any
    default: Any
    rules: tuple[str, ...]
    per_resource: bool
    doc: str


SETTINGS: dict[str, Setting] = {
    "max_readers": Setting(Annotated[int, Field(ge=0)], 1, ("SOD301",), True,
                           "principals that may read a secret"),
    "secrets": Setting(dict[str, Annotated[int, Field(ge=0)]], {}, ("SOD301",), False,
                       "max_readers per secret address (same as resources.ADDRESS.max_readers)"),
    "max_writers": Setting(Annotated[int, Field(ge=0)], 1, ("SOD203",), True,
                           "principals that may write Terraform state"),
    "allowed_writers": Setting(list[str], [], ("SOD203",), True,
                               "principals expected to write state (not counted as extra)"),
    "production": Setting(list[Regex], ["prod", "production", "prd", "live"], _PRODUCTION_READERS, True,
                          "whole-word regular expressions that mark production in names, tags, branches"),
    "environments": Setting(dict[str, list[str]], {
        "production": ["prod", "production", "prd", "live"],
        "staging": ["staging", "stage", "stg", "preprod", "uat"],
        "test": ["test", "tst", "qa"],
        "development": ["dev", "develop", "development", "sandbox"],
    }, ("SOD121",), False, "environment name -> words that mark it"),
    "accounts": Setting(dict[str, str], {}, ("SOD121",), False,
                        "account / project / subscription id -> environment"),
    "reviewed_refs": Setting(list[str], ["refs/heads/main", "refs/heads/master"], ("SOD120",), False,
                             "git refs whose changes are reviewed (one list: it decides which CI trusts count)"),
    "min_approvals": Setting(Annotated[int, Field(ge=1)], 1, ("SOD212",), True,
                             "approving reviews a protected branch must require"),
}


def readers(name: str) -> tuple[str, ...]:
    """The rules that read `name` (empty for a name no rule reads)."""
    setting = SETTINGS.get(name)
    return setting.rules if setting is not None else ()


def specificity(pattern: str) -> tuple[int, int]:
    """Sort key, most specific first: exact addresses, then patterns with more literal text."""
    return (1 if is_pattern(pattern) else 0, -len(pattern.replace("*", "").replace("?", "")))


def resolve(config: dict[str, Any], rule_id: str, name: str, address: str | None = None) -> Any:
    """The value of setting `name` for rule `rule_id` and (optionally) the resource at `address`.

    `config` is the lowered form `Config.rule_config()` builds: `rules` (per rule, top level
    already merged), `resources` (pattern, settings) pairs most specific first. A name the
    table does not give to this rule is a programming error (KeyError), never a silent default.
    """
    setting = _declared(rule_id, name)
    if address is not None:
        found, value = resolve_resource(config, rule_id, name, address)
        if found:
            return value
    per_rule = (config.get("rules") or {}).get(rule_id) or {}
    if name in per_rule:
        return per_rule[name]
    return copy.deepcopy(setting.default)


def resolve_resource(config: dict[str, Any], rule_id: str, name: str, address: str) -> tuple[bool, Any]:
    """(found, value) of `name` from the first (most specific) `resources` entry matching `address`."""
    if not _declared(rule_id, name).per_resource:
        raise KeyError(f"{rule_id} reads {name!r} for the whole scan, not per resource (sod_iac/core/settings.py)")
    for pattern, values in config.get("resources") or ():
        if name in values and matches(pattern, address):
            return True, values[name]
    return False, None


def _declared(rule_id: str, name: str) -> Setting:
    setting = SETTINGS.get(name)
    if setting is None or rule_id not in setting.rules:
        raise KeyError(f"{rule_id} does not declare the setting {name!r} (sod_iac/core/settings.py)")
    return setting
