"""`--format markdown`: a pull-request summary for `$GITHUB_STEP_SUMMARY` or a PR comment.

A reviewer reads it top down, so it leads with what matters for the change: the heading and a
first paragraph say what is reported (all findings, those the change introduces since a git
revision, or those not in a baseline: `Summary.compared_with`), by severity, then how many were
already known; then notes (inputs that could not be analysed, remote modules not scanned);
then the table of findings linking to file and line, a Mermaid diagram per combined-duties
finding (principal -> duties -> the grants that give them) with the evidence in collapsed
`<details>`, and the warnings. NOTES_MARKER, an invisible HTML comment after the first
paragraph, is where a caller (the GitHub Action) puts notes of its own.

GitHub refuses step summaries over 1 MiB, so the page is kept under MAX_BYTES: diagrams go
first, then table rows, with a note saying so. Text from the scanned code is escaped so it
can neither break the table nor inject HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sod_iac.core.model import Evidence, Finding, Location, Report
from sod_iac.report.chain import Item, Repeat, Shown, who
from sod_iac.report.sarif import uri
from sod_iac.report.text import by_severity, plural, summary_line

MAX_BYTES = 1_000_000
"""GitHub's limit is 1 MiB (1,048,576 bytes) per step summary; keep a margin."""
COLLAPSE_OVER = 10
"""Tables and lists longer than this collapse into <details>."""
_MD_SPECIAL = "\\`*_[]~|#"
NOTES_MARKER = "<!-- sod-iac:notes -->"
"""Where notes of the caller belong (after the first paragraph); renders as nothing."""


def render(report: Report, link_base: str | None = None, max_bytes: int = MAX_BYTES,
           change: str | None = None) -> str:
    """The summary page; `link_base` (e.g. `https://github.com/o/r/blob/SHA/`) makes
    locations links; `change` names what a `--new-since` comparison judges (e.g. "this pull
    request"; default: the changes since the revision). Always under `max_bytes` bytes of UTF-8."""
    def page(diagrams: bool, rows: int | None) -> str:
        return _page(report, link_base, change, diagrams=diagrams, rows=rows)

    full = page(True, None)
    if _size(full) <= max_bytes:
        return full
    full = page(False, None)
    if _size(full) <= max_bytes:
        return full
    low, high = 0, len(report.findings)
    while low < high:  # the most rows that still fit
        middle = (low + high + 1) // 2
        if _size(page(False, middle)) <= max_bytes:
            low = middle
        else:
            high = middle - 1
    return page(False, low)


def _size(text: str) -> int:
    return len(text.encode("utf-8", "backslashreplace"))  # as write_report writes it


def _page(report: Report, link_base: str | None, change: str | None, *, diagrams: bool, rows: int | None) -> str:
    parts = [f"## sod-iac: {_headline(report, change)}", _lead(report, change), NOTES_MARKER]
    if report.errors:
        parts.append(_collapsible(f"{len(report.errors)} input(s) could not be analysed", [
            f"- {_location_text(e.path, e.line, link_base)}: "
            f"{escape(e.message.removeprefix(f'line {e.line}: ') if e.line else e.message)}" for e in report.errors],
            heading="### Inputs that could not be analysed"))
    if report.summary.skipped_modules:
        parts.append(_collapsible(f"{len(report.summary.skipped_modules)} remote module(s) not scanned", [
            f"- {code(m.address)} ({code(m.source)})"
            + (f" at {_location_link(m.location, link_base)}" if m.location else "")
            for m in report.summary.skipped_modules],
            heading="### Remote modules not scanned (never fetched)"))
    if report.findings:
        parts.append(f"### {'New findings' if report.summary.compared_with else 'Findings'}")
        parts.append(_table(report.findings, link_base, rows))
    if diagrams:
        shown = Shown()
        parts.extend(_combined(f, link_base, shown) for f in report.findings if f.family == "combined-duties")
    elif report.findings and any(f.family == "combined-duties" for f in report.findings):
        parts.append("_Diagrams and evidence left out to stay under GitHub's 1 MiB summary limit; "
                     "the JSON or SARIF report has everything._")
    if report.warnings:
        parts.append(_collapsible(f"{len(report.warnings)} warning(s)", [
            f"- {_location_text(w.path, w.line, link_base)}: {escape(w.message)}" for w in report.warnings],
            heading="### Warnings"))
    parts.append(f"<sub>{escape(summary_line(report))}</sub>")
    return "\n\n".join(p for p in parts if p) + "\n"


