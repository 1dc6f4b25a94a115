"""git run offline: no prompts, no lazy fetches, no transport protocols at all.

One runner for `--new-since` (sod_iac.pipeline.history) and the Action (action/run.py): what
either reads comes from the local object database only, so a scan never fetches anything.
Standard library only: the Action's script uses it before sod-iac's dependencies are installed.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

TIMEOUT = 120


class GitError(Exception):
    """git could not be run (not installed, too slow)."""


class GitFailed(GitError):
    """git ran and failed; the message is the last line it wrote to stderr."""


def git(repo: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """git's stdout for `git -C repo ARGS`, run offline."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "GIT_OPTIONAL_LOCKS": "0"}
    command = ["git", "-c", "protocol.allow=never", "-C", str(repo), *args]
    try:
        proc = subprocess.run(command, input=input_bytes, capture_output=True, env=env, timeout=TIMEOUT,
                              check=False, stdin=None if input_bytes is not None else subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    except OSError as exc:
        raise GitError(f"git could not be run ({exc.strerror or exc})") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} took longer than {TIMEOUT}s") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(message[-1] if message else f"git {args[0]} failed")
    return proc.stdout


def toplevel(folder: Path) -> Path:
    """The top folder of the repository holding `folder`."""
    return Path(git(folder, "rev-parse", "--show-toplevel").decode().strip())


def commit_of(repo: Path, ref: str) -> str | None:
    """The commit id `ref` names, or None when the clone lacks it."""
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GitFailed:
        return None


def is_shallow(repo: Path) -> bool:
    return git(repo, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
