"""A small, picklable syntax tree for HCL, independent of the parser library.

`hcl.py` builds it from python-hcl2's lark parse tree (which carries line numbers) or from
`.tf.json`; `evaluate.py` evaluates it. Keeping our own tree lets parsed files be cached by
content hash and keeps `hcl2` imports in one module (Checkov ships a clashing `hcl2`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Terraform's meta-arguments and meta-blocks of a resource: the language's, not the
# provider's values (read by the HCL loader and the Checkov adapter alike).
META_ATTRIBUTES = frozenset({"count", "for_each", "depends_on", "provider", "providers", "source", "version"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "precondition", "postcondition"})


@dataclass(frozen=True, slots=True)
class Lit:
    value: Any


@dataclass(frozen=True, slots=True)
class TemplateExpr:
    """A string with interpolations: parts are `str` or expressions."""

    parts: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    items: tuple[tuple[Any, Any], ...]
    lines: tuple[int, int] | None = field(default=None, compare=False)
    """(first, last) line of the `{ ... }` in its file: where a `jsonencode` policy statement
    is written (load/statement_sites.py). None for objects built from `.tf.json`."""


@dataclass(frozen=True, slots=True)
class Name:
    """A bare identifier: the root of a traversal (`var`, `local`, `aws_iam_role`, `each`)."""

    name: str


@dataclass(frozen=True, slots=True)
class GetAttr:
    obj: Any
    name: str


@dataclass(frozen=True, slots=True)
class Index:
    obj: Any
    key: Any


@dataclass(frozen=True, slots=True)
class Splat:
    """`obj[*].a.b` / `obj.*.a`: `ops` are ("attr", name) or ("index", expr) applied per item."""

    obj: Any
    ops: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Any, ...]
    expand_last: bool = False


@dataclass(frozen=True, slots=True)
class Conditional:
    cond: Any
    then: Any
    otherwise: Any


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class UnaryOp:
    op: str
    operand: Any


@dataclass(frozen=True, slots=True)
class ForExpr:
    """`[for k, v in coll : val if cond]` (key_expr None) or `{for ... : key => val}`."""

    key_var: str | None
    value_var: str
    collection: Any
    key_expr: Any
    value_expr: Any
    cond: Any
    grouping: bool = False


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Syntax we parse but do not evaluate (template directives): evaluates to Unknown."""

    text: str


Expr = (Lit | TemplateExpr | TupleExpr | ObjectExpr | Name | GetAttr | Index | Splat | Call
        | Conditional | BinOp | UnaryOp | ForExpr | Unsupported)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Any
    start_line: int
    end_line: int


@dataclass(slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    start_line: int
    end_line: int


@dataclass(slots=True)
class ParsedFile:
    """One parsed file: `body` is None when it failed; `error` is then a one-line message."""

    path: str
    body: Body | None = None
    error: str | None = None
    error_line: int | None = None


CANNOT_PARSE_HCL = "sod-iac cannot parse HCL here: "
"""How every HCL file's error starts when this environment cannot parse HCL at all
(parse.hcl_unusable, hcl.UNUSABLE): here, below both, so neither imports the other for it."""


def traversal_roots(expr: Any) -> list[list[str]]:
    """Every static reference in an expression as a list of names: `aws_iam_role.app.arn` ->
    ["aws_iam_role", "app", "arn"]. Indexes stop the path; used for `references`."""
    found: list[list[str]] = []
    if type(expr) is not Lit:
        _walk_roots(expr, found)
    return found


def _root_path(node: Any) -> list[str] | None:
    names: list[str] = []
    suffix = ""
    while True:
        kind = type(node)
        if kind is GetAttr:
            names.append(node.name + suffix)
            suffix = ""
            node = node.obj
        elif kind is Index and type(node.key) is Lit \
                and isinstance(node.key.value, (str, int)) and not isinstance(node.key.value, bool):
            # a literal instance key stays on the name: x["a"].arn -> ["x", 'r["a"]', "arn"]
            key = node.key.value
            suffix = (f'["{key}"]' if isinstance(key, str) else f"[{key}]") + suffix
            node = node.obj
        elif kind is Index or kind is Splat:
            names.clear()  # a computed index: keep the prefix only (x[var.i].arn -> x)
            suffix = ""
            node = node.obj
        elif kind is Name:
            names.append(node.name + suffix)
            names.reverse()
            return names
        else:
            return None


def _walk_roots(node: Any, found: list[list[str]]) -> None:
    kind = type(node)
    if kind is Lit:
        return
    if kind is GetAttr or kind is Index or kind is Splat or kind is Name:
        path = _root_path(node)
        if path:
            found.append(path)
        # walk the chain only for what it contains besides the path: index keys, and the
        # base when it is not a name (e.g. a function call result being indexed)
        while True:
            kind = type(node)
            if kind is Index:
                _walk_roots(node.key, found)
            elif kind is Splat:
                for op, arg in node.ops:
                    if op == "index":
                        _walk_roots(arg, found)
            elif kind is not GetAttr:
                break
            node = node.obj
        if kind is not Name:
            _walk_roots(node, found)
    elif kind is TemplateExpr:
        for p in node.parts:
            if type(p) is not str:
                _walk_roots(p, found)
    elif kind is TupleExpr:
        for i in node.items:
            _walk_roots(i, found)
    elif kind is ObjectExpr:
        for k, v in node.items:
            _walk_roots(k, found)
            _walk_roots(v, found)
    elif kind is Call:
        for a in node.args:
            _walk_roots(a, found)
    elif kind is Conditional:
        _walk_roots(node.cond, found)
        _walk_roots(node.then, found)
        _walk_roots(node.otherwise, found)
    elif kind is BinOp:
        _walk_roots(node.left, found)
        _walk_roots(node.right, found)
    elif kind is UnaryOp:
        _walk_roots(node.operand, found)
    elif kind is ForExpr:
        for part in (node.collection, node.key_expr, node.value_expr, node.cond):
            if part is not None:
                _walk_roots(part, found)


def unquoted(text: str, i: int = 0) -> Iterator[tuple[int, str]]:
    """(index, character) of `text` from `i` on, skipping double-quoted strings (with their
    escapes): where brackets, operators and comments count. Shared by the HCL parser and the
    Checkov adapter, which cannot import hcl2."""
    quote, n = False, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        else:
            yield i, ch
        i += 1


def closing_brace(text: str, i: int) -> int | None:
    """Index of the `}` closing a brace opened just before `i`, skipping quoted strings (with
    escapes) and nested braces; None when the text ends first. Shared by the HCL parser
    (templates, .tf.json spans) and the Checkov adapter, which cannot import hcl2."""
    depth = 0
    for j, ch in unquoted(text, i):
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return j
            depth -= 1
    return None
