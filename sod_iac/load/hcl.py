"""Parse HCL text into our syntax tree (hcl_ast) with a line range on every block.

This is the only module that imports `hcl2`: Checkov's environment ships a different
package under that name, and `checks/` must import the rest of sod_iac there.
We take python-hcl2's raw lark tree (whose nodes carry lines) and skip its transform step,
which costs as much as the parse and drops the lines.
"""

from __future__ import annotations

import json
import re
from typing import Any

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from sod_iac.load.hcl_ast import (
    CANNOT_PARSE_HCL,
    Attribute,
    BinOp,
    Block,
    Body,
    Call,
    Conditional,
    ForExpr,
    GetAttr,
    Index,
    Lit,
    Name,
    ObjectExpr,
    ParsedFile,
    Splat,
    TupleExpr,
    UnaryOp,
    Unsupported,
)
from sod_iac.load.templates import HclSyntaxError, parse_template_text
from sod_iac.load.templates import Mark as _Mark
from sod_iac.load.templates import build_template as _build_template
from sod_iac.load.templates import matching_brace as _matching_brace

PARSER_VERSION = f"hcl2-{getattr(hcl2, '__version__', '?')}-ast2"  # ast2: error messages reworded (cached errors too)


def _unusable() -> str | None:
    """Why the `hcl2` imported here cannot parse for us, or None. Checkov's bc-python-hcl2
    installs a module of the same name without python-hcl2's lark tree API: in Checkov's
    environment every file would fail alike, so say it once, with what to do."""
    if callable(getattr(hcl2, "parses_to_tree", None)):
        return None
    import importlib.metadata

    owners = importlib.metadata.packages_distributions().get("hcl2") or ["an unknown package"]
    if "bc-python-hcl2" in owners:
        installed = "Checkov's bc-python-hcl2, not python-hcl2"
    else:
        installed = f"from {', '.join(owners)} and has no parses_to_tree (python-hcl2 8.x has)"
    return (f"{CANNOT_PARSE_HCL}the installed `hcl2` module is {installed}; install sod-iac in its own "
            "virtual environment (see README, \"Use with Checkov\")")


UNUSABLE = _unusable()
"""None where python-hcl2 is the `hcl2` module; else the one-line reason, for every HCL file."""
_SKIP_TOKENS = {"LPAR", "RPAR", "LBRACE", "RBRACE", "LSQB", "RSQB", "COMMA", "EQ", "COLON",
                "QMARK", "DOT", "DBLQUOTE", "INTERP_START", "FOR", "IN", "IF", "COLONS",
                "FOR_OBJECT_ARROW"}


def parse_hcl(text: str, path: str) -> ParsedFile:
    """Parse one `.tf`/`.tfvars` text. Errors become a one-line message with the line."""
    if UNUSABLE:
        return ParsedFile(path=path, error=UNUSABLE)
    if not text.endswith("\n"):
        text += "\n"
    try:
        tree = hcl2.parses_to_tree(text)
        return ParsedFile(path=path, body=_body(tree.children[0]))
    except UnexpectedInput as exc:
        line, message = _describe(exc)
        return ParsedFile(path=path, error=message, error_line=line)
    except HclSyntaxError as exc:
        return ParsedFile(path=path, error=str(exc), error_line=exc.line)
    except RecursionError:
        return ParsedFile(path=path, error="expressions nested too deeply to analyse")
    except (LarkError, ValueError, IndexError, AttributeError) as exc:
        return ParsedFile(path=path, error=f"cannot parse: {type(exc).__name__}: {exc}".splitlines()[0])


_HEREDOC_OPEN = re.compile(r"<<-?([A-Za-z_][\w-]*)")


