"""`sod-iac scan`: parse the options, run the scan pipeline, write each report where it goes."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from sod_iac.cli.common import (
    ByteSize,
    common_parent,
    fail,
    guarded,
    link_base,
    parse_cache_dir,
    progress_bar,
    use_color,
    write_report,
)
from sod_iac.cli.options import CONTEXT_SETTINGS
from sod_iac.core.model import SEVERITIES

FORMATS = ("text", "json", "sarif", "github", "markdown", "junit")


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Scan Terraform code or plan files for SoD violations.")
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
        from sod_iac.pipeline.config import ConfigError
        from sod_iac.pipeline.history import HistoryError
        from sod_iac.pipeline.options import scan_options
        from sod_iac.pipeline.scan import exit_code, run_scan
        from sod_iac.pipeline.suppress import BaselineError
        from sod_iac.pipeline.suppress import write_baseline as save_baseline

        root = (repo_root or common_parent(inputs)).absolute()
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
                             link_base=link_base(root), checked=_checked_rules(options),
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
    from sod_iac.pipeline.selection import is_selected
    from sod_iac.rules.registry import all_rules

    return [r.id for r in all_rules() if r.implemented and is_selected(r.id, options.check, options.skip_check)]
