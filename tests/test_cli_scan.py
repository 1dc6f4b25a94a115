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
