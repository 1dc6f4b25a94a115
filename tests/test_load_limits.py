"""Size limits (--max-file-size): code has one, plan JSON one PLAN_SIZE_FACTOR times larger,
so the plan of an ordinary estate (10k resources: ~22 MB) loads with the defaults while a
huge .tf file is still refused with a one-line error."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sod_iac.cli import cli
from sod_iac.load import load_project
from sod_iac.load.files import DEFAULT_MAX_FILE_SIZE, PLAN_SIZE_FACTOR

ROLE = {"address": "aws_iam_role.ci", "mode": "managed", "type": "aws_iam_role", "name": "ci",
        "values": {"name": "ci", "description": ""}}


def plan_of_size(path: Path, size: int) -> Path:
    """A valid plan of about `size` bytes: one role with a long description."""
    role = json.loads(json.dumps(ROLE))
    text = json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": [role]}}})
    role["values"]["description"] = "x" * max(0, size - len(text))
    path.write_text(json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": [role]}}}))
    return path


def test_a_plan_over_the_code_limit_loads_with_the_defaults(tmp_path):
    plan = plan_of_size(tmp_path / "plan.json", DEFAULT_MAX_FILE_SIZE + 1024**2)
    result = CliRunner().invoke(cli, ["scan", str(plan), "--format", "json", "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert report["errors"] == []
    assert report["summary"]["files"] == 1 and report["summary"]["resources"] == 1


def test_a_tf_file_over_the_limit_is_still_refused_in_one_line(tmp_path):
    (tmp_path / "big.tf").write_text("# padding\n" * (DEFAULT_MAX_FILE_SIZE // 10 + 1))
    (tmp_path / "ok.tf").write_text('resource "aws_iam_role" "r" {\n  name = "r"\n}\n')
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json", "--no-cache"])
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    [error] = report["errors"]
    assert error["path"] == "big.tf"
    assert error["message"] == (f"file is {DEFAULT_MAX_FILE_SIZE + 10:,} bytes, over the "
                                f"{DEFAULT_MAX_FILE_SIZE:,}-byte limit (--max-file-size); not analysed")
    assert report["summary"]["resources"] == 1  # the other file is still analysed


def test_the_plan_limit_follows_max_file_size(tmp_path):
    limit = 1024
    small = plan_of_size(tmp_path / "small.json", limit * PLAN_SIZE_FACTOR - 100)
    big = plan_of_size(tmp_path / "big.json", limit * PLAN_SIZE_FACTOR + 100)
    project = load_project([small, big], max_file_size=limit)
    assert [r.address for r in project.resources] == ["aws_iam_role.ci"]
    [error] = project.errors
    assert error.path == "big.json"
    assert "\n" not in error.message
    assert error.message.endswith(f"over the {limit * PLAN_SIZE_FACTOR:,}-byte limit "
                                  f"({PLAN_SIZE_FACTOR} x --max-file-size, for plan JSON); not analysed")


def test_variables_files_and_tf_json_keep_the_code_limit(tmp_path):
    padding = " " * 2048
    (tmp_path / "main.tf.json").write_text('{"variable": {"x": {}}}' + padding)
    (tmp_path / "terraform.tfvars.json").write_text('{"x": 1}' + padding)
    project = load_project([tmp_path], max_file_size=1024)
    assert sorted(e.path for e in project.errors) == ["main.tf.json", "terraform.tfvars.json"]
    assert all("(--max-file-size)" in e.message for e in project.errors)


def test_a_json_variables_file_keeps_the_code_limit(tmp_path):
    (tmp_path / "main.tf").write_text('variable "x" {}\n')
    var_file = tmp_path / "vars" / "prod.json"
    var_file.parent.mkdir()
    var_file.write_text('{"x": 1}' + " " * 2048)
    project = load_project([tmp_path / "main.tf"], var_files=[var_file], max_file_size=1024)
    [error] = project.errors
    assert error.path == "vars/prod.json"
    assert error.message.endswith("over the 1,024-byte limit (--max-file-size); not analysed")
