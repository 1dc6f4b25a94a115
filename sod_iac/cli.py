"""The `sod-iac` command line: scan, rules, explain. Thin: it parses, calls scan, prints."""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, NoReturn

import click

from sod_iac import __version__
from sod_iac.model import SEVERITY_ORDER

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
SEVERITIES = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__, reverse=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr, then exit: usage problems and broken inputs never show a traceback."""
    click.echo(f"sod-iac: {message}", err=True)
    sys.exit(code)


def internal_error(exc: BaseException) -> NoReturn:
    """Report a bug in sod-iac itself in one line (full traceback with SOD_IAC_DEBUG=1)."""
    if os.environ.get("SOD_IAC_DEBUG") == "1":
        traceback.print_exception(exc)
    fail(f"internal error: {type(exc).__name__}: {exc}")


@contextmanager
def guarded() -> Iterator[None]:
    """Turn any unexpected exception into `sod-iac: internal error: ...` and exit code 2."""
    from sod_iac.rules.registry import CatalogError

    try:
        yield
    except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
        raise
    except CatalogError as exc:
        fail(str(exc))
    except BrokenPipeError:
        # The reader went away (`sod-iac rules | head`): not an error of ours. Point stdout at
        # devnull so the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the whole point of the guard
        internal_error(exc)


class ByteSize(click.ParamType):
    """A size in bytes, or with a K/M/G suffix (powers of 1024): 10M, 512K, 1048576."""

    name = "SIZE"
    _pattern = re.compile(r"^\s*(\d+)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)
    _factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = self._pattern.match(str(value))
        if not match or int(match.group(1)) == 0:
            self.fail(f"{value!r} is not a size such as 10M, 512K or 1048576", param, ctx)
        return int(match.group(1)) * self._factor[match.group(2).lower()]


def use_color(no_color: bool, stream: Any) -> bool:
    """Colour only on a terminal, and never with --no-color or a non-empty NO_COLOR."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


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


# --------------------------------------------------------------------------- scan


@cli.command(context_settings=CONTEXT_SETTINGS, short_help="Scan Terraform code or plan files for SoD violations.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format: text for people, json for tools (the versioned contract).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of standard output.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="low", show_default=True,
              help="Exit 1 when a finding has this severity or a higher one.")
