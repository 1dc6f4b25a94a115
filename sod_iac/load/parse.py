"""Read and parse input files, in parallel when it pays (a process pool over files)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, compress
from pathlib import Path
from typing import Any

from sod_iac.cache.parsed import ParseCache, content_hash, open_cache, parse_cached
from sod_iac.core.model import LoadError
from sod_iac.load.files import read_text
from sod_iac.load.hcl_ast import CANNOT_PARSE_HCL, Attribute, Body, ParsedFile

PARALLEL_MIN_FILES = 16
MAX_JSON_DEPTH = 500


@dataclass
class Parsed:
    """The outcome for one file: an HCL syntax tree, JSON data, or an error."""

    path: Path
    rel: str
    kind: str
    tree: ParsedFile | None = None
    data: Any = None
    error: LoadError | None = None
    depth: int | None = None
    """JSON: how deep `data` nests (json_depth)."""


Job = tuple  # (path, rel, kind, max_size) or (path, rel, kind, max_size, cache_dir)


def parse_one(job: Job) -> Parsed:
    """Read and parse one file (a variables file, a module's file; plans go through
    parse_all); with a cache folder (5th item), through the parse cache."""
    path, rel, kind, max_size = job[:4]
    text, error = read_text(path, rel, max_size)
    if error is not None:
        return Parsed(path, rel, kind, error=error)
    assert text is not None
    if _is_json(kind, rel):
        return _parse_json(path, rel, kind, text)
    unusable = hcl_unusable()
    if unusable:
        return Parsed(path, rel, kind, error=LoadError(path=rel, message=unusable))
    from sod_iac.load.hcl import parse_hcl, parse_tf_json

    cache = open_cache(job[4]) if len(job) > 4 else None
    tree = parse_cached(cache, kind, text, rel, parse_tf_json if kind == "tf.json" else parse_hcl)
    return _tree_result(path, rel, kind, tree)


def _tree_result(path: Path, rel: str, kind: str, tree: ParsedFile) -> Parsed:
    if tree.error:
        return Parsed(path, rel, kind, error=LoadError(path=rel, message=tree.error, line=tree.error_line))
    return Parsed(path, rel, kind, tree=tree)


def _parse_json(path: Path, rel: str, kind: str, text: str) -> Parsed:
    if not text or text.isspace():  # (not text.strip(): a copy of a plan's hundreds of MB)
        return Parsed(path, rel, kind, error=LoadError(path=rel, message="empty file: expected JSON"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"line {exc.lineno}: invalid JSON: {exc.msg}"
        if exc.pos >= len(text.rstrip()) or _unclosed(text):
            message = f"line {exc.lineno}: invalid JSON: {exc.msg}; unexpected end of file (truncated?)"
        return Parsed(path, rel, kind, error=LoadError(path=rel, message=message, line=exc.lineno))
    except RecursionError:
        return Parsed(path, rel, kind, error=LoadError(path=rel, message="JSON nested too deeply to analyse"))
    depth = json_depth(data, MAX_JSON_DEPTH)
    if depth > MAX_JSON_DEPTH:
        return Parsed(path, rel, kind, error=LoadError(
            path=rel, message=f"JSON nested deeper than {MAX_JSON_DEPTH} levels; not analysed"))
    return Parsed(path, rel, kind, data=data, depth=depth)


def _unclosed(text: str) -> bool:
    """True when the text ends inside a string, object or array: a cut-off file."""
    depth, quote, escape = 0, False, False
    for ch in text:
        if quote:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return quote or depth > 0


def json_depth(data: Any, limit: int) -> int:
    """How deep JSON data nests: 1 for a scalar, 2 for a list of scalars, ...; `limit` + 1 as
    soon as it is deeper than `limit`. Level by level, with C-level iterators only: a plan
    holds millions of values, and a walk node by node in Python costs more than parsing it."""
    level = [data]
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return depth
        kinds = list(map(type, level))
        dicts = list(compress(level, map(_IS_DICT, kinds)))
        lists = list(compress(level, map(_IS_LIST, kinds)))
        if not dicts and not lists:
            break
        level = list(chain(chain.from_iterable(map(dict.values, dicts)), chain.from_iterable(lists)))
    return depth


_IS_DICT = {dict}.__contains__  # json.loads makes exact dicts and lists
_IS_LIST = {list}.__contains__


def parse_all(jobs: list[tuple[Path, str, str, int]], workers: int | None,
              progress: Callable[[int, int], None] | None = None,
              cache_dir: str | os.PathLike[str] | None = None) -> list[Parsed]:
    """Parse every file; results in input order.

    Every file is read here, once. JSON (plans, variables files) is parsed here too: the
    parse is C code, and a worker would spend longer pickling the data back. Files of the
    same kind and text are parsed once and share the tree (copied modules are common, and a
    tree only depends on the text). With `cache_dir`, trees are looked up first and only the
    misses are parsed, in a process pool when there are enough of them (a warm scan starts
    no pool); whoever parses a tree stores it."""
    total = len(jobs)
    workers = workers or os.cpu_count() or 1
    cache = open_cache(cache_dir)
    results: list[Parsed | None] = [None] * total
    done = 0

    def finish(i: int, result: Parsed) -> None:
        nonlocal done
        results[i] = result
        done += 1
        if progress:
            progress(done, total)

    # (kind, content hash) -> the text and every job that has it
    texts: dict[tuple[str, str], str] = {}
    sharing: dict[tuple[str, str], list[int]] = {}
    for i, (path, rel, kind, max_size) in enumerate(jobs):
        text, error = read_text(path, rel, max_size, kind)
        if error is not None:
            finish(i, Parsed(path, rel, kind, error=error))
        elif _is_json(kind, rel):
            assert text is not None
            finish(i, _parse_json(path, rel, kind, text))
        else:
            assert text is not None
            key = (kind, content_hash(text))
            if key not in sharing:
                texts[key] = text
                sharing[key] = []
            sharing[key].append(i)

    def deliver(key: tuple[str, str], tree: ParsedFile) -> None:
        for i in sharing[key]:
            path, rel, kind, _ = jobs[i]
            finish(i, _tree_result(path, rel, kind, tree if tree.path == rel else
                                   ParsedFile(rel, tree.body, tree.error, tree.error_line)))

    misses: list[tuple[str, str, str, str, str | None]] = []
    for key, text in texts.items():
        kind, digest = key
        rel = jobs[sharing[key][0]][1]
        tree = cache.get(kind, text, rel, digest) if cache is not None else None
        if tree is not None:
            deliver(key, tree)
        else:
            misses.append((kind, text, rel, digest, None if cache_dir is None else os.fspath(cache_dir)))
    unusable = hcl_unusable() if misses else None
    if unusable:  # every file would fail alike: neither parsed, nor stored in the cache
        for miss in misses:
            deliver((miss[0], miss[3]), ParsedFile(path=miss[2], error=unusable))
        misses = []
    if workers <= 1 or len(misses) < PARALLEL_MIN_FILES:
        for miss in misses:
            deliver((miss[0], miss[3]), _parse_text(miss))
    else:
        # chunks: a task per file would cost more in messages than small files take to parse
        chunk = max(1, len(misses) // (workers * 8))
        with ProcessPoolExecutor(max_workers=min(workers, len(misses))) as pool:
            for miss, tree in zip(misses, pool.map(_parse_text, misses, chunksize=chunk)):
                deliver((miss[0], miss[3]), tree)
    return [r for r in results if r is not None]


def hcl_unusable() -> str | None:
    """Why no HCL can be parsed in this environment, or None. Asked only when a file must be
    parsed (a scan served from the cache never imports the parser)."""
    try:
        from sod_iac.load.hcl import UNUSABLE
    except ImportError as exc:
        return f"{CANNOT_PARSE_HCL}the HCL parser cannot be imported ({exc}); install sod-iac with its dependencies"
    return UNUSABLE


def one_hcl_error(errors: list[LoadError]) -> list[LoadError]:
    """The errors with every file's `cannot parse HCL here` merged into one line, in the place
    of the first: the cause is the environment, not the files, and one line says what to do."""
    unparsed = [e.path for e in errors if e.message.startswith(CANNOT_PARSE_HCL)]
    if not unparsed:
        return errors
    out: list[LoadError] = []
    for error in errors:
        if not error.message.startswith(CANNOT_PARSE_HCL):
            out.append(error)
        elif error.path == unparsed[0]:
            shown = ", ".join(unparsed[:3]) + (", ..." if len(unparsed) > 3 else "")
            files = f"{len(unparsed)} HCL file{'s' if len(unparsed) > 1 else ''}"
            out.append(LoadError(path="<hcl2>", message=f"{error.message}; {files} not analysed: {shown}"))
    return out


def _is_json(kind: str, rel: str) -> bool:
    return kind == "json" or rel.endswith(".tfvars.json")


def _parse_text(job: tuple[str, str, str, str, str | None]) -> ParsedFile:
    """Parse one HCL (or .tf.json) text and store the tree in the cache, if there is one.
    Runs in a pool worker or in this process."""
    kind, text, rel, digest, cache_dir = job
    from sod_iac.load.hcl import parse_hcl, parse_tf_json

    tree = (parse_tf_json if kind == "tf.json" else parse_hcl)(text, rel)
    cache = open_cache(cache_dir)
    if cache is not None:
        cache.put(kind, text, tree, digest)
    return tree


def template_parser(cache: ParseCache | None) -> Callable[[str], Any]:
    """templatefile()'s text to its expression (load.hcl.parse_template), through the
    cache when there is one: stored as a one-attribute file of kind "template", so a re-scan
    neither parses templates again nor imports the parser for them. An invalid template
    raises as the parser does (and is not stored)."""
    def parse_file(text: str, path: str) -> ParsedFile:
        from sod_iac.load.hcl import parse_template

        return ParsedFile(path=path, body=Body(attributes={"template": Attribute("template", parse_template(text), 1, 1)}))

    def parse(text: str) -> Any:
        body = parse_cached(cache, "template", text, "<template>", parse_file).body
        assert body is not None, "parse_file either returns a body or raises"
        return body.attributes["template"].expr

    return parse
