"""Loader for Checkov's Terraform graph: the same Project the HCL and plan loaders build.

Checkov (run with `--external-checks-dir checks`) has already parsed and rendered the code:
its graph holds one vertex per resource, data source, variable, `terraform` block, ... with
the block's configuration (`config_`) and an edge per reference. This module turns that graph
into a `sod_iac.core.model.Project`, so the rules run on it unchanged. It never imports `hcl2`
(inside Checkov's environment that module is bc-python-hcl2) nor Checkov itself: the graph is
read duck-typed, as rustworkx (Checkov's default) or networkx (`CHECKOV_GRAPH_FRAMEWORK=NETWORKX`).

What Checkov hands over, and what becomes of it:

* Addresses: `__address__` is Terraform's (`module.m.aws_iam_role.r[0]`, `aws_iam_user.u["a"]`);
  data sources lack the `data.` part, which is put back (`module.m.data.aws_x.y`).
* Values: HCL arguments are wrapped in one-element lists (`name: ["x"]`), nested blocks are
  lists of dicts whose arguments are wrapped again, object arguments are plain dicts
  (`tags: [{"Name": "x"}]`). They are unwrapped into plan-JSON shape (blocks are lists of dicts).
* Expressions Checkov could not render stay text: a whole-argument reference is bare
  (`aws_iam_role.r.arn`), interpolations keep `${...}` (`"${aws_s3_bucket.b.arn}/*"`). A
  reference to an argument the code sets is resolved to its value, as the HCL loader does;
  the rest become `Ref`/`Template`/`Unknown` from `sod_iac.core.values` ("unknown means possible").
  `data.aws_iam_policy_document` gets its `json`, rendered by the same code as for HCL.
* Lines: `__start_line__`/`__end_line__` and the vertex's file become the Location (path
  relative to the scanned root). References come from the graph's edges and from the
  expressions themselves.
* Providers: Checkov has no entity for a `terraform` block, so `provider_hosts` names the
  first root-module provider block of each folder, where the checks show backend findings.
* Plans: Checkov's plan conf loses what the plan states exactly (sensitive and unknown marks,
  maps vs. blocks), so the plan file a vertex comes from is read with sod-iac's own plan
  loader; Checkov's vertices only give its lines. If that file cannot be read, the conf is used.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from sod_iac.core.model import Backend, LoadError, Location, Mode, Project, ProviderConfig, Resource, Variable
from sod_iac.core.values import Ref, Template, Unknown, encode_json, make_template
from sod_iac.load.documents import load_documents
from sod_iac.load.files import DEFAULT_MAX_FILE_SIZE, tree_reader
from sod_iac.load.hcl_ast import (
    META_ATTRIBUTES,
    META_BLOCKS,
    BinOp,
    GetAttr,
    Index,
    Lit,
    Name,
    UnaryOp,
    Unsupported,
    closing_brace,
    unquoted,
)
from sod_iac.load.local_files import find_local_files
from sod_iac.load.policy_document import render_policy_json
from sod_iac.load.templates import parse_template_text, templatefile

# Keys Checkov adds to a conf (HCL and plan); never arguments of the resource.
CHECKOV_KEYS = frozenset({
    "__start_line__", "__end_line__", "__address__", "__file__", "__startline__", "__endline__",
    "start_line", "end_line", "references_", "__change_actions__", "__change_keys__",
    "virtual_resources", "__resolved__",
})
POLICY_DOCUMENT = "aws_iam_policy_document"
MAX_DEPTH = 200

_IDENT = r"[A-Za-z_][\w-]*"
_INDEX = r'\[(?:\d+|"(?:[^"\\]|\\.)*"|\*)\]'
_TRAVERSAL = re.compile(rf"^{_IDENT}(?:\.{_IDENT}|\.\d+|{_INDEX})+$")
_STEP = re.compile(rf'\.?({_IDENT})|\.(\d+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\[(\*)\]')
_CALL = re.compile(r"^([a-z][a-z0-9_]*)\((.*)\)$", re.S)
_CALLS_AS_TEXT = frozenset({"jsonencode", "lookup", "merge", "concat", "format", "join", "flatten",
                            "coalesce", "element", "try", "can", "tostring", "tolist", "toset", "file",
                            "templatefile", "replace", "split", "distinct", "compact", "keys", "values"})
_EMBEDDED = re.compile(r"(?<![\w.])(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*"
                       r'(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?(?:\.[A-Za-z_]\w*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*')
_MAX_LITERAL = 1024 * 1024
_ARGUMENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_NOT_OBJECTS = ("var", "local", "each", "count", "path", "terraform", "self")


# --------------------------------------------------------------------------- the graph


class Vertex:
    """One graph vertex, whatever the graph library: its block type, file and attributes."""

    __slots__ = ("key", "attrs")

    def __init__(self, key: Any, attrs: dict[str, Any]) -> None:
        self.key = key
        self.attrs = attrs

    @property
    def block_type(self) -> str:
        return str(self.attrs.get("block_type_") or "")

    @property
    def file(self) -> str:
        return str(self.attrs.get("file_path_") or "")

    @property
    def config(self) -> Any:
        return self.attrs.get("config_")


def graph_parts(graph: Any) -> tuple[list[Vertex], list[tuple[Any, Any, str]]]:
    """Vertices and (source key, target key, label) edges of a rustworkx or networkx graph."""
    vertices: list[Vertex] = []
    edges: list[tuple[Any, Any, str]] = []
    if hasattr(graph, "node_indices") and hasattr(graph, "weighted_edge_list"):  # rustworkx
        for index in graph.node_indices():
            data = graph[index]
            attrs = data[1] if isinstance(data, tuple) and len(data) == 2 else data
            if isinstance(attrs, dict):
                vertices.append(Vertex(index, attrs))
        for source, target, data in graph.weighted_edge_list():
            edges.append((source, target, _label(data)))
    elif hasattr(graph, "nodes") and hasattr(graph, "edges"):  # networkx
        for key, attrs in graph.nodes(data=True):
            if isinstance(attrs, dict):
                vertices.append(Vertex(key, attrs))
        for source, target, data in graph.edges(data=True):
            edges.append((source, target, _label(data)))
    else:
        raise TypeError(f"not a Checkov graph: {type(graph).__name__}")
    return vertices, edges


def _label(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("label", ""))
    return str(getattr(data, "label", data) or "")


def root_for(graph: Any, scanned_file: str | None) -> str | None:
    """The folder Checkov scanned: a vertex file path minus the entity's `scanned_file`
    (Checkov's path relative to its root, with a leading separator)."""
    if not scanned_file:
        return None
    suffix = scanned_file.replace("\\", "/")
    if not suffix.startswith("/"):
        suffix = "/" + suffix
    for vertex in graph_parts(graph)[0]:
        path = vertex.file.replace("\\", "/")
        if path.endswith(suffix):
            return path[: len(path) - len(suffix)] or "/"
    return None


# --------------------------------------------------------------------------- addresses


def split_address(address: str) -> tuple[str, Mode, str, str, int | str | None] | None:
    """(module prefix, mode, type, name, index) of `module.m[0].data.aws_x.y["k"]`, or None."""
    steps = _steps(address)
    if steps is None:
        return None
    i, module_end = 0, 0
    while i + 1 < len(steps) and steps[i] == ("module", False) and not steps[i + 1][1]:
        j = i + 2 + (1 if i + 2 < len(steps) and steps[i + 2][1] else 0)
        if len(steps) - j < 2:
            break
        module_end, i = j, j
    module = _join(steps[:module_end])
    rest = steps[module_end:]
    mode: Mode = "managed"
    if rest and rest[0] == ("data", False) and len(rest) >= 3:
        mode, rest = "data", rest[1:]
    if len(rest) not in (2, 3) or rest[0][1] or rest[1][1] or (len(rest) == 3 and not rest[2][1]):
        return None
    index = rest[2][0] if len(rest) == 3 else None
    return module, mode, str(rest[0][0]), str(rest[1][0]), index


def _steps(text: str) -> list[tuple[Any, bool]] | None:
    """`a.b[0].c["k"]` -> [("a", False), ("b", False), (0, True), ("c", False), ("k", True)]."""
    out: list[tuple[Any, bool]] = []
    pos = 0
    while pos < len(text):
        match = _STEP.match(text, pos)
        if not match or (pos == 0 and text.startswith(".")):
            return None
        name, number, index, key, star = match.groups()
        if name is not None:
            out.append((name, False))
        elif number is not None:
            out.append((int(number), True))
        elif index is not None:
            out.append((int(index), True))
        elif key is not None:
            out.append((json.loads(key), True))
        else:
            out.append(("*", True))
        pos = match.end()
    return out


def _join(steps: Iterable[tuple[Any, bool]]) -> str:
    text = ""
    for value, is_key in steps:
        if is_key:
            text += f"[{json.dumps(value) if isinstance(value, str) else value}]"
        else:
            text += f".{value}" if text else str(value)
    return text


def _checkov_address(vertex: Vertex, conf: dict[str, Any]) -> str | None:
    """Terraform's address of a resource or data vertex (Checkov drops `data.`)."""
    raw = conf.get("__address__") or vertex.attrs.get("__address__")
    if not isinstance(raw, str):
        return None
    return data_address(raw) if vertex.block_type == "data" else raw


def data_address(raw: str) -> str | None:
    """`module.m.aws_x.y["k"]` as Checkov names a data source -> `module.m.data.aws_x.y["k"]`."""
    steps = _steps(raw)
    if steps is None:
        return None
    # the last `type.name[key]` is the data source; what precedes it is the module path
    tail = 3 if steps and steps[-1][1] else 2
    if len(steps) < tail:
        return None
    head, own = steps[:-tail], steps[-tail:]
    if head and head[-1] == ("data", False):
        return raw
    return _join([*head, ("data", False), *own])


# --------------------------------------------------------------------------- values


def _is_block(item: Any) -> bool:
    """A nested block as Checkov's HCL parser gives it: every argument wrapped in a
    one-element list, or a list of blocks, and argument names in Terraform's snake_case (an
    object argument keeps plain values: `tags = {...}`, `jsonencode({Statement = [...]})`)."""
    if not isinstance(item, dict) or not item:
        return False
    for key, value in item.items():
        if key in CHECKOV_KEYS:
            continue
        if not isinstance(key, str) or not _ARGUMENT.match(key) or not isinstance(value, list):
            return False
        if len(value) != 1 and not all(isinstance(v, dict) for v in value):
            return False
    return True


def unwrap(value: Any, depth: int = 0) -> Any:
    """One argument as Checkov holds it (`[value]`, or a list of blocks) in plan-JSON shape."""
    if depth > MAX_DEPTH:
        return Unknown("nested too deeply")
    if isinstance(value, list):
        if value and all(_is_block(v) for v in value):
            return [unwrap_block(v, depth + 1) for v in value]
        if len(value) == 1:
            return _unnest(value[0])
    return value


def _unnest(value: Any) -> Any:
    """Undo Checkov's rendering of a list with several references (3.3.x): `[a.name, b.name]`
    comes back as `[["a", "b.name"], "b.name"]`, the rendered list nested as the first item
    before the unrendered rest. The nested list is the value (Checkov may reorder items)."""
    while (isinstance(value, list) and len(value) >= 2 and isinstance(value[0], list)
           and len(value[0]) == len(value) and value[1:] == value[0][1:]):
        value = value[0]
    return value


def unwrap_block(block: dict[str, Any], depth: int = 0, *, resource: bool = False) -> dict[str, Any]:
    """A block's arguments and nested blocks; a resource's own meta-arguments are dropped
    (as the HCL loader does: `source {}` inside a codebuild project is an argument block)."""
    out: dict[str, Any] = {}
    for key, value in block.items():
        if key in CHECKOV_KEYS or (resource and key in META_BLOCKS):
            continue
        if key == "dynamic":
            for name, blocks in _dynamic_blocks(value, depth):
                out.setdefault(name, []).extend(blocks)
            continue
        is_blocks = isinstance(value, list) and bool(value) and all(_is_block(v) for v in value)
        if resource and key in META_ATTRIBUTES and not is_blocks:
            continue
        item = unwrap(value, depth + 1)
        if not is_blocks and isinstance(item, (dict, list)) and _is_json_argument(key):
            item = _Json(item)  # Checkov rendered `jsonencode(...)` into the object itself
        out[key] = item
    return out


# Arguments the providers type as JSON strings: an object here was a `jsonencode(...)` that
# Checkov evaluated; the HCL loader (like Terraform) has the JSON text.
JSON_ARGUMENTS = frozenset({
    "policy", "assume_role_policy", "inline_policy", "container_definitions", "template_body",
    "definition", "content", "access_policies", "event_pattern", "policy_document",
    "resource_policy", "permissions_boundary_policy", "trust_policy", "key_policy",
})


def _is_json_argument(key: str) -> bool:
    return key in JSON_ARGUMENTS or key.endswith("_policy")


def _dynamic_blocks(value: Any, depth: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """`dynamic "x" { content {...} }` that Checkov did not expand: one possible block."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except ValueError:
                continue
        if not isinstance(item, dict):
            continue
        for name, spec in item.items():
            spec = spec[0] if isinstance(spec, list) and len(spec) == 1 else spec
            content = spec.get("content") if isinstance(spec, dict) else None
            content = content[0] if isinstance(content, list) and content else content
            if isinstance(content, dict):
                block = unwrap_block(content, depth + 1) if _is_block(content) else dict(content)
                yield name, [block]


# --------------------------------------------------------------------------- expressions


def split_template(text: str) -> list[tuple[bool, str]] | None:
    """`a-${x.y}-b` -> [(False, "a-"), (True, "x.y"), (False, "-b")]; None if unbalanced."""
    parts: list[tuple[bool, str]] = []
    pos, literal = 0, ""
    while pos < len(text):
        start = text.find("${", pos)
        if start < 0:
            literal += text[pos:]
            break
        if start > 0 and text[start - 1] == "$":  # `$${` is an escaped, literal `${`
            literal += text[pos:start - 1] + "${"
            pos = start + 2
            continue
        literal += text[pos:start]
        end = closing_brace(text, start + 2)
        if end is None:
            return None
        if literal:
            parts.append((False, literal))
            literal = ""
        parts.append((True, text[start + 2:end].strip()))
        pos = end + 1
    if literal:
        parts.append((False, literal))
    return parts


class _Builder:
    """Builds the Project: resources first (raw values), then resolves their expressions."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.project = Project(root=root)
        self.raw: dict[str, tuple[dict[str, Any], str]] = {}  # address -> (values, module prefix)
        self.resolved: dict[str, dict[str, Any]] = {}
        self.active: set[str] = set()
        self.active_outputs: set[tuple[str, str]] = set()
        self.refs: dict[str, dict[str, set[str]]] = {}
        self.outputs: dict[tuple[str, str], Any] = {}  # (module instance, name) -> raw value
        self.resolved_outputs: dict[tuple[str, str], Any] = {}
        self.files: set[str] = set()
        self.places: dict[Any, tuple[str, str]] = {}  # address or output key -> (module dir, root dir)
        self.where: list[tuple[str, str, Any]] = []  # (module dir, root dir, address) being resolved
        self.told: set[tuple[Any, str]] = set()
        self.read_file = tree_reader(Path(root), DEFAULT_MAX_FILE_SIZE)
        self.declared_variables: set[tuple[str, str]] = set()
        """(module prefix, name) of every `variable` block (see unrendered_variable)."""
        self._lines: dict[str, list[str]] = {}

    # --- paths -----------------------------------------------------------------------
    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._lines[path] = []
        return self._lines[path]

    def rel(self, path: str) -> str:
        if not path:
            return ""
        try:
            rel = os.path.relpath(path, self.root)
        except ValueError:
            return path.replace(os.sep, "/")
        rel = rel.replace(os.sep, "/")
        return path.replace(os.sep, "/") if rel.startswith("../") else rel

    def location(self, vertex: Vertex, conf: dict[str, Any]) -> Location | None:
        start = _line(conf.get("__start_line__", vertex.attrs.get("__start_line__")))
        end = _line(conf.get("__end_line__", vertex.attrs.get("__end_line__")))
        if start is None:  # plan files: Checkov's own line keys
            start, end = _line(conf.get("__startline__")), _line(conf.get("__endline__"))
        path = self.rel(vertex.file)
        if not path or start is None or start < 1:
            return None
        return Location(path=path, start_line=start, end_line=max(end or start, start))

    # --- expressions -----------------------------------------------------------------
    def expression(self, expr: str, module: str, refs: set[str]) -> Any:
        """The value of an expression Checkov left as text (the inside of `${...}`)."""
        expr = expr.strip()
        call = _CALL.match(expr)
        if call:
            return self.call(call.group(1), call.group(2), expr, module, refs)
        if not _TRAVERSAL.match(expr):
            return Unknown(_short(expr))
        value = self.reference(expr, module, refs)
        return Unknown(_short(expr)) if value is None else value

    def reference(self, expr: str, module: str, refs: set[str]) -> Any:
        """A traversal: a resource's value or Ref, an Unknown for var/local/..., or None when
        it names nothing in the code (then it was literal text after all)."""
        steps = _steps(expr)
        if not steps or steps[0][1]:
            return None
        head = steps[0][0]
        if head in _NOT_OBJECTS:
            return Unknown(_join(steps[:2]) if len(steps) >= 2 else expr)
        size = 3 if head == "data" else 2
        if len(steps) < size or any(is_key for _, is_key in steps[:size]):
            return None
        keyed = size + 1 if len(steps) > size and steps[size][1] else size
        subject = _qualify(module, _join(steps[:keyed]))
        base = _qualify(module, _join(steps[:size]))
        if head == "module":
            refs.add(subject)
            value = self.module_output(subject, base, steps[keyed:])
            return Ref(address=subject, attribute=_join(steps[keyed:])) if value is None else value
        if subject in self.raw:
            address, rest = subject, steps[keyed:]
        elif base in self.raw:
            address, rest = base, steps[size:]
        else:
            return None
        refs.add(address)
        return self.attribute(address, rest)

    def call(self, name: str, args: str, expr: str, module: str, refs: set[str]) -> Any:
        """A function call Checkov did not evaluate. `jsonencode` of a literal (Checkov leaves
        its argument as Python literal text) is encoded as Terraform would; `templatefile` is
        rendered as `sod-iac scan` renders it; others are unknown."""
        if name not in ("jsonencode", "templatefile") or len(args) > _MAX_LITERAL:
            return Unknown(_short(expr))
        try:
            value = ast.literal_eval(args if name == "jsonencode" else f"({args},)")
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            if name == "templatefile":
                self.unrendered(expr)
            return Unknown(_short(expr))
        if name == "jsonencode":
            return _Json(value)
        return self.templatefile([self.convert(v, module, refs) for v in value], expr)

    def templatefile(self, args: list[Any], expr: str) -> Any:
        """`templatefile(path, vars)`: Checkov 3.3 leaves it unrendered, its arguments rendered
        where it could (`{'on': '${var.x}', ...}`). The file is read inside the scanned tree
        (paths as Terraform resolves them: `path.module`, else the root module's folder) and
        rendered by the same code as for HCL, `%{ if }` on an unknown keeping both branches."""
        module_dir, root_dir, _ = self.where[-1] if self.where else ("", "", None)
        path = args[0] if args else None
        if isinstance(path, Template):  # `${path.module}/x.tpl`: Checkov leaves path.* as text
            pieces = [p if isinstance(p, str) else _path_name(p, module_dir, root_dir) for p in path.parts]
            texts = [p for p in pieces if isinstance(p, str)]
            path = "".join(texts) if len(texts) == len(pieces) else None
        if not isinstance(path, str) or not root_dir:
            self.unrendered(expr)
            return Unknown(_short(expr))
        text = self.read_file(Path(root_dir) / path)
        if text is None:
            return Unknown(f"templatefile({path!r}): not readable inside the scanned tree")
        return templatefile([path, *args[1:]], text,
                            lambda body: parse_template_text(body, _template_expression))

    def attribute(self, address: str, path: list[tuple[Any, bool]]) -> Any:
        """`address.path` as the HCL evaluator sees it: a value the code sets, else a Ref."""
        if not path:
            return Ref(address=address, attribute="")
        if isinstance(path[0][0], str):  # an instance is an object: r["arn"] is r.arn
            path = [(path[0][0], False), *path[1:]]
        value = _walk(self.values(address), path)
        return Ref(address=address, attribute=_join(path)) if value is None else value

    def module_output(self, subject: str, base: str, path: list[tuple[Any, bool]]) -> Any:
        """`module.m["k"].out.rest` as the HCL evaluator sees it: the output's value, read in
        its module, then `rest` into it (an output holding a whole resource, `value =
        aws_iam_role.this`, gives that resource's attributes). An instance of a call Checkov
        did not expand (for_each over an unknown) is the call itself. None: no such output."""
        if not path or path[0][1]:
            return None
        name = path[0][0]
        instance = subject if (subject, name) in self.outputs else base
        key = (instance, name)
        if key not in self.outputs or key in self.active_outputs:
            return None
        if key not in self.resolved_outputs:
            self.active_outputs.add(key)
            self.where.append((*self.places.get(key, ("", "")), key))
            try:
                self.resolved_outputs[key] = self.convert(self.outputs[key], instance, set())
            finally:
                self.active_outputs.discard(key)
                self.where.pop()
        value, rest = self.resolved_outputs[key], path[1:]
        if not rest:
            return value
        if isinstance(value, Ref) and value.address in self.raw:
            steps = _steps(value.attribute) if value.attribute else []
            if steps is not None:
                return self.attribute(value.address, steps + rest)
        return _walk(value, rest)

    def convert(self, value: Any, module: str, refs: set[str], depth: int = 0) -> Any:
        """Resolve the expressions left in an unwrapped value."""
        if depth > MAX_DEPTH:
            return Unknown("nested too deeply")
        if isinstance(value, _Json):
            return encode_json(self.convert(value.value, module, refs, depth + 1), sort_keys=True)
        if isinstance(value, str):
            converted = self.string(value, module, refs)
            if isinstance(converted, _Json):
                return self.convert(converted, module, refs, depth + 1)
            return converted
        if isinstance(value, dict):
            return {k: self.convert(v, module, refs, depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [self.convert(v, module, refs, depth + 1) for v in value]
        return value

    def string(self, text: str, module: str, refs: set[str]) -> Any:
        if "${" in text:
            parts = split_template(text)
            if parts is None:
                return text
            if len(parts) == 1 and parts[0][0]:
                return self.expression(parts[0][1], module, refs)
            pieces: list[Any] = []
            for is_expr, piece in parts:
                value = self.expression(piece, module, refs) if is_expr else piece
                if isinstance(value, _Json):
                    value = self.convert(value, module, refs)
                pieces.append(_as_text(value))
            return make_template(pieces)
        # Checkov drops `${}` where it rendered part of an expression (inside jsonencode,
        # a whole-argument reference): whole references, calls, and references inside text.
        if _TRAVERSAL.match(text):
            head = text.split(".", 1)[0].split("[", 1)[0]
            if head in ("var", "local", "each", "count") or text == "terraform.workspace":
                return Unknown(text)
        call = _CALL.match(text)
        if call and call.group(1) in _CALLS_AS_TEXT:
            return self.call(call.group(1), call.group(2), text, module, refs)
        return self.embedded(text, module, refs)

    def embedded(self, text: str, module: str, refs: set[str]) -> Any:
        """References to resources of the code inside plain text (`aws_s3_bucket.b.arn/*`)."""
        if "." not in text:
            return text
        pieces: list[Any] = []
        pos = 0
        for match in _EMBEDDED.finditer(text):
            found: set[str] = set()
            value = self.reference(match.group(0), module, found)
            if value is None or (isinstance(value, Unknown) and not isinstance(value, Ref)
                                 and not self.unrendered_variable(match.group(0), module)):
                continue
            if match.start() == 0 and match.end() == len(text):
                refs.update(found)
                return value
            refs.update(found)
            pieces.extend([text[pos:match.start()], _as_text(value)])
            pos = match.end()
        if not pieces:
            return text
        pieces.append(text[pos:])
        return make_template(pieces)

    def unrendered_variable(self, text: str, module: str) -> bool:
        """Whether `text` (`var.NAME...` found inside a string) is a reference to a variable the
        module declares, which Checkov left as text because the variable has no value: in
        `"arn:aws:iam::${var.account_id}:root"` with `account_id` unset, Checkov's graph holds
        `arn:aws:iam::var.account_id:root`. It is unknown there, as `sod-iac scan` reads it."""
        steps = _steps(text) or []
        return len(steps) >= 2 and steps[0] == ("var", False) and not steps[1][1] \
            and (module, steps[1][0]) in self.declared_variables

    # --- resources -------------------------------------------------------------------
    def values(self, address: str) -> dict[str, Any]:
        """Resolved values of a resource (memoised; a reference cycle yields Refs)."""
        if address in self.resolved:
            return self.resolved[address]
        if address in self.active:
            return {}
        raw, module = self.raw[address]
        self.active.add(address)
        self.where.append((*self.places.get(address, ("", "")), address))
        try:
            refs = self.refs.setdefault(address, {})
            values: dict[str, Any] = {}
            for key, value in raw.items():
                found: set[str] = set()
                values[key] = self.convert(value, module, found)
                self._note(refs, key, value, module, found)
            parts = split_address(address)
            if parts and parts[1] == "data" and parts[2] == POLICY_DOCUMENT:
                values["json"] = values["minified_json"] = self.policy_json(address, values)
        finally:
            self.active.discard(address)
            self.where.pop()
        self.resolved[address] = values
        return values

    def _note(self, refs: dict[str, set[str]], key: str, raw: Any, module: str, found: set[str]) -> None:
        """Attribute paths (`statement.resources`) -> referenced addresses, like the HCL loader."""
        if isinstance(raw, list) and raw and all(isinstance(v, dict) for v in raw):
            for block in raw:
                for inner, value in block.items():
                    sub: set[str] = set()
                    self.convert(value, module, sub)
                    self._note(refs, f"{key}.{inner}", value, module, sub)
            return
        if found:
            refs.setdefault(key, set()).update(found)

    def unrendered(self, expr: str) -> None:
        """One error line for a `templatefile()` Checkov left in a shape sod-iac cannot read
        (arguments that are not literals, a path it could not resolve): `sod-iac scan` renders
        it, here its value is unknown (possible access), and the difference must not be silent."""
        where = self.where[-1][2] if self.where else None
        if (where, expr) in self.told:
            return
        self.told.add((where, expr))
        resource = self.resource_of(where) if isinstance(where, str) else None
        location = resource.location if resource else None
        name = where if isinstance(where, str) else f"{where[0]} output {where[1]}" if where else "<checkov graph>"
        message = (f"{name}: Checkov left {_short(expr)} unrendered in a form sod-iac cannot read; "
                   "its value is unknown (possible access) here, `sod-iac scan` renders it")
        self.project.errors.append(LoadError(
            path=location.path if location else name, line=location.start_line if location else None,
            message=f"line {location.start_line}: {message}" if location else message))

    def policy_json(self, address: str, values: dict[str, Any]) -> Any:
        try:
            return render_policy_json(values)
        except ValueError as exc:
            resource = self.resource_of(address)
            location = resource.location if resource else None
            line = location.start_line if location else None
            self.project.errors.append(LoadError(
                path=location.path if location else address, line=line,
                message=f"line {line}: invalid aws_iam_policy_document: {exc}" if line
                else f"{address}: invalid aws_iam_policy_document: {exc}"))
            return Unknown("invalid policy document")

    def resource_of(self, address: str) -> Resource | None:
        return self.project.resource(address)


class _Json:
    """A value Terraform's `jsonencode` turns into JSON text (after its references resolve)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _path_name(value: Any, module_dir: str, root_dir: str) -> str | None:
    """`path.module` / `path.root` as Terraform gives them (relative to the root module's
    folder, where Terraform runs); None for anything else."""
    if isinstance(value, Unknown) and value.reason in ("path.module", "path.root"):
        rel = os.path.relpath(module_dir, root_dir) if value.reason == "path.module" else "."
        return rel.replace(os.sep, "/")
    return None


_LITERALS = {"true": True, "false": False, "null": None}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def _template_expression(text: str, line: int = 1) -> Any:
    """The expression inside a template's `${...}` or `%{ if ... }` without an HCL parser (none
    is usable inside Checkov): traversals of the template's variables (`name`, `a.b`,
    `a["k"]`, `a[0]`), literals and `!`; anything else is Unsupported, an unknown value, so a
    directive on it keeps both branches (unknown means possible)."""
    text = text.strip()
    for ops in (("||",), ("&&",), ("==", "!=")):  # loosest binding first
        split = _split_operator(text, ops)
        if split:
            left, op, right = split
            return BinOp(op, _template_expression(left, line), _template_expression(right, line))
    if text.startswith("(") and text.endswith(")") and next(_top_level(text), None) is None:
        return _template_expression(text[1:-1], line)
    if text.startswith("!"):
        return UnaryOp("!", _template_expression(text[1:], line))
    if text in _LITERALS:
        return Lit(_LITERALS[text])
    if _NUMBER.match(text):
        return Lit(float(text) if any(c in text for c in ".eE") else int(text))
    if len(text) >= 2 and text[0] == text[-1] == '"' and "${" not in text and "%{" not in text:
        try:
            return Lit(json.loads(text))
        except ValueError:
            return Unsupported(text)
    steps = _steps(text) if re.match(r"^[A-Za-z_]", text) else None
    if not steps:
        return Unsupported(text)
    node: Any = Name(str(steps[0][0]))
    for value, is_key in steps[1:]:
        node = Index(node, Lit(value)) if is_key else GetAttr(node, str(value))
    return node


def _split_operator(text: str, ops: tuple[str, ...]) -> tuple[str, str, str] | None:
    """(left, op, right) at the last of `ops` outside quotes and brackets (left-associative)."""
    found = None
    for i in _top_level(text):
        op = next((o for o in ops if text.startswith(o, i)), None)
        if op and (found is None or i >= found[0] + len(found[1])):
            found = (i, op)
    return (text[:found[0]], found[1], text[found[0] + len(found[1]):]) if found else None


def _top_level(text: str) -> Iterator[int]:
    """The indexes of `text` outside quoted strings and brackets."""
    depth = 0
    for i, ch in unquoted(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            yield i


def _walk(value: Any, path: list[tuple[Any, bool]]) -> Any:
    """`value` followed along `path` (attributes, indexes, keys); None where it leads to
    nothing the code sets (then the caller's Ref stands for it)."""
    for step, is_key in path:
        if isinstance(value, dict):
            value = value.get(step) if not is_key or isinstance(step, str) else None
        elif isinstance(value, list) and isinstance(step, int):
            value = value[step] if step < len(value) else None
        elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) and not is_key:
            value = value[0].get(step)  # `block.arg` on a single block
        else:
            value = None
        if value is None or (isinstance(value, Unknown) and not isinstance(value, Ref)):
            return None
    return value


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _line(value: Any) -> int | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _qualify(module: str, subject: str) -> str:
    return f"{module}.{subject}" if module else subject


def _as_text(value: Any) -> Any:
    """A value inside a string template: known scalars become their Terraform text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (str, Unknown, Template)):
        return value
    return Unknown("a non-string value inside a string template")


def _inner_conf(vertex: Vertex) -> dict[str, Any] | None:
    """`config_` is {type: {name: conf}} for resources and data sources."""
    config = vertex.config
    if not isinstance(config, dict) or len(config) != 1:
        return None
    by_name = next(iter(config.values()))
    if not isinstance(by_name, dict) or len(by_name) != 1:
        return None
    conf = next(iter(by_name.values()))
    return conf if isinstance(conf, dict) else None


def _is_plan_vertex(vertex: Vertex, conf: dict[str, Any]) -> bool:
    return "__change_actions__" in conf or "__file__" in conf or vertex.file.endswith(".json")


# --------------------------------------------------------------------------- entry point


def load_checkov_graph(graph: Any, root: str | os.PathLike[str] | None = None,
                       read_plan: Callable[[str], Any] | None = None) -> Project:
    """The Project of everything in one Checkov graph; `root` is the folder Checkov scanned
    (locations are relative to it; default: the common folder of the graph's files)."""
    vertices, edges = graph_parts(graph)
    files = [v.file for v in vertices if v.file]
    if root is None:
        root = os.path.commonpath([os.path.dirname(f) for f in files]) if files else "."
    builder = _Builder(str(root))
    project = builder.project
    by_key: dict[Any, str] = {}
    plan_files: dict[str, list[tuple[str, Location | None]]] = {}
    sources: dict[str, tuple[Vertex, dict[str, Any]]] = {}

    for vertex in vertices:
        if vertex.file:
            builder.files.add(builder.rel(vertex.file))
        if vertex.block_type == "output":
            _add_output(builder, vertex)
        if vertex.block_type not in ("resource", "data"):
            continue
        conf = _inner_conf(vertex)
        address = _checkov_address(vertex, conf) if conf is not None else None
        parts = split_address(address) if address else None
        if conf is None or address is None or parts is None:
            project.errors.append(LoadError(path=builder.rel(vertex.file) or "<checkov graph>", message=(
                f"cannot read Checkov vertex {vertex.attrs.get('block_name_')!r}: unexpected shape")))
            continue
        by_key[vertex.key] = address
        if _is_plan_vertex(vertex, conf):
            actions = conf.get("__change_actions__")
            if actions == ["delete"] or actions == [["delete"]]:
                continue
            plan_files.setdefault(vertex.file, []).append((address, builder.location(vertex, conf)))
            sources[address] = (vertex, conf)
            continue
        module = parts[0]
        values = unwrap_block(conf, resource=True)
        location = builder.location(vertex, conf)
        if location is not None:
            for name, text in heredocs(builder.lines(vertex.file), location.start_line,
                                       location.end_line).items():
                if name in values and not isinstance(values[name], list):
                    values[name] = text
                elif name in values and isinstance(values[name], list) and len(values[name]) == 1:
                    values[name] = [text]  # `values = [<<-EOT ... EOT]` (helm_release): one document
        builder.raw[address] = (values, module)
        builder.places[address] = _place(vertex)
        sources[address] = (vertex, conf)

    builder.declared_variables = {(_module_prefix(v), str(name)) for v in vertices if v.block_type == "variable"
                                  and isinstance(v.config, dict) for name in v.config}
    # HCL resources: resolve expressions (a reference may reach any other resource)
    for address in list(builder.raw):
        vertex, conf = sources[address]
        parts = split_address(address)
        assert parts is not None, "sources holds only addresses that split"
        module, mode, rtype, name, index = parts
        resource = Resource(address=address, type=rtype, name=name, mode=mode, module=module,
                            index=index, location=builder.location(vertex, conf), source="hcl",
                            module_dir=_module_dir(builder.rel(vertex.file)),
                            root=_module_dir(builder.rel(_root_file(vertex))), provider=_provider_of(vertex, conf))
        project.resources.append(resource)
    for resource in project.resources:
        resource.values = builder.values(resource.address)
    for source, target, label in edges:
        if source in by_key and target in by_key and label and not label.startswith("["):
            path = ".".join(p for p in label.split(".") if not p.isdigit())
            builder.refs.setdefault(by_key[source], {}).setdefault(path, set()).add(by_key[target])
    for resource in project.resources:
        refs = builder.refs.get(resource.address, {})
        resource.references = {k: sorted(v) for k, v in sorted(refs.items()) if v}

    # plans: the file itself, read like `sod-iac scan plan.json`
    for path, located in plan_files.items():
        _add_plan(builder, path, dict(located), read_plan, sources)

    _add_backends(builder, vertices)
    _add_providers(builder, vertices)
    _add_variables(builder, vertices)
    project.files = sorted(f for f in builder.files if f)
    # Checkov reads no Atlantis YAML: found under the root as `sod-iac scan` finds them
    project.documents, document_errors = load_documents(builder.root)
    project.errors.extend(document_errors)
    project.local_files = find_local_files(project)
    return project


_HEREDOC = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=\s*\[?\s*<<(-?)([A-Za-z_]\w*)\s*$")
"""`name = <<EOT`, or `name = [<<EOT` (a list whose one element is a heredoc: helm_release values)."""


def heredocs(lines: list[str], start: int, end: int) -> dict[str, str]:
    """Heredoc arguments (`name = <<-EOT ... EOT`) of the block at lines start..end (1-based),
    as Terraform reads them: Checkov's parser rewrites their text (it drops line breaks and
    turns `=` into `:`), which breaks documents that are not JSON (Vault policies, YAML)."""
    found: dict[str, str] = {}
    depth = 0
    number = start
    while number <= min(end, len(lines)):
        line = lines[number - 1]
        match = _HEREDOC.match(line) if depth == 1 else None
        if match:
            name, indented, marker = match.groups()
            body: list[str] = []
            number += 1
            while number <= len(lines) and lines[number - 1].strip() != marker:
                body.append(lines[number - 1])
                number += 1
            if indented:
                widths = [len(b) - len(b.lstrip(" \t")) for b in body if b.strip()]
                cut = min(widths) if widths else 0
                body = [b[cut:] for b in body]
            found[name] = "".join(b + "\n" for b in body)
            number += 1
            continue
        depth += _braces(line)
        number += 1
    return found


def _braces(line: str) -> int:
    """Net `{` minus `}` outside strings and comments (enough to know an argument's depth)."""
    count = 0
    for i, ch in unquoted(line):
        if ch == "#" or line.startswith("//", i):
            break
        count += (ch == "{") - (ch == "}")
    return count


def _field(item: Any, name: str) -> Any:
    """An attribute of Checkov's TFModule (an object; a dict in some versions)."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _root_file(vertex: Vertex) -> str:
    """The file of the root module a vertex belongs to: its own, or the outermost caller's."""
    module = vertex.attrs.get("source_module_object_")
    seen = 0
    while module is not None and seen < MAX_DEPTH:
        outer = _field(module, "nested_tf_module")
        if outer is None:
            path = _field(module, "path")
            return str(path) if path else vertex.file
        module, seen = outer, seen + 1
    return vertex.file


def _module_prefix(vertex: Vertex) -> str:
    """`module.a.module.b` of a vertex inside module instances (from Checkov's TFModule chain)."""
    names: list[str] = []
    module = vertex.attrs.get("source_module_object_")
    while module is not None and len(names) < MAX_DEPTH:
        name, index = _field(module, "name"), _field(module, "foreach_idx")
        if not isinstance(name, str):
            return ""
        names.append(f"module.{name}" + (f"[{json.dumps(index) if isinstance(index, str) else index}]"
                                         if index is not None else ""))
        module = _field(module, "nested_tf_module")
    return ".".join(reversed(names))


def _module_dir(rel_file: str) -> str:
    parent = PurePosixPath(rel_file).parent.as_posix()
    return "." if parent in ("", ".") else parent


def _add_plan(builder: _Builder, path: str, located: dict[str, Location | None],
              read_plan: Callable[[str], Any] | None, sources: dict[str, tuple[Vertex, dict[str, Any]]]) -> None:
    from sod_iac.load.plan import is_plan, load_plan, plan_providers

    rel = builder.rel(path)
    problem: str | None
    try:
        data = read_plan(path) if read_plan else json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        data, problem = None, f"{type(exc).__name__}: {exc}"
    else:
        problem = None if is_plan(data) else "not a Terraform plan"
    if data is None or problem:
        builder.project.errors.append(LoadError(path=rel, message=(
            f"plan could not be read again for sod-iac ({problem}); using Checkov's values")))
        _add_plan_from_conf(builder, located, sources)
        return

    def locate(address: str) -> Location | None:
        return located.get(address)

    providers, provider_errors = plan_providers(data, rel)
    resources, variables, errors = load_plan(data, rel, locate)
    builder.project.providers.extend(providers)
    builder.project.errors.extend(provider_errors)
    for resource in resources:
        resource.root = rel  # as `sod-iac scan plan.json`: a plan is its own root
    builder.project.resources.extend(resources)
    builder.project.variables.extend(variables)
    builder.project.errors.extend(errors)


def _add_plan_from_conf(builder: _Builder, located: dict[str, Location | None],
                        sources: dict[str, tuple[Vertex, dict[str, Any]]]) -> None:
    """Fallback: Checkov's plan conf (references already qualified by Checkov's `references_`)."""
    for address, location in located.items():
        if address not in sources:
            continue
        _, conf = sources[address]
        parts = split_address(address)
        assert parts is not None, "sources holds only addresses that split"
        module, mode, rtype, name, index = parts
        builder.raw[address] = (unwrap_block(conf, resource=True), module)
        builder.project.resources.append(Resource(
            address=address, type=rtype, name=name, mode=mode, module=module, index=index,
            location=location, source="plan", root=builder.rel(sources[address][0].file)))
    for resource in builder.project.resources:
        if resource.source == "plan" and resource.address in builder.raw and not resource.values:
            resource.values = builder.values(resource.address)
            refs = builder.refs.get(resource.address, {})
            resource.references = {k: sorted(v) for k, v in sorted(refs.items()) if v}


def _add_backends(builder: _Builder, vertices: list[Vertex]) -> None:
    """`terraform { backend "T" {...} }` and `cloud {}` of root modules (not module instances)."""
    for vertex in vertices:
        if vertex.block_type != "terraform" or vertex.attrs.get("source_module_object_"):
            continue
        config = vertex.config if isinstance(vertex.config, dict) else {}
        for kind in ("backend", "cloud"):
            for block in config.get(kind) or []:
                if not isinstance(block, dict):
                    continue
                items = block.items() if kind == "backend" else [("cloud", block)]
                for btype, body in items:
                    body = body[0] if isinstance(body, list) and len(body) == 1 else body
                    if not isinstance(body, dict):
                        continue
                    values = builder.convert(unwrap_block(body), "", set())
                    location = _block_location(builder, vertex, kind, btype)
                    if location is None:
                        continue
                    builder.project.backends.append(Backend(
                        type=btype, config=values, location=location,
                        module_dir=_module_dir(builder.rel(vertex.file))))


def _add_providers(builder: _Builder, vertices: list[Vertex]) -> None:
    """`provider` blocks of root modules, keyed as plan JSON keys them (`aws.default` is
    Checkov's name for the default configuration `aws`). Checkov reads a quoted account id as
    a number; `allowed_account_ids` is a set of strings to Terraform, so it is one again."""
    for vertex in vertices:
        if vertex.block_type != "provider" or vertex.attrs.get("source_module_object_"):
            continue
        conf = _inner_conf_of(vertex.config)
        address = conf.get("__address__") if conf is not None else None
        if conf is None or not isinstance(address, str):
            continue
        name, _, alias = address.partition(".")
        alias = "" if alias == "default" else alias
        values = builder.convert(unwrap_block(conf), "", set())
        ids = values.get("allowed_account_ids")
        if isinstance(ids, list):
            values["allowed_account_ids"] = [str(i) if isinstance(i, int) and not isinstance(i, bool) else i
                                             for i in ids]
        builder.project.providers.append(ProviderConfig(
            key=_provider_key(address), name=name, alias=alias, values=values,
            root=_module_dir(builder.rel(vertex.file)), location=builder.location(vertex, conf)))


def _provider_key(address: str) -> str:
    """Checkov's provider address (`aws.default`, `aws.prod`) as plan JSON's key (`aws`, `aws.prod`)."""
    return address.removesuffix(".default")


def _provider_of(vertex: Vertex, conf: dict[str, Any]) -> str:
    """The configuration a resource uses, as Checkov resolved it through module `providers`
    maps (`__provider_address__`), else a root resource's own `provider` argument."""
    address = conf.get("__provider_address__")
    if not isinstance(address, str) and not vertex.attrs.get("source_module_object_"):
        address = vertex.attrs.get("provider")
    return _provider_key(address) if isinstance(address, str) else ""


def _block_location(builder: _Builder, vertex: Vertex, kind: str, btype: str) -> Location | None:
    """The backend block's own lines, found in the file inside the `terraform` block's span."""
    outer = builder.location(vertex, vertex.config if isinstance(vertex.config, dict) else {})
    if outer is None:
        return None
    lines = builder.lines(vertex.file)
    if not lines:
        return outer
    header = re.compile(rf'^\s*{kind}\s*' + (rf'"{re.escape(btype)}"\s*' if kind == "backend" else "") + r"\{")
    for number in range(outer.start_line, min(outer.end_line, len(lines)) + 1):
        if header.match(lines[number - 1]):
            depth, end = 0, number
            for end in range(number, outer.end_line + 1):
                text = lines[end - 1] if end - 1 < len(lines) else ""
                depth += text.count("{") - text.count("}")
                if depth <= 0:
                    break
            return Location(path=outer.path, start_line=number, end_line=max(end, number))
    return outer


def provider_hosts(graph: Any, root: str | os.PathLike[str]) -> dict[str, tuple[str, Location]]:
    """{root module folder ("." or "envs/prod"): (address, location)} of the folder's first
    `provider` block (by file, then line), named as Checkov names it (`aws.default`,
    `aws.west`). Checkov runs checks on providers but has no entity for a `terraform` block,
    so the Checkov checks show a backend's findings on this block of the same folder."""
    builder = _Builder(str(root))
    found: list[tuple[str, int, str, Location]] = []
    for vertex in graph_parts(graph)[0]:
        if vertex.block_type != "provider" or vertex.attrs.get("source_module_object_"):
            continue
        conf = _inner_conf_of(vertex.config)
        address = conf.get("__address__") if conf is not None else None
        location = builder.location(vertex, conf) if conf is not None else None
        if isinstance(address, str) and location is not None:
            found.append((location.path, location.start_line, address, location))
    hosts: dict[str, tuple[str, Location]] = {}
    for path, _, address, location in sorted(found, key=lambda f: (f[0], f[1])):
        hosts.setdefault(_module_dir(path), (address, location))
    return hosts


def _inner_conf_of(config: Any) -> dict[str, Any] | None:
    """A provider's `config_` is {name: conf}."""
    if isinstance(config, dict) and len(config) == 1:
        conf = next(iter(config.values()))
        return conf if isinstance(conf, dict) else None
    return None


def _add_output(builder: _Builder, vertex: Vertex) -> None:
    """A module's `output` as Checkov left it (rendered where it could), for `module.m.out`."""
    module = _module_prefix(vertex)
    config = vertex.config if isinstance(vertex.config, dict) else {}
    if not module or len(config) != 1:
        return  # a root module's outputs are referenced by nothing in the configuration
    name, conf = next(iter(config.items()))
    if isinstance(conf, dict) and "value" in conf:
        builder.outputs[(module, str(name))] = unwrap(conf["value"])
        builder.places[(module, str(name))] = _place(vertex)


def _place(vertex: Vertex) -> tuple[str, str]:
    """(folder of the vertex's module, folder of its root module) for file paths in functions."""
    return os.path.dirname(vertex.file), os.path.dirname(_root_file(vertex))


def _add_variables(builder: _Builder, vertices: list[Vertex]) -> None:
    for vertex in vertices:
        if vertex.block_type != "variable":
            continue
        config = vertex.config if isinstance(vertex.config, dict) else {}
        if len(config) != 1:
            continue
        name, conf = next(iter(config.items()))
        if not isinstance(conf, dict):
            continue
        sensitive = unwrap(conf.get("sensitive")) is True
        value: Any = Unknown(f"var.{name}")
        if "default" in conf:
            value = builder.convert(unwrap(conf["default"]), "", set())
        module = _module_prefix(vertex)
        builder.project.variables.append(Variable(
            name=str(name), module=module, sensitive=sensitive,
            value=Unknown("sensitive") if sensitive else value,
            location=builder.location(vertex, conf)))


__all__ = ["data_address", "graph_parts", "heredocs", "load_checkov_graph", "provider_hosts", "root_for",
           "split_address", "split_template", "unwrap"]
