"""Policy documents read into `Statement`s, with one-line problems for what AWS would reject
or what cannot be known (an unknown statement might allow anything to anyone).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from sod_iac.access.aws_policy.match import _unknown, _why
from sod_iac.core.model import Evidence
from sod_iac.core.values import OneOf, Template, Unknown, decode_json, expand_alternatives, statement_signature

PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
VARIABLES_VERSION = "2012-10-17"


@dataclass(frozen=True)
class Condition:
    """One key test of a Condition block. Keys are case-insensitive in AWS: compare lowercased."""

    operator: str
    key: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Statement:
    """One policy statement. `unknown` means parts of it could not be known ("possible
    anything"): callers must downgrade any "yes" about it to "possible" (`statement_match`
    does). `policy_variables` is False for documents without `Version: 2012-10-17`, where
    `${...}` is literal text."""

    effect: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[Any, ...] | None
    not_resources: tuple[Any, ...] | None
    principals: dict[str, tuple[Any, ...]] | None
    not_principals: dict[str, tuple[Any, ...]] | None
    conditions: tuple[Condition, ...]
    sid: str | None = None
    index: int = 0
    unknown: bool = False
    policy_variables: bool = True
    signature: str = ""
    """`values.statement_signature`: finds where the statement is written (model.StatementSite)."""
    hop: Evidence | None = None
    """The evidence hop of the statement itself (where it is written, quoted), set by the AWS
    model once it knows which resource the document came from."""


def in_written_order(st: Statement, written: tuple[str, ...]) -> Statement:
    """The statement with its action patterns in the order the code writes them (`written`,
    from its StatementSite), where the rendered document has Terraform's set order. The same
    patterns: only the order people read them in changes."""
    field = "actions" if st.actions is not None else "not_actions"
    patterns = getattr(st, field)
    if not written or patterns is None:
        return st
    rank = {pattern: number for number, pattern in enumerate(written)}
    ordered = tuple(sorted(patterns, key=lambda p: rank.get(p, len(rank))))
    return st if ordered == patterns else replace(st, **{field: ordered})


_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                   "Principal", "NotPrincipal", "Condition")


def _unknown_statement(index: int, why: str, variables: bool = True) -> Statement:
    """Stands for a statement we cannot read: it might allow anything to anyone."""
    hole = Unknown(why)
    return Statement(effect="Allow", actions=("*",), not_actions=None, resources=(hole,),
                     not_resources=None, principals={"*": (hole,)}, not_principals=None,
                     conditions=(), index=index, unknown=True, policy_variables=variables)


def parse_policy(document: Any) -> tuple[list[Statement], list[str]]:
    """Statements of a policy document and one-line problems found while reading it.

    `document` is a dict, JSON text, a Template (JSON with unknown parts), an Unknown, or None
    (no policy: no statements). What cannot be known becomes an unknown Allow statement:
    unknown means possible. Statements AWS would reject (no Effect, Action with NotAction, ...)
    are reported and left out.
    """
    if document is None or document == "":
        return [], []
    renderings = expand_alternatives(document)
    if renderings is not None and len(renderings) > 1:
        return _parse_alternatives(renderings, _why(_first_choice(document)))
    if isinstance(document, Unknown):
        why = f"policy document unknown: {_why(document)}"
        return [_unknown_statement(0, why)], [why]
    if isinstance(document, Template):
        try:
            document = decode_json(document)
        except ValueError as exc:
            why = f"policy document unknown: JSON with unknown parts could not be read ({exc})"
            return [_unknown_statement(0, why)], [why]
    elif isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as exc:
            return [], [f"invalid JSON: {exc}"]
    if not isinstance(document, dict):
        return [], ["policy document is not a JSON object"]

    problems: list[str] = []
    for key in document:
        if key not in ("Version", "Id", "Statement"):
            problems.append(f"unknown top-level element {key!r}")
    variables = _variables_enabled(document.get("Version"), problems)

    body = document.get("Statement")
    if body is None:
        problems.append("no Statement")
        return [], problems
    if isinstance(body, Unknown):
        why = f"Statement unknown: {_why(body)}"
        return [_unknown_statement(0, why, variables)], problems + [why]
    items = [body] if isinstance(body, dict) else body if isinstance(body, list) else None
    if items is None:
        problems.append("Statement is neither an object nor a list")
        return [], problems

    statements: list[Statement] = []
    for index, raw in enumerate(items):
        if isinstance(raw, Unknown):
            why = f"statement {index} unknown: {_why(raw)}"
            statements.append(_unknown_statement(index, why, variables))
            problems.append(why)
        elif not isinstance(raw, dict):
            problems.append(f"statement {index} is not an object")
        else:
            st = _parse_statement(raw, index, variables, problems)
            if st is not None:
                statements.append(st)
    return statements, problems


def _parse_alternatives(renderings: list[Any], why: str) -> tuple[list[Statement], list[str]]:
    """A document that is one of several (a `%{ if }` or a conditional on an unknown value):
    what any of them states is possible, so each statement of each rendering counts, with an
    unknown condition that makes an Allow only "possible" and keeps a Deny from being certain.
    A rendering that is not JSON (a separator a `%{ for }` adds) is not a document AWS would
    accept; if no rendering is JSON, the first one's reading stands ("possible anything")."""
    choice = Condition("", "", (Unknown(f"one of {len(renderings)} renderings ({why})"),))
    statements: list[Statement] = []
    problems: list[str] = []
    readable = [rendering for rendering in renderings if _is_json(rendering)] or renderings[:1]
    for n, (found, trouble) in enumerate(map(parse_policy, readable), 1):
        problems.extend(f"rendering {n}: {problem}" for problem in trouble)
        statements.extend(replace(st, index=len(statements), conditions=st.conditions + (choice,))
                          for st in found)
    return statements, problems


