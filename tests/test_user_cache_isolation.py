"""Tests never touch the user's real sod-iac cache (conftest.private_user_cache): a test run
must not plant, prune or read entries where the user's own scans keep theirs."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from click.testing import CliRunner

from sod_iac.cache.location import default_dir
from sod_iac.cli import cli

REAL = Path(os.environ["SOD_IAC_TESTS_USER_CACHE"]) / "sod-iac"


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_scans_in_tests_leave_the_users_cache_alone(tmp_path):
    # content no cache has seen, so a scan that cached anywhere has to write a new entry
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "main.tf").write_text(f'resource "aws_iam_role" "r" {{\n  name = "r-{uuid.uuid4().hex}"\n}}\n')
    before = _listing(REAL)
    private = default_dir()
    assert private.resolve() != REAL.resolve()

    assert CliRunner().invoke(cli, ["scan", str(tree)]).exit_code == 0
    proc = subprocess.run([sys.executable, "-m", "sod_iac", "scan", str(tree)], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()

    assert _listing(REAL) == before
    assert _listing(private), "the scans cached nothing at all: this test would prove nothing"
