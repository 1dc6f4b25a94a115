"""`--format json`: the versioned finding contract of DESIGN.md, nothing computed here."""

from __future__ import annotations

import json
from typing import Any

from sod_iac.model import Report


def render(report: Report) -> str:
    """The report as indented JSON in the contract's field order, ending with a newline.

    Unset optional fields (principal, principals, secret, location, an error's line) are
    omitted rather than written as null; `summary.skipped_modules` appears only when a module
    was skipped, so the common case matches the documented contract exactly.
    """
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def to_dict(report: Report) -> dict[str, Any]:
    data = report.model_dump(mode="json", exclude_none=True)
    if not data["summary"].get("skipped_modules"):
        data["summary"].pop("skipped_modules", None)
    return data
