"""A cache of parsed files, by content hash: a re-scan parses only what changed.

Entries are our own syntax tree (hcl_ast) written as JSON, never pickle or marshal: a cache
folder can be planted (a pull request may contain one), and loading it must not be able to
run code or change a scan. So every entry is

- keyed by sha256 of the file's text, its kind, the parser version (python-hcl2, lark: read
  from their version files, so that a scan served wholly from the cache imports neither) and
  a hash of the parser's own source (hcl.py, hcl_ast.py, this module): a code change
  invalidates every entry;
- signed with HMAC-SHA256 under a secret that never lives in the cache folder (the
  environment variable SOD_IAC_CACHE_KEY, else a random key created once in the user cache
  directory, mode 0600): an entry written by anyone else is foreign and ignored;
- validated on load, node by node, into the AST classes (known tags, arities and types, line
  numbers, size and depth bounds).

A corrupted, truncated, foreign or stale entry is ignored and rebuilt from the source; a
cache that cannot be read or written only costs speed, never correctness. The default folder
is the user cache directory ($XDG_CACHE_HOME/sod-iac or ~/.cache/sod-iac), outside the tree
being scanned.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sod_iac.cache.signing import discard, sign, verify, write_atomic
from sod_iac.cache.signing import secret_key as _secret
from sod_iac.load.hcl_ast import (
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
    TemplateExpr,
    TupleExpr,
    UnaryOp,
    Unsupported,
)

FORMAT = 2
MAX_DEPTH = 200
"""Entries nested deeper are refused (the parser's own limits keep real trees far below)."""
_HERE = Path(__file__).resolve().parent.parent
_SOURCES = ("load/hcl.py", "load/hcl_ast.py", "load/templates.py", "cache/parsed.py")


class CacheError(ValueError):
    """An entry that is not a valid tree: it is ignored and rebuilt."""


# --------------------------------------------------------------------------- encoding


def encode(tree: ParsedFile) -> dict[str, Any]:
    """A ParsedFile as JSON-ready data (tagged lists). The path is not stored: identical
    files share an entry, and the caller supplies the path on load."""
    return {"body": None if tree.body is None else _body(tree.body), "error": tree.error,
            "error_line": tree.error_line}


def _body(body: Body) -> list[Any]:
    return [[[a.name, _expr(a.expr), a.start_line, a.end_line] for a in body.attributes.values()],
            [[b.type, list(b.labels), _body(b.body), b.start_line, b.end_line] for b in body.blocks]]


def _expr(node: Any) -> Any:
    kind = type(node)
    if kind is Lit:
        value = node.value
        if value is not None and type(value) not in (str, int, float, bool):
            raise CacheError(f"literal of type {type(value).__name__}")
        return ["L", value]
    if kind is TemplateExpr:
        return ["T", [p if isinstance(p, str) else _expr(p) for p in node.parts]]
    if kind is TupleExpr:
        return ["U", [_expr(i) for i in node.items]]
    if kind is ObjectExpr:
        return ["O", [[_expr(k), _expr(v)] for k, v in node.items], list(node.lines or ())]
    if kind is Name:
        return ["N", node.name]
    if kind is GetAttr:
        return ["G", _expr(node.obj), node.name]
    if kind is Index:
        return ["I", _expr(node.obj), _expr(node.key)]
    if kind is Splat:
        return ["S", _expr(node.obj), [[k, a if k == "attr" else _expr(a)] for k, a in node.ops]]
    if kind is Call:
        return ["C", node.name, [_expr(a) for a in node.args], node.expand_last]
    if kind is Conditional:
        return ["Q", _expr(node.cond), _expr(node.then), _expr(node.otherwise)]
    if kind is BinOp:
        return ["B", node.op, _expr(node.left), _expr(node.right)]
    if kind is UnaryOp:
        return ["P", node.op, _expr(node.operand)]
    if kind is ForExpr:
        return ["F", node.key_var, node.value_var, _expr(node.collection), _opt(node.key_expr),
                _expr(node.value_expr), _opt(node.cond), node.grouping]
    if kind is Unsupported:
        return ["X", node.text]
    raise CacheError(f"cannot store a {kind.__name__}")


def _opt(node: Any) -> Any:
    return None if node is None else _expr(node)


# --------------------------------------------------------------------------- decoding


def decode(data: Any, path: str) -> ParsedFile:
    """Rebuild a ParsedFile from `encode` output, checking every node; CacheError if not valid."""
    if not isinstance(data, dict) or set(data) != {"body", "error", "error_line"}:
        raise CacheError("not a parsed-file entry")
    error, line = data["error"], data["error_line"]
    if error is not None and not isinstance(error, str):
        raise CacheError("error is not text")
    if line is not None and not _is_int(line):
        raise CacheError("error line is not a number")
    body = data["body"]
    if (body is None) == (error is None):
        raise CacheError("an entry holds a tree or an error")
    try:
        return ParsedFile(path=path, body=None if body is None else _dbody(body, 0),
                          error=error, error_line=line)
    except RecursionError:
        raise CacheError("nested too deeply") from None


def _is_int(value: Any) -> bool:
    return type(value) is int


def _line(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise CacheError("bad line number")
    return value


def _text(value: Any) -> str:
    if type(value) is not str:
        raise CacheError("expected text")
    return value


def _list(value: Any, size: int | None = None) -> list[Any]:
    if type(value) is not list or (size is not None and len(value) != size):
        raise CacheError("bad shape")
    return value


def _dbody(data: Any, depth: int) -> Body:
    if depth > MAX_DEPTH:
        raise CacheError("nested too deeply")
    if type(data) is not list or len(data) != 2:
        raise CacheError("bad shape")
    attrs, blocks = data
    if type(attrs) is not list or type(blocks) is not list:
        raise CacheError("bad shape")
    body = Body()
    attributes = body.attributes
    inner = depth + 1
    for item in attrs:
        if type(item) is not list or len(item) != 4:
            raise CacheError("bad shape")
        name, expr, start, end = item
        if type(name) is not str:
            raise CacheError("expected text")
        if name in attributes:
            raise CacheError("attribute defined twice")
        attributes[name] = Attribute(name, _dexpr(expr, inner), _line(start), _line(end))
    append = body.blocks.append
    for item in blocks:
        if type(item) is not list or len(item) != 5:
            raise CacheError("bad shape")
        btype, labels, content, start, end = item
        if type(btype) is not str or type(labels) is not list:
            raise CacheError("bad block")
        for label in labels:
            if type(label) is not str:
                raise CacheError("expected text")
        append(Block(btype, tuple(labels), _dbody(content, inner), _line(start), _line(end)))
    return body


_SCALARS = (str, int, float, bool)
_ARITY = {"L": 1, "T": 1, "U": 1, "O": 2, "N": 1, "G": 2, "I": 2, "S": 2, "C": 3, "Q": 3, "B": 3,
          "P": 2, "F": 7, "X": 1}


def _dexpr(node: Any, depth: int) -> Any:
    """One expression node, checked: known tag, arity, and the type of every field. One
    function with the common tags first: decoding is most of a warm scan's cache reads."""
    if depth > MAX_DEPTH:
        raise CacheError("nested too deeply")
    if type(node) is not list or not node or type(node[0]) is not str:
        raise CacheError("bad node")
    tag = node[0]
    arity = _ARITY.get(tag)
    if arity is None:
        raise CacheError(f"unknown node {tag[:8]!r}")
    if len(node) != arity + 1:
        raise CacheError(f"bad node {tag!r}")
    d = depth + 1
    if tag == "L":
        value = node[1]
        if value is not None and type(value) not in _SCALARS:
            raise CacheError("bad literal")
        return Lit(value)
    if tag == "T":
        parts = node[1]
        if type(parts) is not list:
            raise CacheError("bad shape")
        return TemplateExpr(tuple(p if type(p) is str else _dexpr(p, d) for p in parts))
    if tag == "G":
        return GetAttr(_dexpr(node[1], d), _text(node[2]))
    if tag == "N":
        return Name(_text(node[1]))
    if tag == "U":
        items = node[1]
        if type(items) is not list:
            raise CacheError("bad shape")
        return TupleExpr(tuple(_dexpr(i, d) for i in items))
    if tag == "O":
        items = node[1]
        if type(items) is not list:
            raise CacheError("bad shape")
        pairs = []
        for item in items:
            if type(item) is not list or len(item) != 2:
                raise CacheError("bad shape")
            pairs.append((_dexpr(item[0], d), _dexpr(item[1], d)))
        lines = node[2]
        if type(lines) is not list or len(lines) not in (0, 2) or not all(type(n) is int for n in lines):
            raise CacheError("bad shape")
        return ObjectExpr(tuple(pairs), (lines[0], lines[1]) if lines else None)
    if tag == "C":
        args = node[2]
        if type(args) is not list:
            raise CacheError("bad shape")
        return Call(_text(node[1]), tuple(_dexpr(a, d) for a in args), _dbool(node[3]))
    if tag == "I":
        return Index(_dexpr(node[1], d), _dexpr(node[2], d))
    if tag == "S":
        return _dsplat(node[1:], d)
    if tag == "Q":
        return Conditional(_dexpr(node[1], d), _dexpr(node[2], d), _dexpr(node[3], d))
    if tag == "B":
        return BinOp(_text(node[1]), _dexpr(node[2], d), _dexpr(node[3], d))
    if tag == "P":
        return UnaryOp(_text(node[1]), _dexpr(node[2], d))
    if tag == "F":
        return _dfor(node[1:], d)
    return Unsupported(_text(node[1]))  # "X"


def _dsplat(args: list[Any], d: int) -> Splat:
    ops = []
    for op in _list(args[1]):
        kind, arg = _list(op, 2)
        if kind == "attr":
            ops.append(("attr", _text(arg)))
        elif kind == "index":
            ops.append(("index", _dexpr(arg, d)))
        else:
            raise CacheError("bad splat")
    return Splat(_dexpr(args[0], d), tuple(ops))


def _dbool(value: Any) -> bool:
    if type(value) is not bool:
        raise CacheError("expected a boolean")
    return value


def _dfor(args: list[Any], d: int) -> ForExpr:
    key_var, value_var, coll, key_expr, value_expr, cond, grouping = args
    return ForExpr(None if key_var is None else _text(key_var), _text(value_var), _dexpr(coll, d),
                   None if key_expr is None else _dexpr(key_expr, d), _dexpr(value_expr, d),
                   None if cond is None else _dexpr(cond, d), _dbool(grouping))


# --------------------------------------------------------------------------- the store


def parser_id() -> str:
    """Parser version plus a hash of the parser's source: entries of other code never match."""
    global _PARSER_ID
    if _PARSER_ID is None:
        digest = hashlib.sha256(f"format {FORMAT}|{_library_versions()}".encode())
        for name in _SOURCES:
            digest.update(name.encode() + b"\0" + (_HERE / name).read_bytes())
        _PARSER_ID = digest.hexdigest()
    return _PARSER_ID


def _library_versions() -> str:
    """The versions of python-hcl2 and lark, read from the files that state them without
    importing either: importing them costs more than a warm scan's cache reads, and a scan
    that finds every file in the cache never needs them."""
    import importlib.util

    parts = []
    for module, file in _LIBRARY_VERSION_FILES:
        try:
            spec = importlib.util.find_spec(module)
            origin = spec.origin if spec is not None else None
            if origin is None:
                raise OSError(module)
            parts.append(hashlib.sha256(Path(origin).with_name(file).read_bytes()).hexdigest())
        except (OSError, ImportError, ValueError):
            parts.append(_installed_versions(module))
    return "|".join(parts)


_LIBRARY_VERSION_FILES = (("hcl2", "version.py"), ("lark", "__init__.py"))


def _installed_versions(module: str) -> str:
    """The versions of the installed distributions providing `module` (from their metadata,
    without importing it), for a library whose version file is not where it is expected."""
    import importlib.metadata

    dists = sorted(importlib.metadata.packages_distributions().get(module, []))
    versions = []
    for dist in dists:
        try:
            versions.append(f"{dist}-{importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist}-?")
    return ",".join(versions) or f"{module}-?"


_PARSER_ID: str | None = None


class ParseCache:
    """Entries under `directory/v<FORMAT>/`; every operation fails soft (a miss)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory) / f"v{FORMAT}"
        self.secret = _secret()
        self.writable = True

    def _entry(self, kind: str, digest: str) -> tuple[Path, str]:
        name = hashlib.sha256(f"{parser_id()}|{kind}|{digest}".encode()).hexdigest()
        return self.directory / name[:2] / f"{name}.json", name

    def get(self, kind: str, text: str, path: str, digest: str | None = None) -> ParsedFile | None:
        """The cached tree of `text` (`digest`: its content_hash, when the caller has it)."""
        digest = digest or content_hash(text)
        file, name = self._entry(kind, digest)
        try:
            raw = file.read_bytes()
        except OSError:
            return None
        limit = 64 * len(text) + 65536
        try:
            if len(raw) > limit:
                raise CacheError("entry larger than its source can produce")
            header, _, payload = raw.partition(b"\n")
            meta = json.loads(header)
            if not isinstance(meta, dict) or meta.get("key") != name or meta.get("kind") != kind \
                    or meta.get("sha256") != digest or not isinstance(meta.get("mac"), str):
                raise CacheError("entry for another file or parser")
            if not verify(name, payload, meta["mac"], self.secret):
                raise CacheError("entry not written by this user's sod-iac (bad signature)")
            return decode(json.loads(payload), path)
        except (CacheError, ValueError, RecursionError, TypeError, UnicodeDecodeError):
            discard(file)
            return None

    def put(self, kind: str, text: str, tree: ParsedFile, digest: str | None = None) -> None:
        if not self.writable:
            return
        digest = digest or content_hash(text)
        file, name = self._entry(kind, digest)
        try:
            payload = json.dumps(encode(tree), separators=(",", ":"), ensure_ascii=False).encode()
        except (CacheError, ValueError, RecursionError):
            return  # not storable: parse it again next time
        mac = sign(name, payload, self.secret)
        header = json.dumps({"key": name, "kind": kind, "sha256": digest, "mac": mac}).encode()
        try:
            write_atomic(file, header + b"\n" + payload)
        except OSError:
            self.writable = False  # read-only or full: stop trying for this run


def content_hash(text: str) -> str:
    """The key of a text: files with the same text share one entry (and one parse)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_OPEN: dict[str, ParseCache] = {}


def open_cache(directory: str | os.PathLike[str] | None) -> ParseCache | None:
    """The cache for a folder (one per process), or None for no cache."""
    if directory is None:
        return None
    key = os.fspath(directory)
    if key not in _OPEN:
        _OPEN[key] = ParseCache(Path(key))
    return _OPEN[key]


def parse_cached(cache: ParseCache | None, kind: str, text: str, path: str,
                 parse: Callable[[str, str], ParsedFile]) -> ParsedFile:
    """`parse(text, path)`, through the cache when there is one."""
    if cache is None:
        return parse(text, path)
    tree = cache.get(kind, text, path)
    if tree is None:
        tree = parse(text, path)
        cache.put(kind, text, tree)
    return tree

