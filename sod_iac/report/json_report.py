"""`--format json`: the versioned finding contract of DESIGN.md, nothing computed here.

The contract is published as a JSON Schema in `schema/report.schema.json` (tests validate
every report against it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sod_iac.model import Report
from sod_iac.report.json_text import indented

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "report.schema.json"
_OPTIONAL_COUNTS = ("suppressed", "baselined")


def render(report: Report) -> str:
    """The report as indented JSON in the contract's field order, ending with a newline.

    Unset optional fields (principal, principals, secret, location, an error's line, an
    evidence hop's duty) are omitted rather than written as null; `warnings`,
    `summary.suppressed`, `summary.baselined` and `summary.skipped_modules` appear only when
    they have something to say, so the common case matches the documented contract exactly.
    """
    return b"".join(chunks(report)).decode("utf-8", "surrogateescape")


def chunks(report: Report) -> tuple[bytes, ...]:
    """render(report) as UTF-8 bytes, in pieces to write one after the other: made straight
    from the models (no dict copy, no text copy), as a report may hold 100,000s of hops."""
    try:
        return report.__pydantic_serializer__.to_json(report, indent=2, exclude_none=True,
                                                      exclude=_unset(report)), b"\n"
    except (ValueError, UnicodeError):  # e.g. a lone surrogate from a file name that is not UTF-8
        text = indented(to_dict(report))
        try:
            return (text.encode("utf-8", "surrogateescape"),)
        except UnicodeEncodeError:
            return (text.encode("utf-8", "surrogatepass"),)


def _unset(report: Report) -> dict[str, Any]:
    """What to_dict leaves out, as a pydantic `exclude`."""
    exclude: dict[str, Any] = {}
    if not report.warnings:
        exclude["warnings"] = True
    summary = {key for key in ("skipped_modules", *_OPTIONAL_COUNTS) if not getattr(report.summary, key)}
    if summary:
        exclude["summary"] = summary
    return exclude


def to_dict(report: Report) -> dict[str, Any]:
    data = report.model_dump(mode="json", exclude_none=True)
    if not data.get("warnings"):
        data.pop("warnings", None)
    summary = data["summary"]
    if not summary.get("skipped_modules"):
        summary.pop("skipped_modules", None)
    for key in _OPTIONAL_COUNTS:
        if not summary.get(key):
            summary.pop(key, None)
    return data


def schema() -> dict[str, Any]:
    """The published JSON Schema of this output."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
