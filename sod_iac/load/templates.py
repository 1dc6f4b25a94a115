"""Terraform string templates: literal text, `${...}` interpolations and `%{ if }`/`%{ for }`
directives (heredocs, `templatefile()` files, `.tf.json` strings), nested into the expression
tree `evaluate.py` evaluates, and rendered with a template's own variables.

Independent of the HCL parser library: the caller says how to parse the expression inside one
`${...}` (python-hcl2 for `sod-iac scan`, see hcl.py; Checkov's adapter reads the traversals a
template file holds without it, since Checkov's environment has another `hcl2`). So a
`templatefile()` renders the same way, `%{ if }` on an unknown keeping both branches, wherever
sod-iac runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sod_iac.core.values import Unknown
from sod_iac.load.hcl_ast import Call, Conditional, ForExpr, Lit, TemplateExpr, closing_brace

ExpressionParser = Callable[[str, int], Any]


class HclSyntaxError(Exception):
    """Text that is not valid HCL (or not a valid template); `line` where it is known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class Mark:
    """A `${...}` or `%{...}` in a template, with its `~` strip markers, before nesting."""

    __slots__ = ("kind", "payload", "strip_left", "strip_right", "line")

    def __init__(self, kind: str, payload: Any, strip_left: bool, strip_right: bool, line: int) -> None:
        self.kind, self.payload, self.line = kind, payload, line
        self.strip_left, self.strip_right = strip_left, strip_right


def build_template(items: list[Any]) -> Any:
    """Nest template items into expressions: `%{ if }` becomes a conditional, `%{ for }` a
    join over a `for` (HCL template semantics); `~` strips the adjacent whitespace."""
    merged: list[Any] = []
    for item in items:  # adjacent literal pieces are one text for the strip markers
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    items = merged
    for i, item in enumerate(items):
        if isinstance(item, Mark):
            if item.strip_left and i > 0 and isinstance(items[i - 1], str):
                items[i - 1] = items[i - 1].rstrip()
            if item.strip_right and i + 1 < len(items) and isinstance(items[i + 1], str):
                items[i + 1] = items[i + 1].lstrip()
    # each frame: (opening mark or None, parts so far, parts of the `if` branch before `else`)
    stack: list[tuple[Mark | None, list[Any], list[Any] | None]] = [(None, [], None)]
    for item in items:
        opening, parts, then_parts = stack[-1]
        if not isinstance(item, Mark):
            parts.append(item)
        elif item.kind == "expr":
            parts.append(item.payload)
        elif item.kind in ("if", "for"):
            stack.append((item, [], None))
        elif item.kind == "else" and opening is not None and opening.kind == "if" and then_parts is None:
            stack[-1] = (opening, [], parts)
        elif item.kind == "endif" and opening is not None and opening.kind == "if":
            stack.pop()
            then_branch, else_branch = (parts, []) if then_parts is None else (then_parts, parts)
            stack[-1][1].append(Conditional(opening.payload, template_of(then_branch), template_of(else_branch)))
        elif item.kind == "endfor" and opening is not None and opening.kind == "for":
            stack.pop()
            key_var, value_var, collection = opening.payload
            loop = ForExpr(key_var, value_var, collection, None, template_of(parts), None)
            stack[-1][1].append(Call("join", (Lit(""), loop)))
        else:
            raise HclSyntaxError(f"line {item.line}: template directive %{{ {item.kind} }} "
                                 f"without its opening or closing directive", item.line)
    if len(stack) > 1:
        opening = stack[-1][0]
        assert opening is not None
        raise HclSyntaxError(f"line {opening.line}: template directive %{{ {opening.kind} }} "
                             f"is never closed", opening.line)
    return template_of(stack[0][1])


def template_of(parts: list[Any]) -> Any:
    """Literal text and expressions as one expression: a Lit when all of it is text."""
    merged: list[Any] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    if not merged:
        return Lit("")
    if len(merged) == 1 and isinstance(merged[0], str):
        return Lit(merged[0])
    return TemplateExpr(tuple(merged))


_FOR_HEADER = re.compile(r"for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+(.+)", re.S)


def parse_template_text(text: str, parse_expression: ExpressionParser, line: int = 1) -> Any:
    """Parse template text (a heredoc body, a templatefile() file, a .tf.json string): literal
    text, `${...}` interpolations and `%{ if }`/`%{ for }` directives, with `~` strip markers;
    `parse_expression(text, line)` parses what is inside one `${...}` or directive."""
    items: list[Any] = []
    i, start, n = 0, 0, len(text)
    while i < n:
        if text.startswith("$${", i) or text.startswith("%%{", i):
            items.append(text[start:i] + text[i + 1:i + 3])
            i += 3
            start = i
        elif text.startswith("${", i) or text.startswith("%{", i):
            end = matching_brace(text, i + 2)
            items.append(text[start:i])
            raw = text[i + 2:end].strip()
            strip_left, strip_right = raw.startswith("~"), raw.endswith("~") and len(raw) > 1
            inner = raw[1 if strip_left else 0:len(raw) - 1 if strip_right else len(raw)].strip()
            at = line + text.count("\n", 0, i)
            if text[i] == "$":
                items.append(Mark("expr", parse_expression(inner, at), strip_left, strip_right, at))
            else:
                items.append(_text_directive(inner, strip_left, strip_right, at, parse_expression))
            i = end + 1
            start = i
        else:
            i += 1
    items.append(text[start:])
    return build_template(items)


def _text_directive(inner: str, strip_left: bool, strip_right: bool, line: int,
                    parse_expression: ExpressionParser) -> Mark:
    keyword = inner.split(None, 1)[0] if inner else ""
    if keyword in ("else", "endif", "endfor") and inner == keyword:
        return Mark(keyword, None, strip_left, strip_right, line)
    if keyword == "if":
        return Mark("if", parse_expression(inner[2:].strip(), line), strip_left, strip_right, line)
    header = _FOR_HEADER.fullmatch(inner) if keyword == "for" else None
    if header:
        first, second, collection = header.groups()
        names = (first, second) if second else (None, first)
        return Mark("for", (*names, parse_expression(collection, line)), strip_left, strip_right, line)
    raise HclSyntaxError(f"line {line}: invalid template directive %{{{inner[:40]}}}", line)


def matching_brace(text: str, i: int) -> int:
    """The index of the `}` closing the `${`/`%{` whose inside starts at `i`."""
    end = closing_brace(text, i)
    if end is None:
        raise HclSyntaxError("unterminated ${ in template")
    return end


class TemplateScope:
    """Scope of a `templatefile()` (and of `.tfvars`): only the names given to the evaluator exist."""

    def lookup(self, name: str) -> Any:
        return Unknown(f"{name} in template")

    def call(self, name: str, args: list[Any], exprs: tuple[Any, ...]) -> Any | None:
        return None


def templatefile(args: list[Any], text: str, parse: Callable[[str], Any]) -> Any:
    """`templatefile(path, vars)` once the file's text is read: `parse` turns the text into an
    expression (parse_template_text with the caller's expression parser); only the template's
    own variables exist inside it; Terraform's functions apply."""
    from sod_iac.load.evaluate import Evaluator

    template_vars = args[1] if len(args) > 1 and isinstance(args[1], dict) else None
    if template_vars is None:
        return Unknown("templatefile() with unknown variables")
    try:
        expr = parse(text)
    except HclSyntaxError:
        return Unknown(f"templatefile({args[0]!r}): invalid template")
    return Evaluator(TemplateScope(), dict(template_vars)).eval(expr)
