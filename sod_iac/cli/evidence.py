"""Evidence hops and load errors as every query command shows them (one place for all)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from sod_iac.core.model import Evidence, Project


def hop_data(e: Evidence) -> dict[str, Any]:
    """One evidence hop as plain data (the `--format json` shape)."""
    where = {"path": e.location.path, "start_line": e.location.start_line,
             "end_line": e.location.end_line} if e.location else None
    return {"address": e.address, "detail": e.detail, "location": where}


def where(hop: dict[str, Any]) -> str:
    """`path:line` of a hop (or of anything with a `location`), `-` when it has none."""
    loc = hop["location"]
    return f"{loc['path']}:{loc['start_line']}" if loc else "-"


def hop_lines(hops: Iterable[dict[str, Any]]) -> list[str]:
    """The indented `↳ address (path:line): detail` lines under an answer."""
    return [f"      ↳ {h['address']} ({where(h)}): {h['detail']}" for h in hops]


def exit_on_load_errors(project: Project) -> None:
    """Fail secure: the answer covers only what could be read, so say what could not, exit 2."""
    if project.errors:
        for error in project.errors:
            click.echo(f"sod-iac: {error.path}: {error.message}", err=True)
        raise SystemExit(2)
