"""`--format github`: GitHub Actions workflow commands that annotate the pull request.

One line per finding: `::error file=iam.tf,line=12,endLine=30,title=SOD110 ...::message`.
Why the escaping is exactly this: GitHub's runner splits a command on `::` and its
properties on `,` and `=`, and reads `%XX` escapes. As GitHub's toolkit does, data escapes
`%`, CR and LF; property values also escape `:` and `,`. Anything else (non-ASCII, spaces,
`=`) passes through unchanged.
"""

from __future__ import annotations

from sod_iac.core.model import Finding, Location, Report
from sod_iac.report.chain import Repeat, Shown, hop_text, repeat_text

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


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
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{level}{' ' + rendered if rendered else ''}::{escape_data(message)}"


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
