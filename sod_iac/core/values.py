"""Values that static evaluation cannot know.

Terraform code is evaluated without running Terraform, so some values stay open: a variable
without a default, an attribute computed by the provider, a function we do not model. These
are explicit objects, never empty strings, so later layers can tell "unknown" from "empty"
and err toward more access ("unknown means possible", DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def as_list(value: Any) -> list[Any]:
    """Lenient list view of an argument that may be one item or many: None is empty, a lone
    block (dict) or scalar is one item. Terraform accepts both forms in many places."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known statically; `reason` says why (shown as "possible")."""

    reason: str = "unknown"

    def __str__(self) -> str:
        return "${" + self.reason + "}"


@dataclass(frozen=True)
class Ref(Unknown):
    """A reference to another object's attribute, kept symbolic, e.g. `aws_iam_role.app.arn`.

    `address` is the referenced resource/data/module address (`aws_iam_role.app`,
    `data.aws_iam_policy_document.x`, `module.m`) qualified with the referring module's
    prefix; `attribute` is the rest of the traversal (`arn`, `id`, `tags.Name`), maybe empty.
    """

    reason: str = field(default="reference", compare=False)
    address: str = ""
    attribute: str = ""

    def __str__(self) -> str:
        return "${" + self.address + ("." + self.attribute if self.attribute else "") + "}"


MAX_OPTIONS = 64
"""More alternatives than this and a value is plain Unknown: each combination of `%{ if }`
choices in one template is a rendering, and their number grows as a product."""


@dataclass(frozen=True, eq=True)
class OneOf(Unknown):
    """A value that is one of `options`, which one depending on something unknown (a condition,
    a `%{ if }` in a template). Consumers that do not look inside see an Unknown, as before;
    those that do (the AWS policy reader) take what each option may mean as possible.
    Build with `one_of`, which flattens and bounds the options."""

    reason: str = "depends on an unknown condition"
    options: tuple[Any, ...] = ()

    def __hash__(self) -> int:  # options may hold dicts and lists
        return hash((OneOf, self.reason, len(self.options)))


def one_of(values: Any, reason: str = "depends on an unknown condition") -> Any:
    """The value that is one of `values`: nested alternatives flattened, equal ones merged, a
    single one returned as itself; more than MAX_OPTIONS give a plain Unknown(reason)."""
    options: list[Any] = []
    for value in values:
        for option in alternatives(value):
            if not any(option == seen and type(option) is type(seen) for seen in options):
                options.append(option)
    if len(options) == 1:
        return options[0]
    if len(options) > MAX_OPTIONS:
        return Unknown(reason)
    return OneOf(reason, tuple(options))


def alternatives(value: Any) -> tuple[Any, ...]:
    """The values `value` may be: a OneOf's options, else the value itself."""
    return value.options if isinstance(value, OneOf) else (value,)


class SetValue(list):
    """A Terraform set (toset(), set functions, a `set(...)` variable): a plain list everywhere,
    except that `for` and `dynamic` iterate it with each element as its own key, as Terraform
    does, where a list gives its index."""


@dataclass(frozen=True)
class Template:
    """A string made of known text and unknown parts, e.g. `"${aws_s3_bucket.s.arn}/*"`.

    `parts` holds `str`, `Unknown` or `Ref` items in order. Never contains only strings:
    a fully known template collapses to a plain `str` (see `make_template`).
    """

    parts: tuple[Any, ...]

    def __str__(self) -> str:
        return "".join(str(p) for p in self.parts)

    @property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(p for p in self.parts if isinstance(p, Ref))


def is_known(value: Any) -> bool:
    """True when the value (recursively) holds no Unknown or Template."""
    if isinstance(value, (Unknown, Template)):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_known(v) for v in value)
    return True


def make_template(parts: list[Any]) -> Any:
    """Join string parts; a template with no unknown part is a plain string."""
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, Template):
            items: tuple[Any, ...] = part.parts
        else:
            items = (part,)
        for item in items:
            if isinstance(item, str) and merged and isinstance(merged[-1], str):
                merged[-1] += item
            elif item != "":
                merged.append(item)
    if all(isinstance(p, str) for p in merged):
        return "".join(merged)
    if len(merged) == 1:
        return merged[0]
    return Template(tuple(merged))


def expand_alternatives(value: Any) -> list[Any] | None:
    """Every value `value` may be with no OneOf left inside (a OneOf in a map, a list or a
    template part multiplies out); None when there would be more than MAX_OPTIONS."""
    return _expand(value) if _holds_one_of(value) else [value]


def _holds_one_of(value: Any) -> bool:
    if isinstance(value, OneOf):
        return True
    if isinstance(value, Template):
        return any(isinstance(part, OneOf) for part in value.parts)
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_holds_one_of(item) for item in items)


def _expand(value: Any) -> list[Any] | None:
    if isinstance(value, OneOf):
        out: list[Any] = []
        for option in value.options:
            expanded = _expand(option)
            if expanded is None or len(out) + len(expanded) > MAX_OPTIONS:
                return None
            out.extend(expanded)
        return out
    if isinstance(value, Template):
        combos = _product([_expand(part) for part in value.parts])
        return None if combos is None else [make_template(list(parts)) for parts in combos]
    if isinstance(value, dict):
        keys = list(value)
        combos = _product([_expand(value[key]) for key in keys])
        return None if combos is None else [dict(zip(keys, items)) for items in combos]
    if isinstance(value, list):
        combos = _product([_expand(item) for item in value])
        return None if combos is None else [type(value)(items) for items in combos]
    return [value]