def _headline(report: Report, change: str | None) -> str:
    """`3 findings`; with --new-since `this pull request introduces 1 finding` (or `1 finding
    new since `ref``); with a baseline `1 finding not in the baseline`."""
    findings = plural(len(report.findings), "finding", zero="no")
    compared = report.summary.compared_with
    if compared is None:
        head = findings
    elif compared.new_since:
        head = f"{change} introduces {findings}" if change else f"{findings} new since {code(_ref(compared.new_since))}"
    else:
        head = f"{findings} not in the baseline"
    if report.errors:
        head += ", scan incomplete"
    return head


def _lead(report: Report, change: str | None) -> str:
    """The first paragraph: what is reported, by severity, then what was already known."""
    findings = plural(len(report.findings), "finding", zero="no")
    compared = report.summary.compared_with
    if compared is None:
        what = findings[0].upper() + findings[1:]
    elif compared.new_since:
        subject = change or f"the changes since {code(_ref(compared.new_since))}"
        what = f"{subject[0].upper()}{subject[1:]} {'introduces' if change else 'introduce'} {findings}"
    else:
        what = f"{findings[0].upper()}{findings[1:]} not in the baseline"
    severities = by_severity(report.findings)
    sentences = [f"**{what}**: {severities}." if severities else f"**{what}.**"]
    if compared is not None and report.summary.baselined:
        where = [f"on the base ({code(_ref(compared.new_since))})" if compared.new_since else "",
                 f"in the baseline ({code(compared.baseline)})" if compared.baseline else ""]
        n = report.summary.baselined
        sentences.append(f"{plural(n, 'finding')} {'was' if n == 1 else 'were'} already "
                         f"{' or '.join(w for w in where if w)} and {'is' if n == 1 else 'are'} not listed.")
    if report.summary.suppressed:
        sentences.append(f"{report.summary.suppressed} suppressed inline.")
    return " ".join(sentences)


def _ref(revision: str) -> str:
    """A full commit id is shortened as git shows it; a branch or tag name is kept."""
    return revision[:12] if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", revision) else revision


# --------------------------------------------------------------------------- table


def _table(findings: list[Finding], link_base: str | None, rows: int | None) -> str:
    shown = findings if rows is None else findings[:rows]
    lines = ["| Severity | Rule | Resource | Location | Message |", "|---|---|---|---|---|"]
    for f in shown:
        where = _location_link(f.location, link_base) if f.location else "—"
        lines.append(f"| {f.severity} | {f.rule_id} | {code(f.resource)} | {where} | {cell(f.message)} |")
    table = "\n".join(lines)
    if rows is not None and rows < len(findings):
        table += (f"\n\n_{len(findings) - rows} more finding(s) not shown to stay under GitHub's 1 MiB "
                  "summary limit; the JSON or SARIF report has all of them._")
    if len(findings) > COLLAPSE_OVER:
        return f"<details>\n<summary>All {len(findings)} findings</summary>\n\n{table}\n\n</details>"
    return table


# --------------------------------------------------------------------------- combined duties


def _combined(f: Finding, link_base: str | None, shown: Shown) -> str:
    parts = [f"### {f.rule_id} {code(who(f))}", prose(f.message), mermaid(f)]
    if f.evidence:
        items = [_evidence_item(item, link_base) for item in shown.items(f.evidence)]
        parts.append(_collapsible(f"Evidence ({len(items)} hop{'s' if len(items) != 1 else ''})",
                                  items, always=True))
    return "\n\n".join(parts)


