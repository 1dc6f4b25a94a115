"""Read and parse input files, in parallel when it pays (a process pool over files)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

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


def parse_one(job: tuple[Path, str, str, int]) -> Parsed:
    path, rel, kind, max_size = job
    text, error = read_text(path, rel, max_size)
    if error is not None:
        return Parsed(path, rel, kind, error=error)
    assert text is not None
    if kind in ("json",) or rel.endswith(".tfvars.json"):
        return _parse_json(path, rel, kind, text)
    from sod_iac.load.hcl import parse_hcl, parse_tf_json

    tree = parse_tf_json(text, rel) if kind == "tf.json" else parse_hcl(text, rel)
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
              progress: Callable[[int, int], None] | None = None) -> list[Parsed]:
    """Parse every file; results in input order. Small inputs are parsed in-process."""
    total = len(jobs)
    workers = workers or os.cpu_count() or 1
    results: list[Parsed] = []
    if workers <= 1 or total < PARALLEL_MIN_FILES:
        for job in jobs:
            results.append(parse_one(job))
            if progress:
                progress(len(results), total)
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(parse_one, jobs, chunksize=max(1, total // (workers * 8))):
            results.append(result)
            if progress:
                progress(len(results), total)
    return results