def _is_json(rendering: Any) -> bool:
    """False for text (with or without unknown parts) that is not JSON."""
    if not isinstance(rendering, (str, Template)):
        return True
    try:
        decode_json(rendering)
    except ValueError:
        return False
    return True


def _first_choice(value: Any) -> Any:
    """The first OneOf inside a document: what its renderings depend on."""
    if isinstance(value, OneOf):
        return value
    parts = value.parts if isinstance(value, Template) else value.values() if isinstance(value, dict) \
        else value if isinstance(value, list) else ()
    for part in parts:
        found = _first_choice(part)
        if found is not None:
            return found
    return None


def _variables_enabled(version: Any, problems: list[str]) -> bool:
    """Policy variables need Version 2012-10-17; a missing Version means 2008-10-17."""
    if version is None:
        return False
    if _unknown(version):
        return True  # might be 2012-10-17: treating `${...}` as a placeholder matches more
    if version == VARIABLES_VERSION:
        return True
    if version != "2008-10-17":
        problems.append(f"unknown Version {version!r}")
    return False


def _parse_statement(raw: dict, index: int, variables: bool,
                     problems: list[str]) -> Statement | None:
    sid = raw.get("Sid")
    sid = None if sid is None else str(sid)
    where = f"statement {index}" + (f" ({sid})" if sid else "")
    for key in raw:
        if key not in _STATEMENT_KEYS:
            problems.append(f"{where}: unknown element {key!r}")
    unknown = False

    effect = raw.get("Effect")
    if effect is None:
        problems.append(f"{where}: missing Effect")
        return None
    if _unknown(effect):
        problems.append(f"{where}: Effect unknown ({_why(effect)}), taken as a possible Allow")
        effect, unknown = "Allow", True
    elif isinstance(effect, str) and effect.lower() in ("allow", "deny"):
        effect = effect.capitalize()
    else:
        problems.append(f"{where}: Effect must be Allow or Deny, not {effect!r}")
        return None

    pairs = (("Action", "NotAction"), ("Resource", "NotResource"),
             ("Principal", "NotPrincipal"))
    for plain, negated in pairs:
        if plain in raw and negated in raw:
            problems.append(f"{where}: both {plain} and {negated}")
            return None
    if "Action" not in raw and "NotAction" not in raw:
        problems.append(f"{where}: missing Action or NotAction")
        return None
    has_principal = "Principal" in raw or "NotPrincipal" in raw
    if "Resource" not in raw and "NotResource" not in raw and not has_principal:
        problems.append(f"{where}: missing Resource or NotResource")

    actions = not_actions = None
    if "Action" in raw:
        actions, vague = _actions(raw["Action"], where, problems, negated=False)
    else:
        not_actions, vague = _actions(raw["NotAction"], where, problems, negated=True)
    unknown = unknown or vague

    resources = _items(raw["Resource"]) if "Resource" in raw else None
    not_resources = _items(raw["NotResource"]) if "NotResource" in raw else None
    principals = (_principals(raw["Principal"], where, problems)
                  if "Principal" in raw else None)
    not_principals = (_principals(raw["NotPrincipal"], where, problems)
                      if "NotPrincipal" in raw else None)
    conditions = _conditions(raw.get("Condition"), where, problems)
    negated = "Action" not in raw
    signature = statement_signature(sid, effect, raw["NotAction"] if negated else raw["Action"], negated)
    return Statement(effect=effect, actions=actions, not_actions=not_actions,
                     resources=resources, not_resources=not_resources, principals=principals,
                     not_principals=not_principals, conditions=conditions, sid=sid,
                     index=index, unknown=unknown, policy_variables=variables, signature=signature)


