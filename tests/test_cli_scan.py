"""`sod-iac scan` end to end with the real loader (no fakes): a tiny folder, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from sod_iac.cli import cli

TRIVIAL_TF = """\
# Nothing to judge: one variable and one local.
variable "region" {
  type    = string
  default = "eu-west-1"
}

locals {
  name = "demo-${var.region}"
}
"""


def test_scan_trivial_folder_json(tmp_path):
    (tmp_path / "main.tf").write_text(TRIVIAL_TF)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert data["findings"] == [] and data["errors"] == []
    assert data["summary"]["files"] == 1
    assert data["summary"]["findings"] == 0


def test_scan_trivial_folder_text_as_process(tmp_path):
    (tmp_path / "main.tf").write_text(TRIVIAL_TF)
    proc = subprocess.run([sys.executable, "-m", "sod_iac", "scan", "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "no findings in 1 file, 0 resources, 0 principals\n"
    assert proc.stderr == ""


def test_scan_broken_file_exit_2_names_file_without_traceback(tmp_path):
    (tmp_path / "main.tf").write_text(TRIVIAL_TF)
    (tmp_path / "broken.tf").write_text('resource "aws_iam_role" "x" {\n  name = "x"\n')
    proc = subprocess.run([sys.executable, "-m", "sod_iac", "scan", ".", "--format", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert [e["path"] for e in data["errors"]] == ["broken.tf"]


NOTHING = "no Terraform files (.tf, .tf.json, plan JSON) found in "


def test_scan_of_a_folder_without_terraform_is_exit_2_not_a_pass(tmp_path):
    """`sod-iac scan empty/` said "no findings in 0 files" and exited 0: nothing scanned is not a
    pass (a wrong `path:` in the Action went green). Variables files alone are not Terraform."""
    (tmp_path / "empty" / "vars").mkdir(parents=True)
    (tmp_path / "empty" / "vars" / "terraform.tfvars").write_text('region = "eu-west-1"\n')
    (tmp_path / "empty" / "package.json").write_text('{"name": "not terraform"}')
    proc = subprocess.run([sys.executable, "-m", "sod_iac", "scan", "empty/"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert [line for line in proc.stdout.splitlines() if NOTHING in line] == [
        f"error: .: {NOTHING}empty/"]


def test_each_folder_named_must_hold_terraform(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.tf").write_text(TRIVIAL_TF)
    (tmp_path / "typo").mkdir()
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "app"), str(tmp_path / "typo"), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"] == [{"path": "typo", "message": f"{NOTHING}{tmp_path / 'typo'}/"}]


def test_scan_of_a_path_that_does_not_exist_is_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no such file or directory" in result.stderr