def _describe(exc: UnexpectedInput) -> tuple[int | None, str]:
    """(line, one-line message) of a lark error, pointing at what the reader must fix.

    The lexer may hand the parser a token that starts with the line breaks before the culprit
    (a stray `}` lexed as text after a newline): the line is the culprit's, not the token's.
    A heredoc whose closing marker never comes is lexed as text starting `<<EOF`: say so,
    at the line where it opens."""
    line = getattr(exc, "line", None)
    if isinstance(exc, UnexpectedEOF):
        return line, _at(line, "unexpected end of file (unclosed block, string or bracket?)")
    if isinstance(exc, UnexpectedCharacters):
        return line, _at(line, f"unexpected character {exc.char!r}")
    token = getattr(exc, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        return line, _at(line, "unexpected end of file (unclosed block, string or bracket?)")
    text = str(token) if token is not None else "?"
    body = text.lstrip()
    if line and line > 0:
        line += text[:len(text) - len(body)].count("\n")
    if not body:
        return line, _at(line, "unexpected line break")
    heredoc = _HEREDOC_OPEN.match(body)
    if heredoc and "\n" in body:
        return line, _at(line, f"unterminated heredoc {heredoc.group(0)}: no line {heredoc.group(1)} closes it")
    return line, _at(line, f"unexpected {body.splitlines()[0][:40]!r}")


def _at(line: int | None, message: str) -> str:
    return f"line {line}: {message}" if line and line > 0 else message


def parse_expression(text: str, line: int = 1) -> Any:
    """Parse one HCL expression (used for `${...}` inside heredocs and `.tf.json` strings)."""
    if UNUSABLE:
        raise HclSyntaxError(UNUSABLE)
    try:
        tree = hcl2.parses_to_tree(f"x = {text}\n")
    except UnexpectedInput as exc:
        raise HclSyntaxError(f"line {line}: invalid expression in template: {text[:60]!r}", line) from exc
    attribute = tree.children[0].children
    node = next(c for c in attribute if isinstance(c, Tree) and c.data == "attribute")
    return _expr(_kids(node)[-1])


# --- tree walking -------------------------------------------------------------------------

def _kids(tree: Tree) -> list[Any]:
    """Children without newlines/comments and punctuation tokens."""
    out = []
    for child in tree.children:
        if isinstance(child, Tree):
            if child.data != "new_line_or_comment":
                out.append(child)
        elif child.type not in _SKIP_TOKENS and child.type != "NL_OR_COMMENT":
            out.append(child)
    return out


def _name(node: Any) -> str:
    """Text of an identifier / keyword / literal_value / string used as a name or label."""
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        value = _string(node)
        if isinstance(value, Lit):
            return str(value.value)
        raise HclSyntaxError(f"line {node.meta.line}: block labels cannot contain interpolation",
                             node.meta.line)
    return str(node.children[0])


def _body(tree: Tree) -> Body:
    body = Body()
    for child in _kids(tree):
        if child.data == "attribute":
            kids = _kids(child)
            name = _name(kids[0])
            if name in body.attributes:
                raise HclSyntaxError(
                    f"line {child.meta.line}: argument {name!r} defined twice "
                    f"(first at line {body.attributes[name].start_line})", child.meta.line)
            body.attributes[name] = Attribute(name, _expr(kids[-1]), child.meta.line,
                                              _end_line(child))
        elif child.data == "block":
            kids = _kids(child)
            inner = kids[-1]
            labels = tuple(_name(k) for k in kids[1:-1])
            body.blocks.append(Block(_name(kids[0]), labels, _body(inner), child.meta.line,
                                     _end_line(child)))
    return body


def _end_line(node: Tree) -> int:
    """Last line of a node; a heredoc token ends with its newline, which is not a line of it."""
    end = node.meta.end_line
    if getattr(node.meta, "end_column", 2) == 1 and end > node.meta.line:
        end -= 1
    return end


def _expr(node: Any) -> Any:
    if isinstance(node, Token):
        raise HclSyntaxError(f"line {node.line}: unexpected {str(node)!r}", node.line)
    kind = node.data
    handler = _HANDLERS.get(kind)
    if handler is None:
        return Unsupported(kind)
    return handler(node)


def _expr_term(node: Tree) -> Any:
    kids = _kids(node)
    return _expr(kids[0])


def _identifier(node: Tree) -> Any:
    return Name(str(node.children[0]))


def _literal_value(node: Tree) -> Any:
    return Lit({"true": True, "false": False, "null": None}[str(node.children[0])])


def _int(node: Tree) -> Any:
    return Lit(int(str(node.children[0])))


def _float(node: Tree) -> Any:
    return Lit(float(str(node.children[0])))


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)


