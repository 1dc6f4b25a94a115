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
from sod_iac.commands.options import CONTEXT_SETTINGS
from sod_iac.model import SEVERITIES


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

FORMATS = ("text", "json", "sarif", "github", "markdown", "junit")


@cli.command(context_settings=CONTEXT_SETTINGS, short_help="Scan Terraform code or plan files for SoD violations.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "formats", type=click.Choice(FORMATS), multiple=True,
              help="Output format (repeatable): text for people, json for tools (the versioned "
                   "contract), sarif for code scanning, github for workflow annotations, markdown "
                   "for a PR summary, junit for CI test reports. Default: text.")
@click.option("--output", "-o", "outputs", multiple=True, metavar="[FORMAT:]FILE",
              help="Write a report to FILE instead of standard output. Repeatable: say FORMAT:FILE "
                   "(e.g. -o sarif:x.sarif), or a plain FILE goes with the n-th --format; a FILE "
                   "without one takes its format from its extension (.json, .sarif, .md, .xml for "
                   "junit, .txt for text). FILE '-' is standard output. A word before the first ':' "
                   "is a format (an unknown one is an error): write ./a:b.json for a file whose "
                   "name has a colon.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a finding has this severity or a higher one. [default: low, or "
                   "fail_on from the config]")
@click.option("--soft-fail", is_flag=True,
              help="Exit 0 even with findings. Inputs that could not be analysed still exit 2.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="number of cores", help="Files parsed in parallel.")
@click.option("--repo-root", type=click.Path(file_okay=False, path_type=Path),
              help="Repository root: report paths are relative to it and local module sources "
                   "may not leave it. Default: the common parent of PATHS.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A .tfvars or .tfvars.json file, as for terraform -var-file. Repeatable.")
@click.option("--max-file-size", type=ByteSize(), default="10M",
              show_default="10M, and 500M for plan JSON",
              help="Files larger than this are not parsed and are reported as errors "
                   "(bytes, or with a K/M/G suffix). Plan JSON files (terraform show -json) may "
                   "be 50 times larger: a plan is about ten times the size of its code and parses "
                   "far faster.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), envvar="SOD_IAC_CACHE_DIR",
              show_default="$XDG_CACHE_HOME/sod-iac or ~/.cache/sod-iac",
              help="Where parsed files are cached by content hash, so a re-scan parses only what "
                   "changed; also the judgement of an unchanged project (served without analysing it "
                   "again) and the IAM action tables. Entries are signed JSON, checked on load; a bad "
                   "one is ignored and rebuilt.")
@click.option("--no-cache", is_flag=True, help="Parse and judge everything; neither read nor write the cache.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration file (YAML, or TOML with [tool.sod-iac]). Default: the nearest "
                   ".sod-iac.yaml or pyproject.toml with [tool.sod-iac] in the scanned root or above.")
@click.option("--check", "checks", multiple=True, metavar="IDS",
              help="Report only these rules: ids or wildcards, comma-separated or repeated (SOD1*,SOD203).")
@click.option("--skip-check", "skip_checks", multiple=True, metavar="IDS",
              help="Do not report these rules (ids or wildcards); wins over --check.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only findings whose fingerprint is not in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the fingerprints of the findings to this file (accept them as known) and "
                   "say how many on stderr. The accepted findings do not fail this run (exit 0), "
                   "an input that could not be analysed still does (exit 2).")
@click.option("--new-since", metavar="GIT_REF",
              help="Report only findings the change since GIT_REF introduces: the scanned tree at "
                   "GIT_REF is read from git history (no checkout, no network) and scanned too.")
@click.option("--warn-unused-ignores", is_flag=True, help="Warn about inline ignores that matched no finding.")
@click.option("--compact", is_flag=True, help="Text output without evidence chains.")
@click.option("--quiet", "-q", is_flag=True, help="Text output with findings and errors only: no summary line.")
@click.option("--no-color", is_flag=True,
              help="No colour. Colour is only used on a terminal; NO_COLOR is respected too.")
def scan(paths: tuple[Path, ...], formats: tuple[str, ...], outputs: tuple[str, ...], fail_on: str | None,
         soft_fail: bool, jobs: int, repo_root: Path | None, var_files: tuple[Path, ...], max_file_size: int,
         cache_dir: Path | None, no_cache: bool,
         config_file: Path | None, checks: tuple[str, ...], skip_checks: tuple[str, ...],
         baseline: Path | None, write_baseline: Path | None, new_since: str | None,
         warn_unused_ignores: bool, compact: bool, quiet: bool, no_color: bool) -> None:
    """Scan Terraform code or plan files for Separation-of-Duties violations.

    PATHS are directories, .tf files or `terraform show -json` plan files (default: the
    current directory). Remote modules are never fetched; they are listed in the summary.
    Findings from the files that could be read are reported even when others could not.
    Inline `# sod-iac:ignore SOD110 -- reason` comments, the config file, a baseline and
    --new-since decide which findings are reported.
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
    if config_file is not None and not config_file.is_file():
        fail(f"--config not found: {config_file}")
    if baseline is not None and not baseline.is_file():
        fail(f"--baseline not found: {baseline}")
    if write_baseline is not None and (baseline is not None or new_since):
        fail("--write-baseline records every current finding: use it without --baseline and --new-since")
    plan = plan_outputs(formats, outputs)

    with guarded():
        from sod_iac.config import ConfigError
        from sod_iac.history import HistoryError
        from sod_iac.scan import exit_code, run_scan
        from sod_iac.suppress import BaselineError, write_baseline as save_baseline

        root = (repo_root or _common_parent(inputs)).absolute()
        try:
            options, fail_on = scan_options(
                root, config_file, checks, skip_checks, fail_on,
                repo_root=repo_root, var_files=list(var_files), jobs=jobs, max_file_size=max_file_size,
                cache_dir=parse_cache_dir(cache_dir, no_cache),
                soft_fail=soft_fail, baseline=baseline, new_since=new_since,
                warn_unused_ignores=warn_unused_ignores)
            with progress_bar(no_color) as progress:
                report = run_scan(inputs, options, progress=progress)
        except (ConfigError, BaselineError, HistoryError) as exc:
            fail(str(exc))
        written = None
        if write_baseline is not None:
            try:
                written = save_baseline(write_baseline, report.findings)
            except OSError as exc:
                fail(f"cannot write {write_baseline}: {exc.strerror or exc}")
        for fmt, output in plan:
            color = fmt == "text" and output is None and use_color(no_color, sys.stdout)
            content = render(report, fmt, color=color, compact=compact, quiet=quiet,
                             link_base=_link_base(root), checked=_checked_rules(options),
                             change=_change_name(new_since))
            write_report(content, output)
        if written is not None:
            # Accepting today's findings is the point: they do not fail this run. Inputs that
            # could not be analysed still do (exit 2): a baseline of a partial scan is not a success.
            partial = f" (incomplete: {len(report.errors)} input(s) could not be analysed)" if report.errors else ""
            noun = "fingerprint" if written == 1 else "fingerprints"
            click.echo(f"sod-iac: wrote {written} {noun} to {write_baseline}{partial}", err=True)
        code = exit_code(report, fail_on, soft_fail or written is not None)
    sys.exit(code)


def parse_cache_dir(cache_dir: Path | None, no_cache: bool) -> Path | None:
    """The parse cache folder: --cache-dir, else the user cache directory (outside the scanned
    tree, so a pull request cannot bring entries along); None with --no-cache."""
    if no_cache:
        return None
    if cache_dir is not None:
        return cache_dir.absolute()
    from sod_iac.load.cache import default_dir

    return default_dir()


FORMAT_OF_EXTENSION = {".json": "json", ".sarif": "sarif", ".md": "markdown", ".markdown": "markdown",
                       ".xml": "junit", ".txt": "text"}
"""The format a FILE without FORMAT: and without a --format of its own is written in."""

_FORMAT_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
"""What `-o WORD:REST` must look like for WORD to be read as a format (so `./a:b.json` and
`dir/x:y.md` are file names): a format name is a word, a path has a dot or a slash."""


def _format_list() -> str:
    return ", ".join(FORMATS)


def split_output(spec: str) -> tuple[str | None, str]:
    """`FORMAT:FILE` -> (FORMAT, FILE); a plain FILE -> (None, FILE). A word before the first
    colon is a format, and one we do not have is a usage error: never a file named `xml:a.xml`."""
    head, sep, rest = spec.partition(":")
    if not sep or not _FORMAT_PREFIX.match(head):
        return None, spec
    if head not in FORMATS:
        fail(f"unknown report format {head!r} in -o {spec}; formats: {_format_list()}")
    if not rest:
        fail(f"-o {spec} names no file; say -o {head}:FILE (or {head}:- for standard output)")
    return head, rest


def format_of_file(name: str) -> str:
    """The format a plain output FILE's extension names, or a usage error listing them."""
    fmt = FORMAT_OF_EXTENSION.get(Path(name).suffix.lower())
    if fmt is None:
        known = ", ".join(f"{ext} ({f})" for ext, f in FORMAT_OF_EXTENSION.items() if ext != ".markdown")
        fail(f"cannot tell the report format of {name!r} from its extension: use {known}, "
             f"or say -o FORMAT:FILE (formats: {_format_list()})")
    return fmt


def plan_outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, Path | None]]:
    """Pair formats with destinations (None is standard output).

    `-o FORMAT:FILE` names both. Plain `-o FILE`s go, in order, with the `--format`s; a FILE
    left without one takes the format its extension names (`-` alone is text on standard
    output); a `--format` left without a FILE goes to standard output (at most one may). No
    --format means text on standard output too, unless a report already goes there or text
    already goes to a file.
    """
    named: list[tuple[str, Path | None]] = []
    plain: list[str] = []
    for spec in outputs:
        fmt, name = split_output(spec)
        if fmt is None:
            plain.append(name)
        else:
            named.append((fmt, _destination(name)))
    wanted = list(formats)
    pairs = [(fmt, _destination(plain[i]) if i < len(plain) else None) for i, fmt in enumerate(wanted)]
    pairs += [("text", None) if name == "-" else (format_of_file(name), Path(name)) for name in plain[len(wanted):]]
    pairs += named
    if not wanted and not any(fmt == "text" or path is None for fmt, path in pairs):
        pairs.insert(0, ("text", None))
    if sum(1 for _, path in pairs if path is None) > 1:
        fail("only one report can go to standard output: give the others a FILE")
    files = [path.absolute() for _, path in pairs if path is not None]
    if len(files) != len(set(files)):
        fail("two reports would be written to the same file")
    return pairs


