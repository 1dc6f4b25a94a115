"""ScanOptions from a config file and command-line values: one place for `sod-iac scan`,
`sod-iac matrix` and the Checkov checks, so a setting means the same in each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sod_iac.core.model import Severity
from sod_iac.pipeline.config import Config, find_config, load_config, validate_patterns
from sod_iac.pipeline.scan import ScanOptions
from sod_iac.rules import all_rules


def scan_options(root: Path, config_file: Path | None, checks: tuple[str, ...], skip_checks: tuple[str, ...],
                 fail_on: Severity | None, **fields: Any) -> tuple[ScanOptions, Severity]:
    """ScanOptions from the config file (`config_file`, else the one found from `root`) and the
    command line (the command line wins); also the effective fail-on severity."""
    rule_ids = [r.id for r in all_rules()]
    path = config_file or find_config(root)
    config = load_config(path, rule_ids) if path is not None else Config()
    check = validate_patterns(checks, rule_ids, "--check") if checks else list(config.check)
    if check:
        check += [r for r in config.enabled(rule_ids) if r not in check]
    skip = validate_patterns(skip_checks, rule_ids, "--skip-check") if skip_checks else list(config.skip_check)
    skip += [r for r in config.disabled(rule_ids) if r not in skip]
    options = ScanOptions(config=config.rule_config(rule_ids), check=check, skip_check=skip,
                          severity=config.severities(rule_ids), exclude_paths=list(config.exclude_paths),
                          fail_on=fail_on or config.fail_on or "low", **fields)
    return options, options.fail_on
