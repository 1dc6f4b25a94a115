"""Loaders: turn Terraform HCL and plan JSON into one Project. They never judge.

Imports of the HCL parser stay inside functions: `checks/` imports sod_iac inside
Checkov's environment, where the module `hcl2` is a different package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sod_iac.core.model import LoadError, Location, Project
from sod_iac.load.files import DEFAULT_MAX_FILE_SIZE
from sod_iac.util.gcpause import paused_gc


def load_project(paths: Sequence[str | Path], *, repo_root: str | Path | None = None,
                 var_files: Sequence[str | Path] = (), jobs: int | None = None,
                 max_file_size: int = DEFAULT_MAX_FILE_SIZE,
                 progress: Callable[[int, int], None] | None = None,
                 cache_dir: str | Path | None = None) -> Project:
    """Read every Terraform input under `paths` into one Project (see sod_iac.load.project).
    `max_file_size`: larger files of code are refused; plan JSON may be PLAN_SIZE_FACTOR
    times larger (sod_iac.load.files). `cache_dir`: a parse cache folder (sod_iac.cache.parsed);
    None parses every file."""
    from sod_iac.load.project import build_project

    with paused_gc():  # loading only builds long-lived objects (sod_iac.util.gcpause)
        return build_project(paths, repo_root=repo_root, var_files=var_files, jobs=jobs,
                             max_file_size=max_file_size, progress=progress, cache_dir=cache_dir)


__all__ = ["load_project", "LoadError", "Location", "Project", "Any"]