def _destination(name: str) -> Path | None:
    return None if name == "-" else Path(name)


def scan_options(root: Path, config_file: Path | None, checks: tuple[str, ...], skip_checks: tuple[str, ...],
                 fail_on: str | None, **fields: Any) -> tuple[Any, str]:
    """ScanOptions from the config file and the command line (the command line wins)."""
    from sod_iac.config import Config, find_config, load_config, validate_patterns
    from sod_iac.rules import all_rules
    from sod_iac.scan import ScanOptions

    rule_ids = [r.id for r in all_rules()]
    path = config_file or find_config(root)
    config = load_config(path, rule_ids) if path is not None else Config()
    check = validate_patterns(checks, rule_ids, "--check") if checks else list(config.check)
    if check:
        check += [r for r in config.enabled(rule_ids) if r not in check]
    skip = validate_patterns(skip_checks, rule_ids, "--skip-check") if skip_checks else list(config.skip_check)
    skip += [r for r in config.disabled(rule_ids) if r not in skip]
    options = ScanOptions(config=config.rule_config(rule_ids), check=check, skip_check=skip,
                          severity=config.severities(rule_ids), exclude_paths=list(config.exclude_paths),
                          fail_on=fail_on or config.fail_on or "low", **fields)
    return options, options.fail_on


