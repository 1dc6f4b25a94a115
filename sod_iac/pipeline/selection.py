"""Which findings a user asked for: rule selection, severity overrides, excluded paths.

Why here and not in each rule: `--check`, `--skip-check`, `rules.ID.enabled`, severity
overrides and `exclude_paths` must behave the same for every rule, present and future, so
they are applied once, to the finding list, after all rules ran.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sod_iac.core.model import Finding, LoadError, Severity
from sod_iac.util.wildcard import path_matches, rule_matches


def is_selected(rule_id: str, check: Sequence[str], skip_check: Sequence[str]) -> bool:
    """`check` (when given) keeps only matching rules; `skip_check` always wins."""
    if check and not any(rule_matches(p, rule_id) for p in check):
        return False
    return not any(rule_matches(p, rule_id) for p in skip_check)


def select(findings: Iterable[Finding], check: Sequence[str], skip_check: Sequence[str]) -> list[Finding]:
    return [f for f in findings if is_selected(f.rule_id, check, skip_check)]


def override_severity(findings: Iterable[Finding], severities: Mapping[str, Severity]) -> list[Finding]:
    """Replace the severity of findings of the named rules; the fingerprint does not change."""
    out = []
    for f in findings:
        wanted = severities.get(f.rule_id)
        out.append(f.model_copy(update={"severity": wanted}) if wanted and wanted != f.severity else f)
    return out


def is_excluded(path: str | None, patterns: Sequence[str]) -> bool:
    if not path:
        return False
    return any(path_matches(p, path) for p in patterns)


def exclude(findings: Iterable[Finding], patterns: Sequence[str]) -> list[Finding]:
    """Drop findings anchored in an excluded path (those without a location stay)."""
    return [f for f in findings if not is_excluded(f.location.path if f.location else None, patterns)]


def exclude_errors(errors: Iterable[LoadError], patterns: Sequence[str]) -> list[LoadError]:
    """A broken file under an excluded path does not make the scan incomplete."""
    return [e for e in errors if not is_excluded(e.path, patterns)]
