"""A rule's help page, as plain text (`sod-iac explain`) and Markdown (SARIF help, `--format
markdown` of explain): rationale, the bad and the good example, the fix, references.

Everything comes from the catalog metadata in the rule registry; nothing is computed.
"""

from __future__ import annotations

import textwrap
from typing import Any

WIDTH = 88


def text(rule: Any) -> str:
    """The plain-text page `explain` prints, ending with a newline."""
    sections = [
        f"{rule.id}  {rule.title}\n"
        f"family: {rule.family}   severity: {rule.severity}   status: {rule.status}",
        f"Why it matters\n{_wrap(rule.rationale)}",
        f"Example\n{_indent(rule.example)}",
    ]
    if rule.good_example:
        sections.append(f"Fixed example\n{_indent(rule.good_example)}")
    sections.append(f"Fix\n{_wrap(rule.remediation)}")
    refs = "\n".join(f"  - {r.title}" + (f"\n    {r.url}" if r.url else "") for r in rule.references)
    sections.append(f"References\n{refs or '  (none)'}")
    return "\n\n".join(sections) + "\n"


def markdown(rule: Any, heading: str = "##") -> str:
    """The same page in GitHub-flavoured Markdown, ending with a newline."""
    parts = [
        f"{heading} {rule.id}: {rule.title}",
        f"Family: `{rule.family}` · default severity: **{rule.severity}**",
        f"{heading}# Why it matters\n\n{rule.rationale}",
        f"{heading}# Example{' (bad)' if rule.good_example else ''}\n\n{fence(rule.example, 'hcl')}",
    ]
    if rule.good_example:
        parts.append(f"{heading}# Example (fixed)\n\n{fence(rule.good_example, 'hcl')}")
    parts.append(f"{heading}# Fix\n\n{rule.remediation}")
    if rule.references:
        refs = "\n".join(f"- [{r.title}]({r.url})" if r.url else f"- {r.title}" for r in rule.references)
        parts.append(f"{heading}# References\n\n{refs}")
    return "\n\n".join(parts) + "\n"


def as_dict(rule: Any) -> dict[str, Any]:
    """The catalog entry for tools (`explain --format json`)."""
    data: dict[str, Any] = {
        "id": rule.id, "family": rule.family, "severity": rule.severity, "status": rule.status,
        "title": rule.title, "rationale": rule.rationale, "remediation": rule.remediation,
        "example": rule.example,
    }
    if rule.good_example:
        data["good_example"] = rule.good_example
    data["references"] = [{"title": r.title, **({"url": r.url} if r.url else {})} for r in rule.references]
    return data


def help_uri(rule: Any) -> str | None:
    """The first reference with a URL: the best page we can point a reader at."""
    return next((r.url for r in rule.references if r.url), None)


def fence(code: str, language: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside the code."""
    longest, run = 0, 0
    for ch in code:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{code.rstrip()}\n{ticks}"


def _wrap(body: str) -> str:
    return textwrap.fill(body, width=WIDTH, initial_indent="  ", subsequent_indent="  ")


def _indent(code: str) -> str:
    return "\n".join(("    " + line).rstrip() for line in code.splitlines())
