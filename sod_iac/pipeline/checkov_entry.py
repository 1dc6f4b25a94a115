"""The one entry of the Checkov checks (checks/sod_iac_checks.py) into sod-iac.

Why one entry: the checks must judge a Checkov graph exactly as `sod-iac scan` judges the same
files (config file found from the scanned root, root modules judged apart, triage with inline
ignores), and must not track where those steps live. They import this module only (and
core.model's types); everything below it may move without touching checks/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sod_iac.core.model import Finding, Location, Notice, Project
from sod_iac.load.checkov import data_address, load_checkov_graph, provider_hosts, root_for, split_address
from sod_iac.pipeline import triage
from sod_iac.pipeline.options import scan_options
from sod_iac.pipeline.scan import ScanOptions, judge_project
from sod_iac.pipeline.suppress import Silenced
from sod_iac.rules import Rule, all_rules

__all__ = ["GraphJudgement", "Rule", "checkov_rules", "data_address", "judge_graph", "judges_address"]


@dataclass
class GraphJudgement:
    """What `sod-iac scan` makes of one Checkov graph, for the checks to place on entities."""

    project: Project
    findings: list[Finding]
    silenced: list[Silenced]
    """Findings an inline ignore with a reason silenced (Checkov shows them SKIPPED)."""
    errors: list[str]
    """Inputs that could not be analysed, one line each (`path:line: message`)."""
    warnings: list[Notice] = field(default_factory=list)
    hosts: dict[str, tuple[str, Location]] = field(default_factory=dict)
    """{root module folder: (address, location)} of the provider block that shows its backend's findings."""
    config_error: str | None = None
    """Why the config file could not be read (the graph was then judged with default options)."""


def checkov_rules() -> list[Rule]:
    """The implemented rules: one Checkov check each."""
    return [rule for rule in all_rules() if rule.implemented]


def judges_address(rule: Rule, address: str) -> bool:
    """Whether `rule` judges the resource or data source at `address` (PASSED means something there)."""
    parts = split_address(address)
    return parts is not None and rule.judges(parts[2])


def judge_graph(graph: Any, scanned_file: str | None) -> GraphJudgement:
    """`sod-iac scan` on the Project read from Checkov's graph: the options of the config file
    found from the scanned root, every rule on each analysis unit, then triage."""
    project = load_checkov_graph(graph, root=root_for(graph, scanned_file))
    config_error = None
    try:
        options, _ = scan_options(Path(project.root), None, (), (), None)
    except Exception as exc:  # noqa: BLE001 - a broken config file must be visible, not fatal
        config_error, options = str(exc), ScanOptions()
    findings, rule_errors, _ = judge_project(project, options, all_rules())
    triaged = triage.apply(findings, [*project.errors, *rule_errors], project, options)
    errors = [f"{e.path}{f':{e.line}' if e.line else ''}: {e.message}" for e in triaged.errors]
    return GraphJudgement(project, triaged.findings, list(triaged.silenced), errors, list(triaged.warnings),
                          provider_hosts(graph, project.root), config_error)
