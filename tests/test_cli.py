"""The CLI: commands, options, exit codes and one-line errors.

Scans here read real Terraform files and run test rules (registered only for the test), so
the expected findings do not move as real rules land.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

import sod_iac.load
from sod_iac.cli import cli
from sod_iac.core.model import Finding, LoadError, Location, Report
from sod_iac.pipeline.scan import ScanOptions, exit_code, run_scan
from sod_iac.rules import registry
from sod_iac.rules.registry import get_rule


def run_module(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sod_iac", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)


# --------------------------------------------------------------------------- exit codes


def _report(*severities: str, errors: int = 0) -> Report:
    findings = [Finding(rule_id="SOD201", family="approval", severity=s, title="t", message="m", resource=f"r.{i}")
                for i, s in enumerate(severities)]
    return Report(findings=findings, errors=[LoadError(path=f"e{i}.tf", message="bad") for i in range(errors)])


@pytest.mark.parametrize(
    ("severities", "errors", "fail_on", "soft_fail", "expected"),
    [
        ((), 0, "low", False, 0),
        (("low",), 0, "low", False, 1),
        (("low",), 0, "medium", False, 0),
        (("medium",), 0, "medium", False, 1),
        (("high",), 0, "medium", False, 1),
        (("high",), 0, "critical", False, 0),
        (("critical",), 0, "critical", False, 1),
        (("low", "critical"), 0, "high", False, 1),
        (("critical",), 0, "low", True, 0),
        ((), 1, "low", False, 2),
        ((), 1, "low", True, 2),
        (("critical",), 2, "low", False, 2),
        (("critical",), 1, "critical", True, 2),
    ],
)
def test_exit_code_matrix(severities, errors, fail_on, soft_fail, expected):
    assert exit_code(_report(*severities, errors=errors), fail_on, soft_fail) == expected


# --------------------------------------------------------------------------- a real tree and test rules

IAM_TF = """\
# line 1
# line 2
# line 3
# line 4
# line 5
# line 6
# line 7
# line 8
# line 9
# line 10
# line 11
resource "aws_iam_role" "ci" {
  name        = "ci"
  description = "VALUE-MUST-NOT-BE-PRINTED"
""" + "\n" * 15 + "}\n"

MAIN_TF = """\
resource "google_service_account" "sa" { account_id = "sa" }
resource "aws_s3_bucket" "state" { bucket = "state" }
data "aws_iam_role" "x" { name = "x" }
"""


@pytest.fixture
def tree(tmp_path):
    """A real two-file tree: 4 resources, 2 principals; aws_iam_role.ci spans iam.tf:12-30."""
    root = tmp_path / "infra"
    root.mkdir()
    (root / "iam.tf").write_text(IAM_TF)
    (root / "main.tf").write_text(MAIN_TF)
    return root


@pytest.fixture
def fake_rules(monkeypatch):
    """Run only the given checks, whatever rules are registered for real."""

    def use(**checks):
        rules = [dataclasses.replace(get_rule(rule_id), check=check) for rule_id, check in checks.items()]
        monkeypatch.setattr(registry, "all_rules", lambda: rules)

    use()
    return use


def escalation(ctx):
    yield ctx.finding("SOD110", "aws_iam_role.ci", "aws_iam_role.ci can iam:AttachRolePolicy on *",
                      principal="aws_iam_role.ci", duties=["permissions-admin"])


def test_run_scan_fills_summary(tree, fake_rules):
    fake_rules(SOD110=escalation)
    report = run_scan([tree], ScanOptions(jobs=3), progress=None)

    assert [f.rule_id for f in report.findings] == ["SOD110"]
    assert report.findings[0].location == Location(path="iam.tf", start_line=12, end_line=30)
    assert report.summary.files == 2
    assert report.summary.resources == 4
    assert report.summary.principals == 2  # the managed role and the service account, not the data source
    assert report.summary.findings == 1


def test_run_scan_reports_progress(tree, fake_rules):
    seen = []
    run_scan([tree], progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)


def test_run_scan_collects_load_and_rule_errors(tree, fake_rules):
    (tree / "bad.tf").write_text("resource {\n")

    def broken(ctx):
        raise RuntimeError("rule bug")

    fake_rules(SOD110=escalation, SOD303=broken)
    report = run_scan([tree])
    assert [e.path for e in report.errors] == ["bad.tf", "<rule SOD303>"]
    assert report.errors[1].message.startswith("internal error: RuntimeError: rule bug")
    assert [f.rule_id for f in report.findings] == ["SOD110"]
    assert exit_code(report, "low", soft_fail=True) == 2


# --------------------------------------------------------------------------- scan command


def test_scan_exit_1_on_findings_and_text_output(tree, fake_rules):
    fake_rules(SOD110=escalation)
    result = CliRunner().invoke(cli, ["scan", str(tree)])
    assert result.exit_code == 1, result.output
    assert "iam.tf:12  SOD110  [high]  aws_iam_role.ci: Principal can escalate its own privileges" in result.output
    assert "1 finding (1 high) in 2 files, 4 resources, 2 principals" in result.output
    assert "\x1b[" not in result.output  # not a terminal: no colour
    assert "VALUE-MUST-NOT-BE-PRINTED" not in result.output


def test_scan_defaults_to_current_directory(tree, fake_rules, monkeypatch):
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(cli, ["scan", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["files"] == 2


def test_scan_options_reach_the_loader(tree, fake_rules, tmp_path):
    # --repo-root: paths become relative to it; --max-file-size: iam.tf (over 400 bytes) is refused
    var_file = tmp_path / "prod.tfvars"
    var_file.write_text('region = "eu-west-1"\n')
    result = CliRunner().invoke(cli, ["scan", str(tree), "-j", "2", "--max-file-size", "200",
                                      "--var-file", str(var_file), "--repo-root", str(tmp_path),
                                      "--format", "json"])
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert [e["path"] for e in data["errors"]] == ["infra/iam.tf"]
    assert "limit" in data["errors"][0]["message"]
    assert data["summary"]["files"] == 1


@pytest.mark.parametrize(("given", "expected"), [("10M", 10 * 1024**2), ("1048576", 1048576),
                                                 ("2k", 2048), ("1G", 1024**3), ("3MiB", 3 * 1024**2)])
def test_max_file_size_units(given, expected):
    from sod_iac.cli.common import ByteSize

    assert ByteSize().convert(given, None, None) == expected


@pytest.mark.parametrize("bad", ["ten", "0", "5T", "-1"])
def test_max_file_size_rejects_nonsense(tree, bad):
    result = CliRunner().invoke(cli, ["scan", str(tree), "--max-file-size", bad])
    assert result.exit_code == 2


def test_scan_fail_on_and_soft_fail(tree, fake_rules):
    fake_rules(SOD110=escalation)
    assert CliRunner().invoke(cli, ["scan", str(tree), "--fail-on", "critical"]).exit_code == 0
    assert CliRunner().invoke(cli, ["scan", str(tree), "--fail-on", "high"]).exit_code == 1
    assert CliRunner().invoke(cli, ["scan", str(tree), "--soft-fail"]).exit_code == 0


def test_scan_json_output_to_file(tree, fake_rules, tmp_path):
    fake_rules(SOD110=escalation)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["scan", str(tree), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    data = json.loads(out.read_text())
    assert data["version"] == 1
    assert data["summary"] == {"files": 2, "resources": 4, "principals": 2, "findings": 1}
    assert data["findings"][0]["principal"] == "aws_iam_role.ci"


def test_scan_load_errors_exit_2_even_with_soft_fail_and_still_report(tree, fake_rules):
    (tree / "broken.tf").write_text('resource "aws_iam_role" "b" {\n  name = "b"\n}}\n')
    fake_rules(SOD110=escalation)
    result = CliRunner().invoke(cli, ["scan", str(tree), "--format", "json", "--soft-fail"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["errors"] == [{"path": "broken.tf", "message": "line 3: unexpected '}'", "line": 3}]
    assert [f["rule_id"] for f in data["findings"]] == ["SOD110"]


def test_scan_rule_crash_is_an_error_entry(tree, fake_rules):
    def broken(ctx):
        raise KeyError("oops")

    fake_rules(SOD303=broken)
    result = CliRunner().invoke(cli, ["scan", str(tree), "--format", "json"])
    assert result.exit_code == 2
    errors = json.loads(result.stdout)["errors"]
    assert errors[0]["path"] == "<rule SOD303>"
    assert errors[0]["message"].startswith("internal error: KeyError")


def test_scan_unexpected_exception_is_one_line(monkeypatch, tmp_path):
    def explode(paths, **kwargs):
        raise RuntimeError("loader exploded")

    monkeypatch.setattr(sod_iac.load, "load_project", explode, raising=False)
    monkeypatch.delenv("SOD_IAC_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == "sod-iac: internal error: RuntimeError: loader exploded\n"
    assert "Traceback" not in result.output


def test_scan_missing_path_is_one_line_usage_error(tmp_path):
    missing = tmp_path / "nope"
    result = CliRunner().invoke(cli, ["scan", str(missing)])
    assert result.exit_code == 2
    assert result.stderr == f"sod-iac: no such file or directory: {missing}\n"


def test_scan_missing_var_file_and_repo_root(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--var-file", str(tmp_path / "x.tfvars")])
    assert result.exit_code == 2 and "--var-file not found" in result.stderr
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--repo-root", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "--repo-root is not a directory" in result.stderr


def test_scan_unwritable_output(tree, fake_rules, tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(tree), "--output", str(tmp_path / "no" / "dir" / "r.txt")])
    assert result.exit_code == 2
    assert result.stderr.startswith("sod-iac: cannot write ")


# --------------------------------------------------------------------------- colour


def test_use_color_rules(monkeypatch):
    from sod_iac.cli.common import use_color

    class Tty:
        def isatty(self):
            return True

    class Pipe:
        def isatty(self):
            return False

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(False, Tty()) is True
    assert use_color(True, Tty()) is False
    assert use_color(False, Pipe()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(False, Tty()) is False
    monkeypatch.setenv("NO_COLOR", "")
    assert use_color(False, Tty()) is True


# --------------------------------------------------------------------------- help, rules, explain


@pytest.mark.parametrize("command", [[], ["scan"], ["rules"], ["explain"]])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_on_every_command(command, flag):
    result = CliRunner().invoke(cli, [*command, flag])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")


def test_rules_json_lists_catalog():
    result = CliRunner().invoke(cli, ["rules", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert len(rows) == 25  # DESIGN.md: SOD101-106, 110-112, 120-121, 201-205, 210-215, 301-303
    assert rows[0] == {"id": "SOD101", "family": "combined-duties", "severity": "high",
                       "status": rows[0]["status"], "title": "Principal both administers and uses encryption keys"}
    assert {row["status"] for row in rows} <= {"implemented", "planned"}


def test_explain_is_case_insensitive():
    result = CliRunner().invoke(cli, ["explain", "sod204"])
    assert result.exit_code == 0
    assert result.output.startswith("SOD204  Credentials written into a backend configuration\n")


# --------------------------------------------------------------------------- as a real process


def test_module_version():
    proc = run_module("--version")
    assert proc.returncode == 0
    assert proc.stdout == "sod-iac 0.1.0\n"


def test_module_rules_table():
    proc = run_module("rules")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["ID", "FAMILY", "SEVERITY", "STATUS", "TITLE"]
    assert len(lines) == 26  # the header and the 25 rules of DESIGN.md
    assert lines[1].startswith("SOD101  combined-duties  high")
    assert lines[-1].startswith("SOD303  secret-readers")


def test_module_explain_known_rule():
    proc = run_module("explain", "SOD101")
    assert proc.returncode == 0
    out = proc.stdout
    for heading in ("Why it matters", "Example", "Fix", "References"):
        assert f"\n{heading}\n" in out
    assert "roles/cloudkms.admin" in out
    assert "AC-5" in out


def test_module_explain_unknown_rule():
    proc = run_module("explain", "NOPE")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "sod-iac rules" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_module_scan_nonexistent_path(tmp_path):
    proc = run_module("scan", "/nonexistent", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "sod-iac: no such file or directory: /nonexistent\n"
    assert proc.stdout == ""
