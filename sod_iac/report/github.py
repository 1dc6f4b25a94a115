"""`--format github`: GitHub Actions workflow commands that annotate the pull request.

One line per finding: `::error file=iam.tf,line=12,endLine=30,title=SOD110 ...::message`,
escaped by sod_iac.util.workflow_commands (which says why the escaping is exactly this).
"""

from __future__ import annotations

from sod_iac.core.model import Finding, Location, Report
from sod_iac.report.chain import Repeat, Shown, hop_text, repeat_text
from sod_iac.util.workflow_commands import workflow_command

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}


def command(level: str, message: str, *, title: str | None = None, location: Location | None = None,
            path: str | None = None, line: int | None = None) -> str:
    """One workflow command line (without the newline)."""
    props: list[tuple[str, str]] = []
    if location is not None:
        props += [("file", location.path), ("line", str(location.start_line)),
                  ("endLine", str(max(location.end_line, location.start_line)))]
    elif path:
        props.append(("file", path))
        if line:
            props.append(("line", str(line)))
    if title:
        props.append(("title", title))
    return workflow_command(level, message, props)


def render(report: Report) -> str:
    lines = [_finding(f) for f in report.findings]
    for error in report.errors:
        if error.path.startswith("<"):  # not a file, e.g. `<rule SOD303>`
            lines.append(command("error", f"{error.path}: {error.message}", title="sod-iac: input not analysed"))
        else:
            lines.append(command("error", error.message, title="sod-iac: input not analysed",
                                 path=error.path, line=error.line))
    for warning in report.warnings:
        lines.append(command("warning", warning.message, title="sod-iac", path=warning.path, line=warning.line))
    return "".join(line + "\n" for line in lines)


def _finding(f: Finding) -> str:
    body = [f.message]
    body += [f"↳ {repeat_text(item) if isinstance(item, Repeat) else hop_text(item)}"
             for item in Shown().items(f.evidence)]
    return command(LEVELS[f.severity], "\n".join(body), title=f"{f.rule_id} [{f.severity}] {f.title}",
                   location=f.location)