def _unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        seq = match.group(1)
        if seq[0] in "uU" and len(seq) > 1:
            return chr(int(seq[1:], 16))
        return _ESCAPES.get(seq, "\\" + seq)

    return _ESCAPE_RE.sub(repl, text)


def _string(node: Tree) -> Any:
    items: list[Any] = []
    for part in _kids(node):
        inner = part.children[0]
        if isinstance(inner, Token):
            if inner.type == "STRING_CHARS":
                items.append(_unescape(str(inner)))
            elif inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                items.append(str(inner)[1:])
            else:
                items.append(str(inner))
        elif inner.data == "interpolation":
            items.append(_Mark("expr", _expr(_kids(inner)[0]), False, False, inner.meta.line))
        else:
            items.append(_directive_mark(inner))
    return _build_template(items)


_DIRECTIVES = {"template_if_start": "if", "template_else": "else", "template_endif": "endif",
               "template_for_start": "for", "template_endfor": "endfor"}


def _directive_mark(node: Tree) -> _Mark:
    """A `%{ if }`/`%{ for }`/... parsed by lark inside a quoted string."""
    kids = node.children
    strip_left = len(kids) > 1 and isinstance(kids[1], Token) and kids[1].type == "STRIP_MARKER"
    strip_right = len(kids) > 1 and isinstance(kids[-2], Token) and kids[-2].type == "STRIP_MARKER"
    kind = _DIRECTIVES[node.data]
    trees = [k for k in kids if isinstance(k, Tree)]
    payload: Any = None
    if kind == "if":
        payload = _expr(trees[-1])
    elif kind == "for":
        names = [str(t.children[0]) for t in trees[:-1]]
        payload = (names[0] if len(names) == 2 else None, names[-1], _expr(trees[-1]))
    return _Mark(kind, payload, strip_left, strip_right, node.meta.line)


def _heredoc(node: Tree) -> Any:
    token = node.children[0]
    assert isinstance(token, Token) and token.line is not None, "a heredoc's first child is its token, with its line"
    raw = str(token)
    first_newline = raw.index("\n")
    lines = raw[first_newline + 1:].split("\n")
    # drop the closing marker line (and the empty string after the final newline)
    while lines and lines[-1].strip() == "":
        lines.pop()
    if lines:
        lines.pop()
    if node.data == "heredoc_template_trim":
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents) if indents else 0
        lines = [ln[cut:] for ln in lines]
    text = "\n".join(lines) + ("\n" if lines else "")
    return parse_template(text, token.line + 1)


def parse_template(text: str, line: int = 1) -> Any:
    """Parse template text (a heredoc body, a templatefile() file, a .tf.json string): literal
    text, `${...}` interpolations and `%{ if }`/`%{ for }` directives, with `~` strip markers."""
    return parse_template_text(text, parse_expression, line)


def _tuple(node: Tree) -> Any:
    return TupleExpr(tuple(_expr(k) for k in _kids(node)))


def _object(node: Tree) -> Any:
    items = []
    for elem in _kids(node):
        key_node, value_node = _kids(elem)[0], _kids(elem)[-1]
        key_inner = _kids(key_node)[0]
        if isinstance(key_inner, Tree) and key_inner.data == "keyword":
            key: Any = Lit(str(key_inner.children[0]))
        elif (isinstance(key_inner, Tree) and key_inner.data == "expr_term"
              and isinstance(_kids(key_inner)[0], Tree)
              and _kids(key_inner)[0].data in ("identifier", "keyword")):
            key = Lit(str(_kids(key_inner)[0].children[0]))
        else:
            key = _expr(key_inner)
        items.append((key, _expr(value_node)))
    return ObjectExpr(tuple(items), (node.meta.line, _end_line(node)))


def _function_call(node: Tree) -> Any:
    kids = _kids(node)
    names = [str(k.children[0]) for k in kids if isinstance(k, Tree) and k.data == "identifier"]
    args: tuple[Any, ...] = ()
    expand = False
    for k in kids:
        if isinstance(k, Tree) and k.data == "arguments":
            arg_kids = _kids(k)
            expand = any(isinstance(a, Token) and a.type == "ELLIPSIS" for a in arg_kids)
            args = tuple(_expr(a) for a in arg_kids if isinstance(a, Tree))
    return Call("::".join(names), args, expand)


