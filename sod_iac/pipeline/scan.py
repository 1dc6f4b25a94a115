"""Scan orchestration: load → (access) → rules → Report. The one path every entry point uses."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from sod_iac.access import EngineFailure, aws_actions, build_access, principal_addresses
from sod_iac.cache import inputs, judgements
from sod_iac.cache.judgements import Judgement
from sod_iac.core.model import SEVERITY_ORDER, Comparison, Finding, LoadError, Project, Report, Severity, Summary
from sod_iac.load import reads
from sod_iac.load.files import DEFAULT_MAX_FILE_SIZE
from sod_iac.pipeline import triage
from sod_iac.pipeline.selection import is_selected
from sod_iac.pipeline.units import analysis_units
from sod_iac.rules import registry
from sod_iac.rules.context import Context
from sod_iac.rules.registry import finding_sort_key, run_rules
from sod_iac.util.gcpause import paused_gc

Progress = Callable[[int, int], None]
"""Called as progress(done, total) while files are loaded."""
UnitJudged = Callable[[str, Context, list[Finding]], None]
"""Called as on_unit(unit key, its Context, its findings) once a unit's rules ran, while its
engines and memoised holdings are still built (the matrix reads its cells from them)."""


class ScanOptions(BaseModel):
    """Everything a scan needs besides the paths; the CLI, the Action and tests build one."""

    repo_root: Path | None = None
    var_files: list[Path] = Field(default_factory=list)
    jobs: int | None = Field(default=None, ge=1)
    max_file_size: int = Field(default=DEFAULT_MAX_FILE_SIZE, ge=1)
    cache_dir: Path | None = None
    """Parse cache folder (sod_iac.cache.parsed); None: no cache. The CLI defaults to the user
    cache directory."""
    fail_on: Severity = "low"
    soft_fail: bool = False
    config: dict[str, Any] = Field(default_factory=dict)
    """Rule settings (e.g. allowed readers per secret), handed to rules as Context.config."""
    # What to report (sod_iac.pipeline.triage applies these once, to every rule's findings):
    check: list[str] = Field(default_factory=list)
    """Only rules matching one of these ids or wildcards (`SOD1*`); empty means all."""
    skip_check: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    """Severity overrides by rule id."""
    exclude_paths: list[str] = Field(default_factory=list)
    baseline: Path | None = None
    new_since: str | None = None
    """A git revision: report only findings that the scanned tree at that revision lacks."""
    warn_unused_ignores: bool = False


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
    aws_actions.use_cache_dir(options.cache_dir)  # the IAM action tables, once built, from there

    log: list[list[reads.Read]] = []

    def load() -> Project:
        """The Project; in `log`, the reads each load made (written down only when a warm entry
        may be stored: digesting every file is not free)."""
        recorder: AbstractContextManager[list[reads.Read]] = (
            reads.recording() if warm_key is not None else nullcontext([]))
        with recorder as made:
            project = load_project(
                [str(p) for p in paths],
                repo_root=str(options.repo_root) if options.repo_root else None,
                var_files=[str(v) for v in options.var_files],
                jobs=options.jobs or os.cpu_count() or 1,
                max_file_size=options.max_file_size,
                progress=progress,
                cache_dir=options.cache_dir,
            )
        log.append(made)
        return project

    selected = [r for r in registry.all_rules() if is_selected(r.id, options.check, options.skip_check)]
    warm_key = _warm_key(paths, options, selected)
    served = _served(options.cache_dir, warm_key)
    if served is not None:
        project, resources, (findings, rule_errors, principals) = served
    else:
        project = load()
        resources = len(project.resources)
        shell = inputs.Shell.of(project, resources)
        (findings, rule_errors, principals), judged_key = _judged(project, load, options, selected)
        # only when the judgement is of the one load those reads made (not of a load again)
        if judged_key is not None and len(log) == 1 and reads.UNREPLAYABLE not in (name for name, _, _ in log[0]):
            inputs.store(options.cache_dir, warm_key, inputs.Entry(reads=log[0], judged=judged_key, shell=shell))
    # selection, severities, excluded paths, inline ignores, baseline, --new-since: one place
    result = triage.apply(findings, [*project.errors, *rule_errors], project, options,
                          base_scan=lambda: _base_fingerprints(paths, Path(project.root), options))
    return Report(
        findings=result.findings,
        errors=result.errors,
        warnings=result.warnings,
        summary=Summary(
            files=len(project.files),
            resources=resources,
            principals=principals,
            findings=len(result.findings),
            suppressed=result.suppressed,
            baselined=result.baselined,
            compared_with=_comparison(options),
            skipped_modules=list(project.skipped_modules),
        ),
    )


def _comparison(options: ScanOptions) -> Comparison | None:
    """What `baselined` counts against, for reports to name it (None: nothing was compared)."""
    if options.baseline is None and not options.new_since:
        return None
    return Comparison(baseline=str(options.baseline) if options.baseline is not None else None,
                      new_since=options.new_since or None)


def _warm_key(paths: Sequence[str | os.PathLike[str]], options: ScanOptions, selected: list) -> str | None:
    """The key of this scan's inputs (sod_iac.cache.inputs); None without a cache folder."""
    if options.cache_dir is None:
        return None
    return inputs.key([os.fspath(p) for p in paths], repo_root=os.fspath(options.repo_root) if options.repo_root else None,
                      var_files=[os.fspath(v) for v in options.var_files], max_file_size=options.max_file_size,
                      config=options.config, rule_ids=[r.id for r in selected])