def _items(value: Any) -> tuple[Any, ...]:
    """A string-or-list element as a tuple; unknown items stay as they are."""
    if isinstance(value, list):
        return tuple(v if isinstance(v, (str, Unknown, Template)) else str(v) for v in value)
    return (value if isinstance(value, (str, Unknown, Template)) else str(value),)


def _actions(value: Any, where: str, problems: list[str],
             negated: bool) -> tuple[tuple[str, ...], bool]:
    """Action patterns and whether some were unknown.

    An unknown Action item could be any action: it becomes `*`. An unknown NotAction item
    could exclude anything, so it is dropped (the statement then covers more). Either way the
    statement is marked unknown, so its matches are only "possible".
    """
    if isinstance(value, Unknown):
        return ((), True) if negated else (("*",), True)
    out: list[str] = []
    vague = False
    for item in _items(value):
        if isinstance(item, Unknown):
            vague = True
            if not negated:
                out.append("*")
        elif isinstance(item, Template):
            vague = True
            if not negated:
                out.append("".join(p if isinstance(p, str) else "*" for p in item.parts))
        else:
            if item != "*" and ":" not in item:
                problems.append(f"{where}: action {item!r} has no service prefix")
            out.append(item)
    return tuple(out), vague


def _principals(value: Any, where: str, problems: list[str]) -> dict[str, tuple[Any, ...]]:
    if value == "*":
        return {"*": ("*",)}
    if isinstance(value, Unknown):
        return {"*": (value,)}
    if not isinstance(value, dict):
        problems.append(f"{where}: Principal must be \"*\" or an object")
        return {"AWS": _items(value)}
    out: dict[str, tuple[Any, ...]] = {}
    for key, ids in value.items():
        name = next((t for t in PRINCIPAL_TYPES if t.lower() == str(key).lower()), str(key))
        if name not in PRINCIPAL_TYPES:
            problems.append(f"{where}: unknown principal type {key!r}")
        items = _items(ids)
        for item in items:
            if isinstance(item, str) and item != "*" and ("*" in item or "?" in item):
                problems.append(f"{where}: wildcard in principal {item!r} (AWS allows only \"*\")")
        out[name] = out.get(name, ()) + items
    return out


def _conditions(value: Any, where: str, problems: list[str]) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if isinstance(value, Unknown):
        return (Condition("", "", (value,)),)
    if not isinstance(value, dict):
        problems.append(f"{where}: Condition is not an object")
        return ()
    out: list[Condition] = []
    for operator, block in value.items():
        if isinstance(block, Unknown):
            out.append(Condition(str(operator), "", (block,)))
            continue
        if not isinstance(block, dict):
            problems.append(f"{where}: Condition {operator!r} is not an object")
            continue
        for key, values in block.items():
            vals = tuple(values) if isinstance(values, list) else (values,)
            out.append(Condition(str(operator), str(key), vals))
    return tuple(out)