def _evidence_item(item: Item, link_base: str | None) -> str:
    def place(hop: Evidence) -> str:
        return code(hop.address) + (f" ({_location_link(hop.location, link_base)})" if hop.location else "")
    if isinstance(item, Repeat):
        return "- as above: " + " → ".join(place(hop) for hop in item.hops)
    return f"- {place(item)}: {prose(item.detail)}"


def mermaid(f: Finding) -> str:
    """principal --> duty --> the grant that gives it; hops that name no duty hang off the
    principal with a dotted line. One node per address (a role, a policy, a document), whatever
    the number of hops through it, its lines listed once; the principal's own hops are its node."""
    who_ = f.principal or f.resource
    lines = ["```mermaid", "flowchart LR"]
    duty_ids = {}
    boxes: dict[str, str] = {who_: "p"}
    places: dict[str, list[Location]] = {who_: []}
    for hop in f.evidence:
        if hop.address not in boxes:
            boxes[hop.address] = f"e{len(boxes) - 1}"
            places[hop.address] = []
        if hop.location and hop.location not in places[hop.address]:
            places[hop.address].append(hop.location)
    for address, box in boxes.items():
        spots = sorted(places[address], key=lambda at: (at.path, at.start_line))
        where = f"<br/>{mermaid_label(', '.join(map(str, spots)))}" if spots else ""
        lines.append(f'  {box}["{mermaid_label(address)}{where}"]')
    for number, duty in enumerate(f.duties):
        duty_ids[duty] = f"d{number}"
        lines.append(f'  d{number}(["{mermaid_label(duty)}"])')
        lines.append(f"  p --> d{number}")
    edges: set[str] = set()
    for hop in f.evidence:
        box = boxes[hop.address]
        if box == "p":
            continue
        edge = f"{duty_ids[hop.duty]} --> {box}" if hop.duty in duty_ids else f"p -.-> {box}"
        if edge not in edges:
            edges.add(edge)
            lines.append(f"  {edge}")
    lines.append("```")
    return "\n".join(lines)


def mermaid_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label (and inside the Markdown code fence)."""
    text = " ".join(text.split())
    for raw, entity in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(raw, entity)
    return text


# --------------------------------------------------------------------------- escaping and links


def escape(text: str) -> str:
    """Plain text in Markdown: no formatting, no HTML, nothing read as a heading or a list,
    and it stays on one line (newlines become <br>)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)
    text = re.sub(r"^(\d*)([-+]|(?<=\d)[.)])", r"\1\\\2", text, count=1)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def cell(text: str) -> str:
    return prose(text)


def prose(text: str) -> str:
    """A message or detail in Markdown: what it quotes in backticks (`repo:acme/platform:*`)
    becomes a code span, the rest is escaped as plain text."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: no code spans, all plain
        return escape(text)
    return "".join(code(piece) if number % 2 and piece.strip() else escape(piece)
                   for number, piece in enumerate(pieces))


def code(text: str) -> str:
    """An inline code span that survives backticks, pipes (inside tables) and newlines."""
    text = " ".join(text.split("\n")).replace("|", "\\|")
    longest, run = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _location_link(location: Location, link_base: str | None) -> str:
    label = escape(f"{location.path}:{location.start_line}")
    if not link_base:
        return label
    end = max(location.end_line, location.start_line)
    anchor = f"#L{location.start_line}" + (f"-L{end}" if end != location.start_line else "")
    return f"[{label}]({link_base}{uri(location.path)}{anchor})"


def _location_text(path: str, line: int | None, link_base: str | None) -> str:
    if line and not path.startswith("<"):
        return _location_link(Location(path=path, start_line=line, end_line=line), link_base)
    return escape(path)


def _collapsible(summary: str, items: Iterable[str], *, heading: str = "", always: bool = False) -> str:
    items = list(items)
    body = "\n".join(items)
    if always or len(items) > COLLAPSE_OVER:
        body = f"<details>\n<summary>{escape(summary)}</summary>\n\n{body}\n\n</details>"
    return f"{heading}\n\n{body}" if heading else body
