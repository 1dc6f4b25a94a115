"""README.md gives exactly two commands for a fresh machine, and CI runs the test one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Two commands on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_readme_has_a_demo_and_a_test_command() -> None:
    demo, tests = _commands()
    assert "sod-iac scan testdata/demo" in demo
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    _, tests = _commands()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert tests in ci_lines


def test_readme_installs_the_checkov_range_the_tests_run() -> None:
    """checks/ is tested against one Checkov series (test_checkov.CHECKOV_SPEC): every pip
    install of Checkov that README shows pins that range, so a user gets what was tested."""
    from test_checkov import CHECKOV_SPEC

    text = (ROOT / "README.md").read_text()
    installs = [line for line in text.splitlines() if re.search(r"\binstall\s+(?:-\S+\s+)*'?checkov(?![\w/.-])", line)]
    assert installs, "README shows how to install Checkov"
    unpinned = [line.strip() for line in installs if f"'{CHECKOV_SPEC}'" not in line]
    assert not unpinned, f"Checkov installed without the tested range {CHECKOV_SPEC}: {unpinned}"
