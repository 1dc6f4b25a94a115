"""Judging is a pure function of the Project: rules and access engines never read the disk.

The judged cache (sod_iac.cache.judgements) serves a judgement whenever the Project is the same; a
rule that looked at a file itself would be served a stale answer after the file changed (a gcs
backend's key file added to the repository: still a pass). So whatever a rule needs from the
filesystem is loaded into the Project by the loader. Here every scenario is loaded normally and
then judged with every way of reaching a file patched to refuse, except sod-iac's own code and
data and the Python installation (the rule catalog, the IAM action data).
"""

from __future__ import annotations

import builtins
import io
import os
import pathlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from scenarios import SCENARIOS

import sod_iac
from sod_iac.access import aws_actions
from sod_iac.load import load_project
from sod_iac.pipeline.scan import ScanOptions, judge_project
from sod_iac.rules import registry

_ALLOWED = tuple(sorted({os.path.abspath(p) + os.sep for p in (
    os.path.dirname(sod_iac.__file__), os.path.realpath(os.path.dirname(sod_iac.__file__)),
    os.path.dirname(os.path.abspath(__file__)),  # tracebacks read the tests' own lines
    sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}))

_OS_FUNCTIONS = ("stat", "lstat", "scandir", "listdir", "access", "open", "readlink")
_OS_PATH_FUNCTIONS = ("exists", "lexists", "isfile", "isdir", "islink", "realpath", "getsize",
                      "getmtime", "samefile")
_PATH_METHODS = ("stat", "lstat", "exists", "is_file", "is_dir", "is_symlink", "resolve", "read_text",
                 "read_bytes", "open", "iterdir", "glob", "rglob", "samefile", "readlink", "owner",
                 "absolute", "expanduser")


class DiskTouched(RuntimeError):
    """Not an OSError: code that handles a missing file must not swallow it."""


def _guard(touched: list[str], name: str, real):
    def guarded(*args, **kwargs):
        if _inside_allowed:  # the steps of an allowed call (realpath's lstat of each parent)
            return real(*args, **kwargs)
        target = args[0] if args else kwargs.get("file", kwargs.get("path", ""))
        try:
            where = os.path.abspath(os.fspath(target))
        except TypeError:
            where = repr(target)
        if not where.startswith(_ALLOWED):
            touched.append(f"{name}({where})")
            raise DiskTouched(f"judging touched the disk: {name}({where})")
        _inside_allowed.append(name)
        try:
            return real(*args, **kwargs)
        finally:
            _inside_allowed.pop()
    return guarded


_inside_allowed: list[str] = []


@contextmanager
def no_disk(touched: list[str]) -> Iterator[None]:
    """File access refused (and recorded in `touched`) outside sod-iac and Python, until the
    block ends: undone before anything reports a failure (which reads files itself)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", _guard(touched, "open", builtins.open))
        patch.setattr(io, "open", _guard(touched, "io.open", io.open))
        for name in _OS_FUNCTIONS:
            patch.setattr(os, name, _guard(touched, f"os.{name}", getattr(os, name)))
        for name in _OS_PATH_FUNCTIONS:
            patch.setattr(os.path, name, _guard(touched, f"os.path.{name}", getattr(os.path, name)))
        for name in _PATH_METHODS:
            patch.setattr(pathlib.Path, name, _guard(touched, f"Path.{name}", getattr(pathlib.Path, name)))
        yield


@pytest.mark.parametrize(("case", "folder", "entry"), SCENARIOS, ids=[c[0] for c in SCENARIOS])
def test_rules_judge_without_touching_the_disk(case: str, folder: Path, entry: str) -> None:
    aws_actions.use_cache_dir(None)
    aws_actions.all_actions()  # built once per process; its version lookup walks sys.path
    project = load_project([folder if entry == "hcl" else folder / "plan.json"], repo_root=folder, jobs=1)
    touched: list[str] = []
    with no_disk(touched):
        _, errors, _ = judge_project(project, ScanOptions(jobs=1), registry.all_rules())
    assert touched == []
    assert errors == []


def test_the_guard_refuses_what_a_rule_might_do(tmp_path) -> None:
    """The converse, so that the test above can fail: each way of looking is refused."""
    (tmp_path / "f").write_text("x")
    looks = (lambda: open(tmp_path / "f"), lambda: (tmp_path / "f").is_file(),
             lambda: (tmp_path / "f").resolve(), lambda: os.path.exists(tmp_path / "f"),
             lambda: (tmp_path / "f").read_text(), lambda: os.stat(tmp_path / "f"))
    touched: list[str] = []
    refused = 0
    with no_disk(touched):
        for look in looks:
            try:
                look()
            except DiskTouched:
                refused += 1
    assert refused == len(looks) and len(touched) == len(looks)
