"""Which paths in backend configurations name files inside the scanned tree (Project.local_files).

A gcs backend's `credentials` is a key file's path or the key itself; whether a key file sits in
the repository decides SOD204. The loader looks here, once, so that judging depends on the Project
alone (rules do no I/O, and the judged cache's key changes when the file appears). Every string of
a backend block and of a `terraform_remote_state` data source's `config` is looked up: which of
them are paths is the rule's business, not the loader's. Terraform reads a relative path from the
folder it runs in; a path leading outside the tree (or through a symlink out of it) is not in it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sod_iac.core.model import Project, local_file_key
from sod_iac.load.reads import recorded

MAX_PATH_LENGTH = 4096
MAX_DEPTH = 32


def find_local_files(project: Project) -> list[str]:
    """The local_file_key of every backend-configuration string that is a file in the tree."""
    root = Path(project.root)
    found: set[str] = set()
    for folder, value in _backend_strings(project):
        key = local_file_key(folder, value)
        if key not in found and _is_file_inside(root, folder, value):
            found.add(key)
    return sorted(found)


def _backend_strings(project: Project) -> Iterator[tuple[str, str]]:
    for backend in project.backends:
        yield from ((backend.module_dir, s) for s in _strings(backend.config, 0))
    for resource in project.resources:
        if resource.type == "terraform_remote_state" and resource.mode == "data":
            yield from ((resource.module_dir, s) for s in _strings(resource.values.get("config"), 0))


def _strings(value: Any, depth: int) -> Iterator[str]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        if value.strip() and len(value) <= MAX_PATH_LENGTH and "\n" not in value and "\x00" not in value:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


@recorded
def _is_file_inside(root: Path, folder: str, value: str) -> bool:
    candidate = Path(os.path.expanduser(value))
    if not candidate.is_absolute():
        candidate = root / (folder if folder not in ("", ".") else "") / candidate
    try:
        real_root = root.resolve()
        resolved = candidate.resolve()
        return resolved.is_file() and real_root in resolved.parents
    except (OSError, RuntimeError, ValueError):
        return False
