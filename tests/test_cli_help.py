"""Every command and every option of the click app says what it is for (`--help`)."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from sod_iac.cli import cli


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """The app and every command under it, hidden ones included (`who-can ACTION` is one)."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(cli))


def test_the_walk_reaches_every_command():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "scan", "rules", "explain", "access", "who-can", "who-can read", "who-can action"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "sod-iac" for p, _ in COMMANDS])
def test_every_command_and_option_has_help(path, command):
    ctx = click.Context(command, info_name=" ".join(path) or "sod-iac")
    assert (command.help or command.short_help or "").strip(), f"{path}: no help"
    missing = [param.opts[0] for param in command.get_params(ctx)
               if isinstance(param, click.Option) and not (param.help or "").strip()]
    assert not missing, f"sod-iac {' '.join(path)}: options without help: {missing}"


def test_access_help_describes_repo_root_and_var_file():
    result = CliRunner().invoke(cli, ["access", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--repo-root DIRECTORY Repository root" in text
    assert "--var-file FILE A .tfvars or .tfvars.json file" in text