def _index_value(index: Tree) -> Any:
    if index.data == "short_index":
        return Lit(int(str(_kids(index)[-1])))
    return _expr(_kids(index)[0])


def _index_expr(node: Tree) -> Any:
    base, index = _kids(node)
    return Index(_expr(base), _index_value(index))


def _get_attr_expr(node: Tree) -> Any:
    base, attr = _kids(node)
    return GetAttr(_expr(base), _name(_kids(attr)[0]))


def _splat_ops(splat: Tree) -> tuple[tuple[str, Any], ...]:
    ops = []
    for op in _kids(splat):
        if isinstance(op, Token):
            continue
        if op.data == "get_attr":
            ops.append(("attr", _name(_kids(op)[0])))
        else:
            ops.append(("index", _index_value(op)))
    return tuple(ops)


def _splat_expr(node: Tree) -> Any:
    base, splat = _kids(node)
    return Splat(_expr(base), _splat_ops(splat))


def _conditional(node: Tree) -> Any:
    cond, then, otherwise = _kids(node)
    return Conditional(_expr(cond), _expr(then), _expr(otherwise))


def _binary_op(node: Tree) -> Any:
    left, term = _kids(node)[0], _kids(node)[1]
    op_node, right = _kids(term)[0], _kids(term)[-1]
    return BinOp(str(op_node.children[0]), _expr(left), _expr(right))


def _unary_op(node: Tree) -> Any:
    op, operand = node.children[0], node.children[-1]
    return UnaryOp(str(op), _expr(operand))


def _for_intro(intro: Tree) -> tuple[str | None, str, Any]:
    names = [str(k.children[0]) for k in _kids(intro) if isinstance(k, Tree) and k.data == "identifier"]
    coll = [k for k in _kids(intro) if isinstance(k, Tree) and k.data != "identifier"][-1]
    if len(names) == 2:
        return names[0], names[1], _expr(coll)
    return None, names[0], _expr(coll)


def _for_expr(node: Tree) -> Any:
    kids = [k for k in _kids(node) if isinstance(k, Tree)]
    key_var, value_var, coll = _for_intro(kids[0])
    cond = None
    if kids[-1].data == "for_cond":
        cond = _expr(_kids(kids[-1])[-1])
        kids = kids[:-1]
    grouping = any(isinstance(k, Token) and k.type == "ELLIPSIS" for k in node.children)
    if node.data == "for_object_expr":
        return ForExpr(key_var, value_var, coll, _expr(kids[1]), _expr(kids[2]), cond, grouping)
    return ForExpr(key_var, value_var, coll, None, _expr(kids[1]), cond)


def _template_string(node: Tree) -> Any:
    raw = str(node.children[0])
    return Lit(_unescape(raw[2:-2]))


_HANDLERS = {
    "expr_term": _expr_term, "identifier": _identifier, "literal_value": _literal_value,
    "int_lit": _int, "float_lit": _float, "string": _string, "tuple": _tuple, "object": _object,
    "function_call": _function_call, "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc, "index_expr_term": _index_expr,
    "get_attr_expr_term": _get_attr_expr, "attr_splat_expr_term": _splat_expr,
    "full_splat_expr_term": _splat_expr, "conditional": _conditional, "binary_op": _binary_op,
    "unary_op": _unary_op, "for_tuple_expr": _for_expr, "for_object_expr": _for_expr,
    "template_string": _template_string, "keyword": _identifier,
}


# --- .tf.json ------------------------------------------------------------------------------

_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
           "locals": 0, "terraform": 0, "backend": 1, "moved": 0, "import": 0, "check": 1}