@click.option("--soft-fail", is_flag=True,
              help="Exit 0 even with findings. Inputs that could not be analysed still exit 2.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="number of cores", help="Files parsed in parallel.")
@click.option("--repo-root", type=click.Path(file_okay=False, path_type=Path),
              help="Repository root: report paths are relative to it and local module sources "
                   "may not leave it. Default: the common parent of PATHS.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A .tfvars or .tfvars.json file, as for terraform -var-file. Repeatable.")
@click.option("--max-file-size", type=ByteSize(), default="10M", show_default=True,
              help="Files larger than this are not parsed and are reported as errors "
                   "(bytes, or with a K/M/G suffix).")
@click.option("--compact", is_flag=True, help="Text output without evidence chains.")
@click.option("--no-color", is_flag=True,
              help="No colour. Colour is only used on a terminal; NO_COLOR is respected too.")
def scan(paths: tuple[Path, ...], fmt: str, output: Path | None, fail_on: str, soft_fail: bool,
         jobs: int, repo_root: Path | None, var_files: tuple[Path, ...], max_file_size: int,
         compact: bool, no_color: bool) -> None:
    """Scan Terraform code or plan files for Separation-of-Duties violations.

    PATHS are directories, .tf files or `terraform show -json` plan files (default: the
    current directory). Remote modules are never fetched; they are listed in the summary.
    Findings from the files that could be read are reported even when others could not.
    """
    inputs = list(paths) or [Path(".")]
    for path in inputs:
        if not path.exists():
            fail(f"no such file or directory: {path}")
    if repo_root is not None and not repo_root.is_dir():
        fail(f"--repo-root is not a directory: {repo_root}")
    for var_file in var_files:
        if not var_file.is_file():
            fail(f"--var-file not found: {var_file}")

    with guarded():
        from sod_iac.scan import ScanOptions, exit_code, run_scan

        options = ScanOptions(repo_root=repo_root, var_files=list(var_files), jobs=jobs,
                              max_file_size=max_file_size, fail_on=fail_on, soft_fail=soft_fail)
        with progress_bar() as progress:
            report = run_scan(inputs, options, progress=progress)
        color = fmt == "text" and output is None and use_color(no_color, sys.stdout)
        write_report(render(report, fmt, color=color, compact=compact), output)
        code = exit_code(report, fail_on, soft_fail)
    sys.exit(code)


def render(report: Any, fmt: str, *, color: bool, compact: bool) -> str:
    if fmt == "json":
        from sod_iac.report import json_report

        return json_report.render(report)
    from sod_iac.report import text

    return text.render(report, color=color, compact=compact)


def write_report(content: str, output: Path | None) -> None:
    if output is None:
        click.echo(content, nl=False)
        return
    try:
        output.write_text(content, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


@contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on stderr when stderr is a terminal; otherwise no callback."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn("parsing"), BarColumn(), MofNCompleteColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task("parsing", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


# --------------------------------------------------------------------------- rules, explain


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: an aligned table; json: a list of rule objects.")
def rules(fmt: str) -> None:
    """List every rule: id, family, default severity, status and title.

    Status is `implemented` for rules that run in a scan and `planned` for catalogued rules
    whose check is not written yet. `sod-iac explain ID` shows a rule in full.
    """
    with guarded():
        from sod_iac.rules import all_rules

        catalog = all_rules()
        if fmt == "json":
            rows = [{"id": r.id, "family": r.family, "severity": r.severity, "status": r.status,
                     "title": r.title} for r in catalog]
            click.echo(json.dumps(rows, indent=2))
            return
        table = [("ID", "FAMILY", "SEVERITY", "STATUS", "TITLE")]
        table += [(r.id, r.family, r.severity, r.status, r.title) for r in catalog]
        widths = [max(len(row[i]) for row in table) for i in range(4)]
        for row in table:
            click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])


@cli.command(context_settings=CONTEXT_SETTINGS, short_help="Explain a rule: rationale, example, fix, references.")
@click.argument("rule_id", metavar="ID")
def explain(rule_id: str) -> None:
    """Explain one rule: why it matters, an example, the fix and references.

    ID is a rule id such as SOD101 (case does not matter); `sod-iac rules` lists them all.
    """
    with guarded():
        from sod_iac.rules import get_rule

        try:
            meta = get_rule(rule_id)
        except KeyError:
            fail(f"unknown rule {rule_id!r}; run 'sod-iac rules' to list the rules")
        click.echo(explanation(meta), nl=False)


def explanation(meta: Any) -> str:
    """The plain-text page `explain` prints."""
    example = "\n".join(("    " + line).rstrip() for line in meta.example.splitlines())
    refs = "\n".join(f"  - {r.title}" + (f"\n    {r.url}" if r.url else "") for r in meta.references)
    return (
        f"{meta.id}  {meta.title}\n"
        f"family: {meta.family}   severity: {meta.severity}   status: {meta.status}\n\n"
        f"Why it matters\n{_wrap(meta.rationale)}\n\n"
        f"Example\n{example}\n\n"
        f"Fix\n{_wrap(meta.remediation)}\n\n"
        f"References\n{refs or '  (none)'}\n"
    )


def _wrap(text: str) -> str:
    import textwrap

    return textwrap.fill(text, width=88, initial_indent="  ", subsequent_indent="  ")


# --------------------------------------------------------------------------- entry point


def main(prog_name: str = "sod-iac") -> None:
    """Console-script entry: click handles usage errors; anything unexpected is one line."""
    with guarded():
        cli.main(prog_name=prog_name)


# --------------------------------------------------------------------------- more commands
from sod_iac.commands.access import access  # noqa: E402

cli.add_command(access)
