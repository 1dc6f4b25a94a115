"""No colour with --no-color or a non-empty NO_COLOR (no-color.org), anywhere: the report on
stdout and the progress bar on stderr. Run on pseudo-terminals, where colour would be used."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys

import pytest

SGR = re.compile(rb"\x1b\[[0-9;]*m")
"""An ANSI Select Graphic Rendition sequence: colour or style (bold, dim, ...)."""

FINDING = '''
resource "aws_iam_role" "ops" {
  name               = "ops"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "all" {
  role   = aws_iam_role.ops.id
  policy = jsonencode({Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})
}
'''


def _drain(fds: dict[int, bytearray], proc: subprocess.Popen) -> None:
    while fds:
        ready, _, _ = select.select(list(fds), [], [], 30)
        if not ready:
            proc.kill()
            raise AssertionError("sod-iac scan did not finish")
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed its side
                chunk = b""
            if chunk:
                fds[fd] += chunk
            else:
                os.close(fd)
                del fds[fd]


def scan_on_terminals(root, *args: str, **env: str) -> tuple[bytes, bytes]:
    """Run `sod-iac scan` with stdout and stderr each on its own pseudo-terminal."""
    out_master, out_slave = os.openpty()
    err_master, err_slave = os.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM")}
    environ.update(TERM="xterm-256color", COLUMNS="120", **env)
    proc = subprocess.Popen([sys.executable, "-m", "sod_iac", "scan", str(root), "--no-cache", *args],
                            stdin=subprocess.DEVNULL, stdout=out_slave, stderr=err_slave, env=environ)
    os.close(out_slave)
    os.close(err_slave)
    buffers = {out_master: bytearray(), err_master: bytearray()}
    collected = dict(buffers)
    _drain(buffers, proc)
    proc.wait(timeout=30)
    return bytes(collected[out_master]), bytes(collected[err_master])


@pytest.fixture
def tree(write_tree):
    return write_tree({"main.tf": FINDING})


def test_on_a_terminal_the_report_and_the_progress_bar_are_coloured(tree):
    # The control: without the switches both streams carry colour, so the tests below can fail.
    out, err = scan_on_terminals(tree)
    assert b"aws_iam_role.ops" in out
    assert SGR.search(out), out
    assert SGR.search(err), err


@pytest.mark.parametrize(("args", "env"), [
    (("--no-color",), {}),
    ((), {"NO_COLOR": "1"}),
    ((), {"NO_COLOR": "yes"}),
], ids=["--no-color", "NO_COLOR=1", "NO_COLOR=yes"])
def test_no_color_means_no_colour_anywhere(tree, args, env):
    out, err = scan_on_terminals(tree, *args, **env)
    assert b"aws_iam_role.ops" in out
    assert not SGR.search(out), out
    assert not SGR.search(err), err
