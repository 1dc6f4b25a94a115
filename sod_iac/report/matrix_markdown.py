"""`sod-iac matrix --format markdown`: the matrix as a Markdown table (also the Action's job
summary). ● held, ◐ possible, blank not held; a held cell names (or, with `link_base`, links
to) the file:line that grants it; a row holding a conflict is marked ⚠ with the rule ids."""

from __future__ import annotations

from sod_iac.pipeline.matrix import Matrix, MatrixRow
from sod_iac.report.markdown import MAX_BYTES, code, escape
from sod_iac.report.markdown import _location_link as location_link
from sod_iac.report.matrix_common import LEVEL_MARKS, ci_label, conflict_label, evidence_location, highlighted


def render(matrix: Matrix, link_base: str | None = None, max_bytes: int = MAX_BYTES) -> str:
    """The page, always under `max_bytes` of UTF-8 (GitHub's job summary takes 1 MiB): when
    the whole matrix is larger, the rows without a conflict are left out, then the last rows,
    and the page says how many."""
    page = _page(matrix, matrix.rows, link_base)
    if len(page.encode("utf-8")) <= max_bytes:
        return page
    rows = [row for row in matrix.rows if row.conflicts]
    while True:
        left_out = len(matrix.rows) - len(rows)
        note = (f"\n_{left_out} of {len(matrix.rows)} principal(s) left out to stay under "
                f"{max_bytes:,} bytes (principals without a conflict first): `--format html` or "
                "`--format csv` shows them all._\n")
        page = _page(matrix, rows, link_base) + note
        if len(page.encode("utf-8")) <= max_bytes or not rows:
            return page
        rows = rows[: len(rows) * 9 // 10]


def _page(matrix: Matrix, rows: list[MatrixRow], link_base: str | None) -> str:
    held = sum(1 for row in matrix.rows if row.open_conflicts)
    parts = ["## sod-iac: Separation-of-Duties matrix", "",
             f"{len(matrix.rows)} principal(s), {len(matrix.duties)} duties; "
             f"{held} principal(s) hold a conflict that is not suppressed.", ""]
    families: dict[str, list[str]] = {}
    for duty in matrix.duties:
        families.setdefault(duty.family, []).append(duty.name)
    parts.append("Duties by family: " + "; ".join(f"{escape(f)}: {', '.join(code(d) for d in names)}"
                                                  for f, names in families.items()) + ".")
    parts += ["", "● held, ◐ possible (depends on values the code does not state), blank: not held; "
                  "**bold**: a duty of a conflict the principal holds.", ""]
    header = ["principal", "cloud", "environment", *(code(d.name) for d in matrix.duties), "conflicts"]
    parts.append("| " + " | ".join(header) + " |")
    parts.append("|" + "---|" * len(header))
    parts.extend(_row(matrix, row, link_base) for row in rows)
    if matrix.errors:
        parts += ["", "### Inputs that could not be analysed", ""]
        parts += [f"- {escape(e.path)}: {escape(e.message)}" for e in matrix.errors]
    return "\n".join(parts) + "\n"


def _row(matrix: Matrix, row: MatrixRow, link_base: str | None) -> str:
    who = code(row.principal)
    if row.open_conflicts:
        who = f"⚠ {who}"
    if row.full_admin:
        first = next((e.location for e in row.full_admin_evidence if e.location), None)
        who += " **full administrator: holds every duty**" + (f" ({location_link(first, link_base)})" if first else "")
    if row.ci:
        who += f" ({escape(ci_label(row))})"
    if row.members:
        who += " (roll-up of " + ", ".join(code(m) for m in row.members) + ")"
    marks = highlighted(row)
    cells = []
    for duty in matrix.duties:
        cell = row.cells.get(duty.name)
        if cell is None or cell.level == "not-held":
            cells.append("")
            continue
        text = LEVEL_MARKS[cell.level]
        location = evidence_location(cell) if not row.full_admin else None
        if location is not None:
            text += " " + location_link(location, link_base)
        cells.append(f"**{text}**" if duty.name in marks else text)
    conflicts = "<br>".join(("⚠ " if c.status == "open" else "") + escape(conflict_label(c)) for c in row.conflicts)
    return "| " + " | ".join([who, escape(row.cloud), escape(", ".join(row.environments)), *cells, conflicts]) + " |"
