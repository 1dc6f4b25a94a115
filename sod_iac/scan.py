"""Scan orchestration: load → (access) → rules → Report. The one path every entry point uses."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

import sod_iac.rules  # noqa: F401 - importing registers every implemented rule
from sod_iac.access import build_access, principal_addresses
from sod_iac.model import SEVERITY_ORDER, Report, Severity, Summary
from sod_iac.rules.registry import Context, run_rules

Progress = Callable[[int, int], None]
"""Called as progress(done, total) while files are loaded."""

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


class ScanOptions(BaseModel):
    """Everything a scan needs besides the paths; the CLI, the Action and tests build one."""

    repo_root: Path | None = None
    var_files: list[Path] = Field(default_factory=list)
    jobs: int | None = Field(default=None, ge=1)
    max_file_size: int = Field(default=DEFAULT_MAX_FILE_SIZE, ge=1)
    fail_on: Severity = "low"
    soft_fail: bool = False
    config: dict[str, Any] = Field(default_factory=dict)
    """Rule settings (e.g. allowed readers per secret), handed to rules as Context.config."""


def run_scan(
    paths: Sequence[str | os.PathLike[str]],
    options: ScanOptions | None = None,
    progress: Progress | None = None,
) -> Report:
    """Load the inputs, run every implemented rule and return the full report.

    Load errors and rule failures both end up in `report.errors`; findings from everything
    that could be analysed are still reported (DESIGN.md: fail-secure, exit code 2).
    """
    # Imported here so the rest of sod_iac works (and imports cleanly) without the loaders,
    # e.g. inside Checkov's environment where `hcl2` is a different package.
    from sod_iac.load import load_project

    options = options or ScanOptions()
    project = load_project(
        [str(p) for p in paths],
        repo_root=str(options.repo_root) if options.repo_root else None,
        var_files=[str(v) for v in options.var_files],
        jobs=options.jobs or os.cpu_count() or 1,
        max_file_size=options.max_file_size,
        progress=progress,
    )
    access = build_access(project)
    ctx = Context(project=project, access=access, config=dict(options.config))
    findings = run_rules(ctx)
    return Report(
        findings=findings,
        errors=[*project.errors, *ctx.errors],
        summary=Summary(
            files=len(project.files),
            resources=len(project.resources),
            principals=len(principal_addresses(project, access)),
            findings=len(findings),
            skipped_modules=list(project.skipped_modules),
        ),
    )


def exit_code(report: Report, fail_on: str = "low", soft_fail: bool = False) -> int:
    """DESIGN.md exit codes: 2 if any input could not be analysed (even with soft_fail),
    else 1 if a finding is at or above `fail_on` and not soft_fail, else 0."""
    if report.errors:
        return 2
    threshold = SEVERITY_ORDER[fail_on]
    if not soft_fail and any(SEVERITY_ORDER[f.severity] >= threshold for f in report.findings):
        return 1
    return 0
