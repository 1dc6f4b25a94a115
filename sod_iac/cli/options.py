"""Options the query commands (`access`, `who-can read`, `who-can ACTION`) share: declared
once, so each says the same thing, with its one line of help, wherever it appears."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def query_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--format, --repo-root and --var-file, as `sod-iac scan` reads the code."""
    for option in reversed((
        click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                     help="text for people, json for tools."),
        click.option("--repo-root", type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="Repository root, as for `sod-iac scan`: paths in the answer are relative to "
                          "it and local module sources may not leave it."),
        click.option("--var-file", "var_files", multiple=True,
                     type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     help="A .tfvars or .tfvars.json file, as for terraform -var-file. Repeatable."),
    )):
        command = option(command)
    return command
