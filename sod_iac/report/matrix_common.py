"""What every matrix format says the same way: the words and marks for a cell's level, where
a cell's evidence is, the duties a row's open conflicts highlight. Formatting only."""

from __future__ import annotations

from sod_iac.core.model import Location
from sod_iac.pipeline.matrix import MatrixCell, MatrixConflict, MatrixRow

LEVEL_WORDS = {"held": "held", "possible": "possible", "not-held": "not held"}
LEVEL_MARKS = {"held": "●", "possible": "◐", "not-held": ""}


def evidence_location(cell: MatrixCell) -> Location | None:
    """The file:line of the statement that grants the duty (the first located hop)."""
    return next((e.location for e in cell.evidence if e.location), None)


def location_text(location: Location) -> str:
    return f"{location.path}:{location.start_line}"


def ci_label(row: MatrixRow) -> str:
    """`CI: GitHub Actions` for a CI identity's row, else empty."""
    return f"CI: {', '.join(row.ci)}" if row.ci else ""


def conflict_label(conflict: MatrixConflict) -> str:
    """`SOD101 key-admin-and-use`, with how it stands when it is not simply open and held."""
    text = f"{conflict.rule_id} {conflict.conflict}"
    notes = []
    if conflict.level == "possible":
        notes.append("possible")
    if conflict.reported_by != conflict.rule_id:
        notes.append(f"reported as {conflict.reported_by}")
    if conflict.status == "suppressed":
        notes.append("suppressed")
    return text + (f" ({', '.join(notes)})" if notes else "")


def highlighted(row: MatrixRow) -> dict[str, list[str]]:
    """Duty -> rule ids of the row's conflicts that name it (open ones first)."""
    out: dict[str, list[str]] = {}
    for conflict in sorted(row.conflicts, key=lambda c: c.status != "open"):
        for duty in conflict.duties:
            if conflict.rule_id not in out.setdefault(duty, []):
                out[duty].append(conflict.rule_id)
    return out
