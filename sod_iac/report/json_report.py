"""`--format json`: the versioned finding contract of DESIGN.md, nothing computed here.

The contract is published as a JSON Schema in `schema/report.schema.json` (tests validate
every report against it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sod_iac.core.model import Report

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "report.schema.json"
_OPTIONAL_COUNTS = ("suppressed", "baselined")


def render(report: Report) -> str:
    """The report as indented JSON in the contract's field order, ending with a newline.

    Unset optional fields (principal, principals, secret, location, an error's line, an
    evidence hop's duty) are omitted rather than written as null; `warnings`,
    `summary.suppressed`, `summary.baselined` and `summary.skipped_modules` appear only when
    they have something to say, so the common case matches the documented contract exactly.
    """
    return b"".join(chunks(report)).decode("utf-8")


def chunks(report: Report) -> Iterator[bytes]:
    """render(report) as UTF-8 bytes, in pieces made as they are written: the report's shell,
    then each finding (re-indented to its depth), straight from the models, so a report of
    100,000s of hops is never held as one dict, one text or one buffer."""
    try:
        shell = report.model_copy(update={"findings": []})
        text = shell.__pydantic_serializer__.to_json(shell, indent=2, exclude_none=True, exclude=_unset(report))
    except (ValueError, UnicodeError):  # a lone surrogate (a file name that is not UTF-8)
        yield _escaped(to_dict(report)) + b"\n"
        return
    if not report.findings:
        yield text + b"\n"
        return
    at = text.index(_FINDINGS) + len(_FINDINGS) - 1  # at the `]`
    yield text[:at - 1] + b"[\n"
    for i, finding in enumerate(report.findings):
        try:
            body = finding.__pydantic_serializer__.to_json(finding, indent=2, exclude_none=True)
        except (ValueError, UnicodeError):
            body = _escaped(finding.model_dump(mode="json", exclude_none=True))
        yield (b",\n    " if i else b"    ") + body.replace(b"\n", b"\n    ")  # no raw newline in JSON text
    yield b"\n  " + text[at:] + b"\n"


_FINDINGS = b'\n  "findings": []'
"""The findings key of an empty report: two spaces deep (summary's `findings` count is four)."""


def _escaped(data: Any) -> bytes:
    """JSON text of data that UTF-8 cannot hold (a lone surrogate): every non-ASCII character
    as a `\\u` escape, so the report stays valid UTF-8 JSON and reads back the same."""
    return json.dumps(data, indent=2, ensure_ascii=True).encode("ascii")


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