def _product(choices: list[list[Any] | None]) -> list[tuple[Any, ...]] | None:
    """The cartesian product of per-part alternatives, None past MAX_OPTIONS."""
    combos: list[tuple[Any, ...]] = [()]
    for options in choices:
        if options is None or len(combos) * len(options) > MAX_OPTIONS:
            return None
        combos = [combo + (option,) for combo in combos for option in options]
    return combos


def describe_unknown(value: Any) -> str:
    """How an unknown reads inside another value's reason or path: `var.team`,
    `aws_iam_role.r.arn`, the template's text; "unknown value" for anything else."""
    if isinstance(value, Ref):
        return value.address + ("." + value.attribute if value.attribute else "")
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, Template):
        return str(value)
    return "unknown value"


def to_jsonable(value: Any) -> Any:
    """Plain-JSON view of a value: unknown parts shown as `${...}` strings."""
    if isinstance(value, (Unknown, Template)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


_SENTINEL = "@@sod-iac-unknown-{}@@"


def _swap_unknowns(value: Any, holes: list[Any]) -> Any:
    """Replace unknown leaves (and unknown parts of templates) by numbered sentinel strings."""
    if isinstance(value, Template):
        out = []
        for part in value.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                holes.append(part)
                out.append(_SENTINEL.format(len(holes) - 1))
        return "".join(out)
    if isinstance(value, Unknown):
        holes.append(value)
        return _SENTINEL.format(len(holes) - 1)
    if isinstance(value, dict):
        return {str(k): _swap_unknowns(v, holes) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_swap_unknowns(v, holes) for v in value]
    return value


def _restore(text: str, holes: list[Any]) -> Any:
    import re

    pieces = re.split(r"@@sod-iac-unknown-(\d+)@@", text)
    parts: list[Any] = []
    for i, piece in enumerate(pieces):
        parts.append(holes[int(piece)] if i % 2 else piece)
    return make_template(parts)


def encode_json(value: Any, sort_keys: bool = False) -> Any:
    """`jsonencode` that keeps unknown leaves: the result is a str, or a Template around them.

    Terraform's own `jsonencode` writes object keys in lexical order (`sort_keys=True`).
    """
    import json

    holes: list[Any] = []
    text = json.dumps(_swap_unknowns(value, holes), separators=(",", ":"), ensure_ascii=False,
                      sort_keys=sort_keys)
    return _restore(text, holes) if holes else text


def decode_json(value: Any) -> Any:
    """Parse JSON text that may contain unknown parts (a Template), keeping them as leaves.

    A string that was exactly one unknown part becomes that Unknown/Ref; a string mixing text
    and unknown parts becomes a Template. Raises ValueError on invalid JSON.
    """
    import json

    return _decode(value, json.loads)


def decode_yaml(value: Any) -> Any:
    """`decode_json` for YAML text (Helm values, `yamldecode`): YAML 1.2 booleans, lines kept
    as `__line__` (sod_iac.util.yaml_lines). Raises ValueError on invalid YAML."""
    import yaml

    from sod_iac.util.yaml_lines import LineLoader, load_yaml

    def parse(text: str) -> Any:
        try:
            return load_yaml(text, LineLoader)
        except yaml.YAMLError as exc:
            raise ValueError(str(exc)) from exc

    return _decode(value, parse)


def _decode(value: Any, parse: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    holes: list[Any] = []
    text = _swap_unknowns(value, holes)
    if not isinstance(text, str):
        raise ValueError("not a string")
    data = parse(text)

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return _restore(node, holes) if holes and "@@sod-iac-unknown-" in node else node
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(data)


UNREAD_STATEMENTS = "?"
"""Signature of the one site a policy argument gets when its statements cannot be told apart
before evaluation (a template whose `%{ if }` depends on an unknown value): any statement of
that argument is written there."""


def statement_signature(sid: Any, effect: Any, actions: Any, negated: bool = False) -> str:
    """What identifies a policy statement across rendering: its Sid, Effect and action patterns
    (known text only; an unknown part reads `*`). The loader records where each statement is
    written under this key and the access layer finds it again after the document went through
    `jsonencode`, a `.json` attribute or a plan, where no line survives."""
    def text(item: Any) -> str:
        if isinstance(item, Template):
            return "".join(p if isinstance(p, str) else "*" for p in item.parts)
        return item if isinstance(item, str) else "*"

    items = actions if isinstance(actions, (list, tuple)) else [] if actions is None else [actions]
    patterns = ",".join(sorted({text(a) for a in items}))
    effect_text = effect.lower() if isinstance(effect, str) else "allow"
    return f"{sid if isinstance(sid, str) else ''}|{effect_text}|{'not:' if negated else ''}{patterns}"


def grant_block_signature(block_type: str, position: int) -> str:
    """The statement signature of the `position`-th (0-based) rendered grant block of a resource
    (a `binding` of google_iam_policy, a `rule` of a Kubernetes role): blocks have no Sid, and
    their rendered order is their written order."""
    return f"{block_type}#{position}"
