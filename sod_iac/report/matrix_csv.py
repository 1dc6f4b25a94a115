"""`sod-iac matrix --format csv`: opens in a spreadsheet as is. One header row, one row per
principal in the matrix's order; a duty column says held / possible / not held, and the
`evidence` column says where each held duty is granted."""

from __future__ import annotations

import csv
import io

from sod_iac.pipeline.matrix import Matrix
from sod_iac.report.matrix_common import LEVEL_WORDS, conflict_label, evidence_location, location_text

FIXED = ["principal", "cloud", "kind", "unit", "environments", "ci", "full_admin", "members"]


def render(matrix: Matrix) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, what spreadsheets expect
    writer.writerow([*FIXED, *(d.name for d in matrix.duties), "conflicts", "open_conflicts", "evidence"])
    for row in matrix.rows:
        where = []
        if row.full_admin_evidence:
            first = next((e.location for e in row.full_admin_evidence if e.location), None)
            where.append(f"full administrator: {location_text(first)}" if first else "full administrator")
        for duty in matrix.duties:
            location = evidence_location(row.cells[duty.name]) if duty.name in row.cells else None
            if location is not None:
                where.append(f"{duty.name}: {location_text(location)}")
        writer.writerow([
            row.principal, row.cloud, row.kind, row.unit, " ".join(row.environments), ", ".join(row.ci),
            "yes" if row.full_admin else "no", " ".join(row.members),
            *(LEVEL_WORDS[row.cells[d.name].level] if d.name in row.cells else "" for d in matrix.duties),
            "; ".join(conflict_label(c) for c in row.conflicts), len(row.open_conflicts), "; ".join(where),
        ])
    return out.getvalue()
