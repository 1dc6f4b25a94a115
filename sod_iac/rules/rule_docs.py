"""A rule module's docstring, read back into the fields `explain` and SARIF help show.

Why the docstring: the text a user reads about a rule sits beside the code that judges, so a
change to one is reviewed with the other (the catalog keeps only id, family, severity, title).
The format is ruff's: a summary line (the rule's title), then `## ` sections in a fixed order.
Prose is wrapped in the source; a paragraph's lines are joined with single spaces and
paragraphs with a newline, as the YAML folding (`>-`) of the former catalog did, so the text
reads the same in every report. Code sits in ```hcl fences and is kept verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "How to fix", "Options", "References")
OPTIONAL = frozenset({"Use instead"})
_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"\A```hcl\n(.*?)\n```\Z", re.DOTALL)
_LINK = re.compile(r"^- \[(.+)\]\((\S+)\)$")


class DocError(ValueError):
    """The docstring does not follow the format; the message says what is wrong."""


@dataclass(frozen=True)
class RuleDoc:
    summary: str
    what_it_does: str
    rationale: str
    example: str
    good_example: str
    remediation: str
    options: str
    references: tuple[tuple[str, str | None], ...]


def parse(doc: str | None) -> RuleDoc:
    """The sections of a rule module's docstring; DocError when one is missing, unknown,
    out of order, or a code section is not one ```hcl fence."""
    if not doc or not doc.strip():
        raise DocError("the rule module has no docstring")
    head, *rest = _HEADING.split(doc)
    summary = head.strip()
    if not summary or "\n" in summary:
        raise DocError("the docstring must start with a one-line summary (the rule's title)")
    sections = dict(zip(rest[0::2], (body.strip("\n") for body in rest[1::2])))
    names = rest[0::2]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise DocError(f"unknown section(s) {', '.join(repr(n) for n in unknown)}; sections are {', '.join(SECTIONS)}")
    missing = [n for n in SECTIONS if n not in sections and n not in OPTIONAL]
    if missing:
        raise DocError(f"missing section(s) {', '.join(repr(n) for n in missing)}")
    if names != [n for n in SECTIONS if n in sections]:
        raise DocError(f"sections must come in the order {', '.join(SECTIONS)}")
    return RuleDoc(
        summary=summary,
        what_it_does=prose(sections["What it does"]),
        rationale=prose(sections["Why is this bad?"]),
        example=_code(sections["Example"], "Example"),
        good_example=_code(sections["Use instead"], "Use instead") if "Use instead" in sections else "",
        remediation=prose(sections["How to fix"]),
        options=sections["Options"].strip(),
        references=tuple(_reference(line) for line in sections["References"].splitlines() if line.strip()),
    )


def prose(body: str) -> str:
    """Wrapped text as one line per paragraph (the YAML folding the catalog used)."""
    paragraphs = re.split(r"\n\s*\n", body.strip())
    return "\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs if p.strip())


def _code(body: str, section: str) -> str:
    found = _FENCE.match(body.strip())
    if found is None:
        raise DocError(f"section {section!r} must be one ```hcl fenced block")
    return found.group(1).rstrip()


def _reference(line: str) -> tuple[str, str | None]:
    if not line.startswith("- "):
        raise DocError(f"a reference is a list item `- [title](url)` or `- title`, got {line!r}")
    link = _LINK.match(line)
    return (link.group(1), link.group(2)) if link else (line[2:].strip(), None)
