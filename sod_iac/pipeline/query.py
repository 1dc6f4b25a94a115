"""Load inputs and build the access graph for query commands (`access`, `who-can`).

Same loading as `scan` (sod_iac.pipeline.scan), without running rules.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from sod_iac.access import build_access
from sod_iac.access.graph import AccessGraph
from sod_iac.core.model import Project


def analyse(paths: Sequence[str | os.PathLike[str]], *, repo_root: str | None = None,
            var_files: Sequence[str] = (), jobs: int | None = None) -> tuple[Project, AccessGraph]:
    from sod_iac.load import load_project

    project = load_project([str(p) for p in paths] or ["."], repo_root=repo_root,
                           var_files=list(var_files), jobs=jobs or os.cpu_count() or 1)
    return project, build_access(project)