def _served(directory: Path | None, warm_key: str | None) -> tuple[Project, int, Judgement] | None:
    """The stored judgement of these inputs when every read the scan that stored it made gives
    the same outcome again (sod_iac.load.reads): then nothing is loaded at all."""
    entry = inputs.load(directory, warm_key)
    if entry is None or not reads.replay(entry.reads):
        return None
    judged = judgements.load(directory, entry.judged)
    if judged is None:
        return None
    return entry.shell.project(), entry.shell.resources, judged


def _judged(project: Project, load: Callable[[], Project], options: ScanOptions,
            selected: list) -> tuple[Judgement, str | None]:
    """judge_project, served from the cache folder when this very project was judged before
    with the same settings and rules (sod_iac.cache.judgements); a judgement with rule errors is
    not stored (an error may be the machine's, not the project's). While a stored judgement
    is read, the project's contents are let go (triage reads only its root, files and errors),
    so a large estate is not held twice; an entry that turns out unusable has it loaded again.
    Returns the judgement and the key it is stored under (None: not stored)."""
    entry = judgements.key(project, options.config, [r.id for r in selected]) if options.cache_dir else None
    if judgements.present(options.cache_dir, entry):
        project.release_contents()
        judged = judgements.load(options.cache_dir, entry)
        if judged is not None:
            return judged, entry
        project = load()
    judged = judge_project(project, options, selected)
    if judged[1] or entry is None:
        return judged, None
    return judged, entry if judgements.store(options.cache_dir, entry, judged) else None


def judge_project(project: Project, options: ScanOptions, selected: list,
                  on_unit: UnitJudged | None = None) -> tuple[list[Finding], list[LoadError], int]:
    """Run the rules on each analysis unit (sod_iac.pipeline.units) and merge what they find: the one
    judging step of `sod-iac scan`, of the Checkov checks (checks/) and of `sod-iac matrix`
    (through on_unit, so it reads the same engines and holdings and runs no rule again). Units never share an
    identity (each finding of a split project carries its root module, Context.finding), so
    merging is concatenating; a rule that fails in several units is one error, its first.
    An access engine that fails to build is one error per cloud, naming the units where it
    failed; the rules still run there without that cloud, and on the other units with it."""
    findings: list[Finding] = []
    errors: dict[str, LoadError] = {}
    broken: dict[str, tuple[EngineFailure, list[str]]] = {}
    principals = 0
    units = analysis_units(project)
    for key, unit in units:
        with paused_gc():  # the engines only build indexes and memos (sod_iac.util.gcpause)
            failures: list[EngineFailure] = []
            access = build_access(unit, failures)
            ctx = Context(project=unit, access=access, config=dict(options.config), unit=key)
            found = run_rules(ctx, selected)
            findings.extend(found)
            if on_unit is not None:
                on_unit(key, ctx, found)
            principals += len(principal_addresses(unit, access))
            for failure in failures:
                broken.setdefault(failure.cloud, (failure, []))[1].append(key)
            for error in ctx.errors:
                errors.setdefault(error.path, error)
    if len(units) > 1:
        findings.sort(key=finding_sort_key)
    engine_errors = [_engine_error(failure, keys) for failure, keys in broken.values()]
    return findings, [*engine_errors, *errors.values()], principals


def _engine_error(failure: EngineFailure, units: list[str]) -> LoadError:
    """One line for a cloud's engine: what failed, where (the first unit, and how many more)."""
    where = ""
    if units[0]:
        more = f" (and {len(units) - 1} other unit{'s' if len(units) > 2 else ''})" if len(units) > 1 else ""
        where = f" for root module{'s' if ',' in units[0] else ''} {units[0]}{more}"
    return LoadError.internal(
        f"<engine {failure.cloud}>", failure.error, what=f" building the {failure.cloud} access engine{where}",
        after=f"; the rules ran{' there' if units[0] else ''} without {failure.cloud} access, "
              "so findings that need it are missing")


def _base_fingerprints(paths: Sequence[str | os.PathLike[str]], root: Path, options: ScanOptions) -> set[str]:
    """`--new-since`: the same scan of the tree at the base revision (read from git history)."""
    from sod_iac.pipeline.history import base_tree

    def scan_base(mapped: list[Path], base_root: Path) -> set[str]:
        base_options = options.model_copy(update={"new_since": None, "baseline": None, "repo_root": base_root,
                                                  "warn_unused_ignores": False})
        return {f.fingerprint for f in run_scan(mapped, base_options).findings}

    return base_tree([Path(p) for p in paths], root, str(options.new_since), options.max_file_size, scan_base)


def exit_code(report: Report, fail_on: str = "low", soft_fail: bool = False) -> int:
    """DESIGN.md exit codes: 2 if any input could not be analysed (even with soft_fail),
    else 1 if a finding is at or above `fail_on` and not soft_fail, else 0."""
    if report.errors:
        return 2
    threshold = SEVERITY_ORDER[fail_on]
    if not soft_fail and any(SEVERITY_ORDER[f.severity] >= threshold for f in report.findings):
        return 1
    return 0
