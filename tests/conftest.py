"""Shared helpers: a private user cache for every test, and small Terraform trees written
into a temporary folder."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

USER_CACHE_ENV = "SOD_IAC_TESTS_USER_CACHE"
"""The user's real cache folder (~/.cache or $XDG_CACHE_HOME), read before any test points
XDG_CACHE_HOME elsewhere: test_checkov keeps its expensive Checkov virtualenv there on
purpose. An environment variable, so a pytest run inside a test keeps the real one too."""
os.environ.setdefault(USER_CACHE_ENV, os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache"))


@pytest.fixture(scope="session", autouse=True)
def private_user_cache(tmp_path_factory: pytest.TempPathFactory):
    """No test reads or writes the user's sod-iac cache (parse cache, judged projects, action
    tables, signing key): XDG_CACHE_HOME is a temporary folder for the whole session, and
    subprocesses of the CLI inherit it. Session-wide and autouse, so it is in place before any
    other fixture scans; a test that wants its own cache still sets its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        patch.delenv("SOD_IAC_CACHE_DIR", raising=False)  # the CLI's --cache-dir from the environment
        yield


@pytest.fixture
def write_tree(tmp_path: Path):
    """write_tree({"main.tf": "...", "modules/x/main.tf": "..."}) -> root folder."""

    def write(files: dict[str, str | bytes], root: Path | None = None) -> Path:
        base = root or tmp_path
        for name, content in files.items():
            path = base / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return base

    return write
