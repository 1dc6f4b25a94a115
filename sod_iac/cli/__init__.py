"""The command line: `main` (the console script) and `cli` (the click group, for tests and embedding)."""

from sod_iac.cli.main import cli, main

__all__ = ["cli", "main"]
