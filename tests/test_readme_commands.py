"""README.md cannot drift: every command it shows is run, and every option it names exists.

- Every command line of every ```sh block is run when it is sod-iac's (in a temporary copy
  of the demo estate, made a git repository whose `origin/main` is its only commit, so
  `--new-since origin/main` works offline); it must exit 0 or 1 (findings), never 2, and
  the files it names with `-o` must exist afterwards. A command of another program (the
  installs, Checkov) is listed in NOT_RUN with the reason and where it is exercised instead.
- Every `--option` written anywhere in README is an option of `sod-iac` or one of its
  commands (as their `--help` lists it), or is listed in OTHER_TOOLS with the program it
  belongs to. This is what catches prose such as "`--severity` overrides".
- README gives exactly two commands for a fresh machine, and CI runs the test one.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SOD_IAC = Path(sys.executable).parent / "sod-iac"
DEMO = ROOT / "testdata" / "demo"

NOT_RUN = {
    "python3": "makes the virtual environment: .ci/run runs this very line on every CI run",
    ".venv/bin/pip": "installs sod-iac: .ci/run runs this very line on every CI run",
    ".venv/bin/python": "runs the test suite: this is the suite (and .ci/run's command)",
    ".venv/bin/ruff": "lints the sources: .ci/run runs this very line on every CI run",
    ".venv/bin/mypy": "type-checks the core packages ([tool.mypy]): .ci/run runs this very line on every CI run",
    "~/.checkov/bin/pip": "installs Checkov in its own virtualenv: tests/test_checkov.py does the same",
    "~/.checkov/bin/checkov": "Checkov with sod-iac's checks: tests/test_checkov.py runs it (own virtualenv)",
}
"""Programs README shows that this test does not run: why, and what exercises them instead."""

OTHER_TOOLS = {
    "--external-checks-dir": "checkov", "--framework": "checkov", "--skip-path": "checkov",
    "--no-deps": "pip", "--freeze": "pre-commit autoupdate", "--quick": "python -m bench",
}
"""Options README names that belong to other programs, not to sod-iac."""

WORKDIR_FOR = {"plan.json": ROOT / "testdata" / "approval" / "tfe-auto-apply"}
"""A README command naming this file runs in a copy of this folder (it has the plan and its .tf)."""
PLACEHOLDERS = {"PATH...": "."}


def sh_commands() -> list[str]:
    """Each command of each ```sh block: comments dropped, `a && b` split."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = re.split(r"(?:^|\s)#\s", line, maxsplit=1)[0].strip()
            commands += [part.strip() for part in line.split(" && ") if part.strip()]
    return commands


def _program(argv: list[str]) -> str:
    if argv[:3] in (["python", "-m", "sod_iac"], ["python3", "-m", "sod_iac"]):
        return "sod-iac"
    return "sod-iac" if argv[0] in ("sod-iac", ".venv/bin/sod-iac") else argv[0]


SOD_IAC_COMMANDS = [c for c in sh_commands() if _program(shlex.split(c)) == "sod-iac"]


def test_every_readme_command_is_run_or_says_why_not() -> None:
    for command in sh_commands():
        program = _program(shlex.split(command))
        assert program == "sod-iac" or program in NOT_RUN, f"README command not checked: {command}"
    assert len(SOD_IAC_COMMANDS) >= 12, "the extraction found too few commands"


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True, env=env)


@pytest.mark.parametrize("command", SOD_IAC_COMMANDS)
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    argv = [PLACEHOLDERS.get(a, a) for a in shlex.split(command)]
    source = next((folder for name, folder in WORKDIR_FOR.items() if name in argv), DEMO)
    work = tmp_path / "work"
    shutil.copytree(source, work)
    _git(work, "init", "-q", "-b", "main")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "demo")
    _git(work, "update-ref", "refs/remotes/origin/main", "HEAD")  # for --new-since origin/main
    argv = [str(ROOT / a) if a.startswith("testdata/") else a for a in argv]  # the repository's own scenarios
    if argv[0] == "python":
        argv = [sys.executable, *argv[1:]]
    else:
        argv = [str(SOD_IAC), *argv[1:]]
    proc = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode in (0, 1), f"{command}: exit {proc.returncode}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
    for spec in (argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("-o", "--output")):
        name = spec.split(":", 1)[1] if re.match(r"^[a-z]+:", spec) else spec
        assert (work / name).is_file(), f"{command}: wrote no {name}"


def _help_options() -> set[str]:
    """Every long option of sod-iac and of each of its commands, as --help lists them."""
    def options(*args: str) -> str:
        return subprocess.run([str(SOD_IAC), *args, "--help"], capture_output=True, text=True, check=True).stdout

    top = options()
    commands = re.findall(r"^\s{2}([a-z][a-z-]+)\s{2,}", top.split("Commands:", 1)[1], re.M)
    assert "scan" in commands
    return {o for text in [top, *(options(c) for c in commands)] for o in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text)}


def test_every_option_readme_names_exists() -> None:
    known = _help_options()
    named = set(re.findall(r"(?<![\w/-])--[a-z][a-z0-9-]*", README))
    assert "--new-since" in named and "--format" in named
    unknown = {o for o in named - known if o not in OTHER_TOOLS}
    assert not unknown, f"README names options that sod-iac does not have: {sorted(unknown)}"
    assert not set(OTHER_TOOLS) & known, "an option listed as another tool's is sod-iac's own"


def _fresh_machine_commands() -> list[str]:
    section = README.split("## Two commands on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_readme_has_a_demo_and_a_test_command() -> None:
    demo, tests = _fresh_machine_commands()
    assert "sod-iac scan testdata/demo" in demo
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    _, tests = _fresh_machine_commands()
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


def test_readme_links_only_documents_inside_the_repository() -> None:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README):
        if re.match(r"^[a-z]+://", target):
            continue
        resolved = (ROOT / target).resolve()
        assert resolved.is_relative_to(ROOT), f"README links outside the repository: {target}"
        assert resolved.exists(), f"README links a missing file: {target}"


def test_readme_rule_table_is_the_catalog() -> None:
    """The rule table between the `rules:start`/`rules:end` markers lists what `sod-iac rules`
    lists: id, family, severity and title, in its order."""
    import json

    table = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", README, re.S)
    assert table, "README has no rule table"
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in table.group(1).splitlines()[2:] if line.startswith("|")]
    listed = json.loads(subprocess.run([str(SOD_IAC), "rules", "--format", "json"], capture_output=True,
                                       text=True, check=True).stdout)
    assert rows == [[r["id"], r["family"], r["severity"], r["title"]] for r in listed]


SPLITS_TF = """
resource "aws_iam_role" "login_and_data" {
  name               = "login-and-data"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "login_and_data" {
  role   = aws_iam_role.login_and_data.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Resource = "*",
    Action = ["cognito-idp:UpdateUserPool", "dynamodb:GetItem"] }] })
}

resource "aws_iam_role" "workflow" {
  name               = "workflow"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "workflow" {
  role   = aws_iam_role.workflow.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Resource = "*",
    Action = ["states:StartExecution", "lambda:UpdateFunctionCode"] }] })
}

resource "aws_iam_role" "reader" {
  name               = "reader"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "reader" {
  role   = aws_iam_role.reader.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Resource = "*",
    Action = ["dynamodb:GetItem", "states:StartExecution"] }] })
}
"""


def test_readme_duty_splits_example_switches_the_splits_on(tmp_path: Path) -> None:
    """The README's user-defined conflicts are a valid config, and a scan with it reports a
    role holding both sides of each split (and not one holding one side of each)."""
    import json

    block = re.search(r"<!-- example: duty-splits -->\n```yaml\n(.*?)```", README, re.S)
    assert block, "README has no duty-splits example"
    (tmp_path / ".sod-iac.yaml").write_text(block.group(1))
    (tmp_path / "main.tf").write_text(SPLITS_TF)
    done = subprocess.run([str(SOD_IAC), "scan", ".", "--format", "json"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 1, done.stderr
    found = {(f["rule_id"], f["resource"], f["message"].rsplit("[conflict ", 1)[-1])
             for f in json.loads(done.stdout)["findings"] if f["rule_id"] == "SOD106"}
    assert found == {("SOD106", "aws_iam_role.login_and_data", "authentication-and-data]"),
                     ("SOD106", "aws_iam_role.workflow", "orchestration-and-compute]")}
