"""From what the rules found to what the user sees, in one place and one order.

Why one function: selection, severity overrides, excluded paths, inline ignores, baselines
and `--new-since` must apply identically to every rule and every entry point (CLI, Action,
tests). The order matters and is fixed here:

1. rule selection (`check`, `skip_check`, `rules.ID.enabled`), 2. severity overrides,
3. excluded paths (findings and load errors), 4. inline ignores (which can then be reported
as unused), 5. the baseline and the `--new-since` base (known fingerprints).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sod_iac.core.model import Finding, LoadError, Notice, Project
from sod_iac.pipeline import selection, suppress
from sod_iac.rules.registry import finding_sort_key

if TYPE_CHECKING:
    from sod_iac.pipeline.scan import ScanOptions


@dataclass
class Triaged:
    findings: list[Finding]
    errors: list[LoadError]
    warnings: list[Notice] = field(default_factory=list)
    silenced: list[suppress.Silenced] = field(default_factory=list)
    """Selected findings an inline ignore silenced, with its reason (Checkov shows them skipped)."""
    baselined: int = 0

    @property
    def suppressed(self) -> int:
        return len(self.silenced)


def apply(findings: list[Finding], errors: list[LoadError], project: Project, options: ScanOptions,
          base_scan: Callable[[], set[str]] | None = None) -> Triaged:
    """Filter `findings` as the options say; `base_scan()` gives the `--new-since` base's
    fingerprints (only called when `options.new_since` is set). Errors from reading the
    baseline or git history propagate (BaselineError, HistoryError): a PR gate that cannot
    tell new from old must not pass silently."""
    findings = selection.select(findings, options.check, options.skip_check)
    findings = selection.override_severity(findings, options.severity)
    findings = selection.exclude(findings, options.exclude_paths)
    errors = selection.exclude_errors(errors, options.exclude_paths)
    outcome = suppress.apply_ignores(findings, project, warn_unused=options.warn_unused_ignores)
    warnings = [w for w in [*project.warnings, *outcome.warnings]
                if not selection.is_excluded(w.path, options.exclude_paths)]
    known: set[str] = set()
    if options.baseline is not None:
        known |= suppress.read_baseline(options.baseline)
    if options.new_since and base_scan is not None:
        known |= base_scan()
    kept, baselined = suppress.drop_known(outcome.findings, known)
    return Triaged(
        findings=sorted(kept, key=finding_sort_key),  # severities may have changed the order
        errors=errors,
        warnings=warnings,
        silenced=outcome.silenced,
        baselined=baselined,
    )
