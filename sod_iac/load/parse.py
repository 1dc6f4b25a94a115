"""Read and parse input files, in parallel when it pays (a process pool over files)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sod_iac.load.cache import open_cache, parse_cached
from sod_iac.load.files import read_text
from sod_iac.load.hcl_ast import ParsedFile
from sod_iac.model import LoadError

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


Job = tuple  # (path, rel, kind, max_size) or (path, rel, kind, max_size, cache_dir)


def parse_one(job: Job) -> Parsed:
    """Read and parse one file; with a cache folder (5th item), through the parse cache."""
    path, rel, kind, max_size = job[:4]
    text, error = read_text(path, rel, max_size)
    if error is not None:
        return Parsed(path, rel, kind, error=error)
    assert text is not None
    if kind in ("json",) or rel.endswith(".tfvars.json"):
        return _parse_json(path, rel, kind, text)
    from sod_iac.load.hcl import parse_hcl, parse_tf_json

    cache = open_cache(job[4]) if len(job) > 4 else None
    tree = parse_cached(cache, kind, text, rel, parse_tf_json if kind == "tf.json" else parse_hcl)
    return _tree_result(path, rel, kind, tree)


def _from_cache(job: Job) -> Parsed | None:
    """The result of a job when its tree is in the cache (or its file cannot be read), else None."""
    path, rel, kind, max_size, cache_dir = job
    if kind == "json" or rel.endswith(".tfvars.json"):
        return None
    text, error = read_text(path, rel, max_size)
    if error is not None:
        return Parsed(path, rel, kind, error=error)
    cache = open_cache(cache_dir)
    tree = cache.get(kind, text or "", rel) if cache is not None else None
    return None if tree is None else _tree_result(path, rel, kind, tree)


def _tree_result(path: Path, rel: str, kind: str, tree: ParsedFile) -> Parsed:
    if tree.error:
        return Parsed(path, rel, kind, error=LoadError(path=rel, message=tree.error, line=tree.error_line))
    return Parsed(path, rel, kind, tree=tree)


def _parse_json(path: Path, rel: str, kind: str, text: str) -> Parsed:
    if not text.strip():
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
    if _depth_exceeds(data, MAX_JSON_DEPTH):
        return Parsed(path, rel, kind, error=LoadError(
            path=rel, message=f"JSON nested deeper than {MAX_JSON_DEPTH} levels; not analysed"))
    return Parsed(path, rel, kind, data=data)


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


def _depth_exceeds(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


def parse_all(jobs: list[tuple[Path, str, str, int]], workers: int | None,
              progress: Callable[[int, int], None] | None = None,
              cache_dir: str | os.PathLike[str] | None = None) -> list[Parsed]:
    """Parse every file; results in input order. Small inputs are parsed in-process.

    With `cache_dir`, trees are looked up first (in this process: a hit costs a read, a hash
    and a load) and only the misses are parsed, in parallel when there are enough of them;
    the workers store what they parse."""
    total = len(jobs)
    workers = workers or os.cpu_count() or 1
    results: list[Parsed | None] = [None] * total
    done = 0
    pending: list[tuple[int, Job]] = []
    for i, job in enumerate(jobs):
        if cache_dir is not None:
            job = (*job[:4], os.fspath(cache_dir))
            hit = _from_cache(job)
            if hit is not None:
                results[i] = hit
                done += 1
                if progress:
                    progress(done, total)
                continue
        pending.append((i, job))
    if workers <= 1 or len(pending) < PARALLEL_MIN_FILES:
        for i, job in pending:
            results[i] = parse_one(job)
            done += 1
            if progress:
                progress(done, total)
    else:
        chunk = max(1, len(pending) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for (i, _), result in zip(pending, pool.map(parse_one, [j for _, j in pending], chunksize=chunk)):
                results[i] = result
                done += 1
                if progress:
                    progress(done, total)
    return [r for r in results if r is not None]
