"""The settings rules read: one table built from the rules' `Options` models, and one resolver.

Where options live: each rule module that reads settings declares `class Options(BaseModel)`
beside its check, with typed fields, defaults and `Field(description=...)`; a field read per
resource (the address a finding anchors on) carries `json_schema_extra=PER_RESOURCE`. A field
several rules read comes from one shared base class (e.g. `production` of SOD210, SOD213 and
SOD215: approval/common.py) and must be declared alike everywhere.

Why one table: config loading (pipeline/config.py) validates every `rules.ID.*` and
`resources.*.*` key against what the rules really read, so a setting nothing reads is an error
instead of a silent no-op; and a rule's default lives beside it, not at each call site.

Why one resolver: a rule asks for a setting *for the resource its finding anchors on*; the
answer comes from, in order, `resources.<exact address>`, `resources.<wildcard>` (the most
specific pattern: most literal characters, then the earlier one in the file), `rules.<ID>`
(exact id over wildcards), the top level, and last the rule's default.

This module is data plus one lookup: no I/O, importable inside Checkov's environment.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator

from sod_iac.util.wildcard import is_pattern, matches

PER_RESOURCE = {"per_resource": True}
"""`json_schema_extra` of an option read per resource: `resources.ADDRESS.name` is valid for it."""


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


class OptionsError(Exception):
    """Two rules declare one option differently (type, default, per-resource or description)."""


@lru_cache(maxsize=1)
def settings() -> dict[str, Setting]:
    """Every option of every implemented rule, by name (read from the registry on first use)."""
    from sod_iac.rules.registry import rules_by_id

    rules = rules_by_id()
    return settings_of((rule_id, rules[rule_id].options) for rule_id in sorted(rules) if rules[rule_id].options)


def settings_of(models: Any) -> dict[str, Setting]:
    """The table of (rule id, Options model) pairs: one Setting per option name."""
    table: dict[str, Setting] = {}
    for rule_id, model in models:
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            setting = Setting(kind, info.get_default(call_default_factory=True), (rule_id,),
                              bool(extra.get("per_resource")), info.description or "")
            known = table.get(name)
            if known is None:
                table[name] = setting
            elif (repr(known.type), known.default, known.per_resource, known.doc) != \
                    (repr(setting.type), setting.default, setting.per_resource, setting.doc):
                raise OptionsError(f"{rule_id} declares option {name!r} unlike {', '.join(known.rules)}: "
                                   "share one Options base class")
            else:
                table[name] = Setting(known.type, known.default, (*known.rules, rule_id), known.per_resource, known.doc)
    return table


def readers(name: str) -> tuple[str, ...]:
    """The rules that read `name` (empty for a name no rule reads)."""
    setting = settings().get(name)
    return setting.rules if setting is not None else ()


def specificity(pattern: str) -> tuple[int, int]:
    """Sort key, most specific first: exact addresses, then patterns with more literal text."""
    return (1 if is_pattern(pattern) else 0, -len(pattern.replace("*", "").replace("?", "")))


def resolve(config: dict[str, Any], rule_id: str, name: str, address: str | None = None) -> Any:
    """The value of setting `name` for rule `rule_id` and (optionally) the resource at `address`.

    `config` is the lowered form `Config.rule_config()` builds: `rules` (per rule, top level
    already merged), `resources` (pattern, settings) pairs most specific first. A name the
    rule's Options do not declare is a programming error (KeyError), never a silent default.
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
        raise KeyError(f"{rule_id} reads {name!r} for the whole scan, not per resource (its module's Options)")
    for pattern, values in config.get("resources") or ():
        if name in values and matches(pattern, address):
            return True, values[name]
    return False, None


def _declared(rule_id: str, name: str) -> Setting:
    setting = settings().get(name)
    if setting is None or rule_id not in setting.rules:
        raise KeyError(f"{rule_id} does not declare the setting {name!r} (its module's Options)")
    return setting
