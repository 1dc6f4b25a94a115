"""`--format text`: findings for people, grouped by severity, most severe first.

Only what the Report holds is printed: messages, addresses, locations. Never resource values,
which may hold secrets.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from sod_iac.core.model import SEVERITIES, Finding, LoadError, Notice, Report, Summary
from sod_iac.report.chain import Repeat, Shown, hop_text, repeat_text, who

Segment = tuple[str, str | None]  # (text, rich style or None)
Line = list[Segment]

SEVERITY_STYLES = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan"}
_INDENT = "    "


def render(report: Report, color: bool = False, compact: bool = False, quiet: bool = False) -> str:
    """The whole report as text ending with a newline; ANSI colour only when `color`.

    `compact` drops evidence chains; `quiet` prints findings and errors only: no warnings
    and no summary line, so a clean scan prints nothing.
    """
    lines = [*_finding_lines(report.findings, compact), *_error_lines(report.errors)]
    if not quiet:
        lines.extend(_warning_lines(report.warnings))
        if lines:
            lines.append([])
        lines.append([(summary_line(report), "bold" if report.findings or report.errors else None)])
    if not lines:
        return ""
    return _to_ansi(lines) if color else "".join(_plain(line) + "\n" for line in lines)


def _finding_lines(findings: list[Finding], compact: bool) -> Iterable[Line]:
    shown = Shown()
    first_group = True
    for severity in SEVERITIES:
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        if not first_group:
            yield []
        first_group = False
        yield [(f"{severity.upper()} ({len(group)})", SEVERITY_STYLES[severity])]
        for index, finding in enumerate(group):
            if index and not compact:
                yield []
            yield from _one_finding(finding, compact, shown)


def _one_finding(f: Finding, compact: bool, shown: Shown) -> Iterable[Line]:
    """Where, the rule, who and what in one line; the message; then the chain, each hop once."""
    where = [(str(f.location), "dim"), ("  ", None)] if f.location else []
    yield [
        *where,
        (f.rule_id, "bold"),
        ("  ", None),
        (f"[{f.severity}]", SEVERITY_STYLES[f.severity]),
        ("  ", None),
        (who(f), "bold"),
        (f": {f.title}", None),
    ]
    yield [(_INDENT + f.message, None)]
    if not compact:
        for item in shown.items(f.evidence):
            text = repeat_text(item) if isinstance(item, Repeat) else hop_text(item)
            yield [(_INDENT + "↳ ", "dim"), (text, "dim" if isinstance(item, Repeat) else None)]


def _error_lines(errors: list[LoadError]) -> Iterable[Line]:
    if errors:
        yield []
    for error in errors:
        message = error.message
        if error.line is None:
            where = error.path
        else:
            where = f"{error.path}:{error.line}"
            message = message.removeprefix(f"line {error.line}: ")  # said once, in `where`
        yield [("error:", "bold red"), (f" {where}: {message}", None)]


def _warning_lines(warnings: list[Notice]) -> Iterable[Line]:
    if warnings:
        yield []
    for warning in warnings:
        where = f"{warning.path}:{warning.line}" if warning.line else warning.path
        yield [("warning:", "bold yellow"), (f" {where}: {warning.message}", None)]


def summary_line(report: Report) -> str:
    """E.g. `3 findings (1 high, 2 medium) in 12 files, 40 resources, 5 principals`."""
    findings = report.findings
    if findings:
        head = f"{plural(len(findings), 'finding')} ({by_severity(findings)})"
    else:
        head = "no findings"
    line = f"{head} in {_scope(report.summary)}"
    if report.summary.suppressed:
        line += f", {report.summary.suppressed} suppressed"
    if report.summary.baselined:
        line += f", {report.summary.baselined} already known"
    if report.summary.skipped_modules:
        line += f", {plural(len(report.summary.skipped_modules), 'remote module')} not scanned"
    if report.errors:
        n = len(report.errors)
        line += f"; {plural(n, 'input')} could not be analysed"
    return line


def _scope(summary: Summary) -> str:
    return ", ".join(
        [
            plural(summary.files, "file"),
            plural(summary.resources, "resource"),
            plural(summary.principals, "principal"),
        ]
    )


def by_severity(findings: list[Finding]) -> str:
    """E.g. `1 high, 2 medium`: the severities that occur, most severe first."""
    return ", ".join(
        f"{n} {severity}"
        for severity in SEVERITIES
        if (n := sum(1 for f in findings if f.severity == severity))
    )


def plural(n: int, noun: str, zero: str | None = None) -> str:
    """`1 finding`, `2 findings`; `zero` (e.g. "no") instead of 0 when given."""
    if n == 0 and zero is not None:
        return f"{zero} {noun}s"
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _plain(line: Line) -> str:
    return "".join(text for text, _ in line)


def _to_ansi(lines: list[Line]) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", highlight=False,
                      soft_wrap=True, width=10_000)
    for line in lines:
        console.print(Text.assemble(*line) if line else Text(""))
    return buffer.getvalue()