def render(report: Any, fmt: str, *, color: bool = False, compact: bool = False, quiet: bool = False,
           link_base: str | None = None, checked: list[str] | None = None,
           change: str | None = None) -> str | Iterator[bytes]:
    """One report in one format; the reporters live in sod_iac/report/, one module each."""
    if fmt == "json":
        from sod_iac.report import json_report

        return json_report.chunks(report)  # bytes: the largest reports, written without copies
    if fmt == "sarif":
        from sod_iac.report import sarif

        return sarif.render(report)
    if fmt == "github":
        from sod_iac.report import github

        return github.render(report)
    if fmt == "markdown":
        from sod_iac.report import markdown

        return markdown.render(report, link_base=link_base, change=change)
    if fmt == "junit":
        from sod_iac.report import junit

        return junit.render(report, checked_rules=checked)
    from sod_iac.report import text

    return text.render(report, color=color, compact=compact, quiet=quiet)


def _common_parent(paths: list[Path]) -> Path:
    folders = [str((p if p.is_dir() else p.parent).absolute()) for p in paths]
    return Path(os.path.commonpath(folders))


def _link_base(root: Path) -> str | None:
    """In GitHub Actions, links to the scanned commit: GITHUB_SERVER_URL/REPOSITORY/blob/SHA/,
    plus the scanned root's folder inside the workspace, so report paths resolve."""
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server and repo and sha):
        return None
    base = f"{server.rstrip('/')}/{repo}/blob/{sha}/"
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        try:
            prefix = root.resolve().relative_to(Path(workspace).resolve()).as_posix()
        except ValueError:
            prefix = "."
        if prefix != ".":
            from urllib.parse import quote

            base += quote(prefix, safe="/") + "/"
    return base


