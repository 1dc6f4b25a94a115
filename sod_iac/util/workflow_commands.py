"""GitHub Actions workflow commands (`::error file=a.tf,line=3,title=...::message`), escaped.

Why the escaping is exactly this: GitHub's runner splits a command on `::` and its
properties on `,` and `=`, and reads `%XX` escapes. As GitHub's toolkit does, data escapes
`%`, CR and LF; property values also escape `:` and `,`. Anything else (non-ASCII, spaces,
`=`) passes through unchanged. Standard library only: the Action's script (action/run.py)
uses this module before sod-iac's dependencies are installed.
"""

from __future__ import annotations

from collections.abc import Iterable


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(level: str, message: str, properties: Iterable[tuple[str, str]] = ()) -> str:
    """One command line (without the newline), escaped so a message can never start another command."""
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{level}{' ' + rendered if rendered else ''}::{escape_data(message)}"
