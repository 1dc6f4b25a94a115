"""What every command shares: one-line failures and the guard, output files, cache folder,
colour and progress. Commands import from here, never from main; scan options from config and
flags are built in sod_iac.pipeline.options (the Checkov checks build them too)."""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click


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


def parse_cache_dir(cache_dir: Path | None, no_cache: bool) -> Path | None:
    """The parse cache folder: --cache-dir, else the user cache directory (outside the scanned
    tree, so a pull request cannot bring entries along); None with --no-cache."""
    if no_cache:
        return None
    if cache_dir is not None:
        return cache_dir.absolute()
    from sod_iac.cache.location import default_dir

    return default_dir()


def common_parent(paths: list[Path]) -> Path:
    folders = [str((p if p.is_dir() else p.parent).absolute()) for p in paths]
    return Path(os.path.commonpath(folders))


def link_base(root: Path) -> str | None:
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