def parse_tf_json(text: str, path: str) -> ParsedFile:
    """`.tf.json`: Terraform's JSON syntax. Strings are templates; lines found by key search."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return ParsedFile(path=path, error=f"line {exc.lineno}: invalid JSON: {exc.msg}",
                          error_line=exc.lineno)
    except RecursionError:
        return ParsedFile(path=path, error="JSON nested too deeply to analyse")
    if not isinstance(data, dict):
        return ParsedFile(path=path, error="line 1: a .tf.json file must hold a JSON object")
    locator = _JsonLines(text)
    try:
        return ParsedFile(path=path, body=_json_body(data, locator, 0))
    except HclSyntaxError as exc:
        return ParsedFile(path=path, error=str(exc), error_line=exc.line)
    except RecursionError:
        return ParsedFile(path=path, error="JSON nested too deeply to analyse")


class _JsonLines:
    """Approximate lines of JSON keys: the first occurrence of `"key"` after a cursor."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def find(self, key: str) -> tuple[int, int]:
        at = self.text.find(json.dumps(key), self.pos)
        if at < 0:
            return 1, 1
        self.pos = at + 1
        start = self.text.count("\n", 0, at) + 1
        end = self._block_end(at)
        return start, start + self.text.count("\n", at, end)

    def _block_end(self, at: int) -> int:
        brace = self.text.find("{", at)
        if brace < 0:
            return at
        try:
            return _matching_brace(self.text, brace + 1)
        except HclSyntaxError:
            return len(self.text)


def _json_body(data: dict, locator: _JsonLines, depth: int) -> Body:
    body = Body()
    for block_type, content in data.items():
        if block_type == "//":
            continue
        labels = _LABELS.get(block_type)
        if labels is None or depth > 0 and block_type != "backend":
            start, end = locator.find(block_type)
            body.attributes[block_type] = Attribute(block_type, _json_expr(content, start), start, end)
            continue
        for item in content if isinstance(content, list) else [content]:
            _json_blocks(body, block_type, labels, (), item, locator)
    return body


def _json_blocks(body: Body, block_type: str, labels_left: int, labels: tuple[str, ...],
                 content: Any, locator: _JsonLines) -> None:
    if labels_left:
        if not isinstance(content, dict):
            raise HclSyntaxError(f"{block_type}: expected an object of labels")
        for label, inner in content.items():
            if labels_left > 1:
                locator.find(label)
            _json_blocks(body, block_type, labels_left - 1, labels + (label,), inner, locator)
        return
    start, end = locator.find(labels[-1]) if labels else locator.find(block_type)
    for item in content if isinstance(content, list) else [content]:
        if not isinstance(item, dict):
            raise HclSyntaxError(f"line {start}: {block_type} block must be an object", start)
        inner = Body()
        for key, value in item.items():
            if key == "//":
                continue
            if block_type == "terraform" and key == "backend" and isinstance(value, dict):
                for btype, bcontent in value.items():
                    _json_blocks(inner, "backend", 0, (btype,), bcontent, locator)
                continue
            k_start, k_end = locator.find(key)
            if key in _JSON_NESTED_BLOCKS and isinstance(value, (dict, list)) and value and \
                    all(isinstance(v, dict) for v in (value if isinstance(value, list) else [value])):
                for sub in value if isinstance(value, list) else [value]:
                    inner.blocks.append(Block(key, (), _json_attrs(sub, k_start), k_start, k_end))
            else:
                inner.attributes[key] = Attribute(key, _json_expr(value, k_start), k_start, k_end)
        body.blocks.append(Block(block_type, labels, inner, start, end))


# Nested block names we know are blocks (not map attributes) in JSON syntax.
_JSON_NESTED_BLOCKS = {"statement", "principals", "not_principals", "condition", "versioning",
                       "server_side_encryption_configuration", "rule", "lifecycle", "content",
                       "access_policy", "subject", "role_ref", "metadata", "required_status_checks",
                       "required_pull_request_reviews", "inline_policy", "binding", "dynamic"}


def _json_attrs(data: dict, line: int) -> Body:
    body = Body()
    for key, value in data.items():
        body.attributes[key] = Attribute(key, _json_expr(value, line), line, line)
    return body


def _json_expr(value: Any, line: int) -> Any:
    if isinstance(value, str):
        return parse_template(value, line)
    if isinstance(value, list):
        return TupleExpr(tuple(_json_expr(v, line) for v in value))
    if isinstance(value, dict):
        return ObjectExpr(tuple((Lit(k), _json_expr(v, line)) for k, v in value.items()))
    return Lit(value)