def _change_name(new_since: str | None) -> str | None:
    """"this pull request" when, in GitHub Actions, --new-since is the base commit of the pull
    request the run is for (the Action's only-new mode): the markdown report then says what the
    pull request introduces. None otherwise (it says "the changes since REF")."""
    if not new_since or os.environ.get("GITHUB_EVENT_NAME") not in ("pull_request", "pull_request_target"):
        return None
    try:
        event = json.loads(Path(os.environ.get("GITHUB_EVENT_PATH", "")).read_text(encoding="utf-8"))
        base = event["pull_request"]["base"]["sha"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return "this pull request" if base == new_since else None


def _checked_rules(options: Any) -> list[str]:
    """The implemented rules this scan ran (for JUnit's passing test cases)."""
    from sod_iac.rules.registry import all_rules
    from sod_iac.selection import is_selected

    return [r.id for r in all_rules() if r.implemented and is_selected(r.id, options.check, options.skip_check)]


def write_report(content: str | Iterator[bytes], output: Path | None) -> None:
    """Text, or UTF-8 pieces written one after the other, to the file or stdout. Text that
    UTF-8 cannot hold (a lone surrogate from a file name that is not UTF-8) is written with
    backslash escapes rather than failing the scan."""
    pieces = [content.encode("utf-8", "backslashreplace")] if isinstance(content, str) else content
    if output is None:
        if getattr(sys.stdout, "buffer", None) is None:  # a text-only stdout
            click.echo(b"".join(pieces).decode("utf-8", "backslashreplace"), nl=False)
            return
        sys.stdout.flush()  # whatever was written as text goes first
        for piece in pieces:
            sys.stdout.buffer.write(piece)
        sys.stdout.buffer.flush()
        return
    try:
        with output.open("wb") as handle:
            for piece in pieces:
                handle.write(piece)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


@contextmanager
def progress_bar(no_color: bool = False) -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on stderr when stderr is a terminal; otherwise no callback.
    Coloured as the report is (use_color): with --no-color or NO_COLOR it has no colour or
    style at all (rich's colour system None), only the cursor moves that redraw it."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    color = use_color(no_color, sys.stderr)
    console = Console(stderr=True, color_system="auto" if color else None, no_color=not color)
    bar = Progress(TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), console=console, transient=True)
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
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text for the terminal, markdown for docs and PRs, json for tools.")
def explain(rule_id: str, fmt: str) -> None:
    """Explain one rule: why it matters, a bad and a fixed example, the fix and references.

    ID is a rule id such as SOD101 (case does not matter); `sod-iac rules` lists them all.
    """
    with guarded():
        from sod_iac.report import rule_help
        from sod_iac.rules import get_rule

        try:
            meta = get_rule(rule_id)
        except KeyError:
            fail(f"unknown rule {rule_id!r}; run 'sod-iac rules' to list the rules")
        if fmt == "json":
            click.echo(json.dumps(rule_help.as_dict(meta), indent=2, ensure_ascii=False))
        elif fmt == "markdown":
            click.echo(rule_help.markdown(meta), nl=False)
        else:
            click.echo(explanation(meta), nl=False)


def explanation(meta: Any) -> str:
    """The plain-text page `explain` prints (sod_iac.report.rule_help renders it)."""
    from sod_iac.report import rule_help

    return rule_help.text(meta)


# --------------------------------------------------------------------------- entry point


def main(prog_name: str = "sod-iac") -> None:
    """Console-script entry: click handles usage errors; anything unexpected is one line."""
    with guarded():
        cli.main(prog_name=prog_name)


# --------------------------------------------------------------------------- more commands
# Imported last (E402): the command modules import `cli`'s helpers from this module.
from sod_iac.commands.access import access  # noqa: E402
from sod_iac.commands.matrix import matrix  # noqa: E402
from sod_iac.commands.who_can import who_can  # noqa: E402

cli.add_command(access)
cli.add_command(who_can)
cli.add_command(matrix)
