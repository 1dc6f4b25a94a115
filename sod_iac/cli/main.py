"""The `sod-iac` command group and its console-script entry: one module per command beside it."""

from __future__ import annotations

import click

from sod_iac import __version__
from sod_iac.cli.access import access
from sod_iac.cli.common import guarded
from sod_iac.cli.matrix import matrix
from sod_iac.cli.options import CONTEXT_SETTINGS
from sod_iac.cli.rules import explain, rules
from sod_iac.cli.scan import scan
from sod_iac.cli.who_can import who_can


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="sod-iac", message="%(prog)s %(version)s")
def cli() -> None:
    """Find Separation-of-Duties violations in Terraform before it is applied.

    sod-iac reads Terraform code (.tf, .tfvars) and plan files, works out who can do what,
    and reports principals that hold duties which must stay apart, changes that can reach
    production without an independent approval, and secrets readable by too many principals.

    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 an input could not be
    analysed or a usage error.
    """


def main(prog_name: str = "sod-iac") -> None:
    """Console-script entry: click handles usage errors; anything unexpected is one line."""
    with guarded():
        cli.main(prog_name=prog_name)


cli.add_command(access)


cli.add_command(who_can)


cli.add_command(matrix)


for _command in (scan, rules, explain, access, who_can, matrix):
    cli.add_command(_command)
