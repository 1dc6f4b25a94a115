"""`sod-iac access PRINCIPAL`: effective permissions with evidence, text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sod_iac.cli import cli

ADMIN = Path(__file__).resolve().parent.parent / "testdata" / "admin" / "full-admin"


def test_access_json_shows_grants_roles_and_admin():
    result = CliRunner().invoke(cli, ["access", "aws_iam_user.jumper", str(ADMIN), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["principal"] == "aws_iam_user.jumper"
    assert data["kind"] == "user"
    assert data["grants"] == []  # jumper holds nothing itself ...
    roles = {r["role"]: r for r in data["assumable_roles"]}
    assert roles["aws_iam_role.ops"]["level"] == "yes"  # ... but the ops trust policy names it
    assert roles["aws_iam_role.ops"]["evidence"][0]["location"]["start_line"] == 32  # the ops role block
    assert data["full_administrator"] is True


def test_access_text_lists_each_grant_with_its_lines():
    result = CliRunner().invoke(cli, ["access", "aws_iam_role.ops", str(ADMIN)])
    assert result.exit_code == 0, result.output
    assert "Allow * on *" in result.output
    assert "aws_iam_role_policy.ops (main.tf:40): inline policy on aws_iam_role.ops" in result.output
    assert "Full administrator: yes" in result.output


def test_access_unknown_principal_is_one_line_error():
    result = CliRunner().invoke(cli, ["access", "aws_iam_role.nope", str(ADMIN)])
    assert result.exit_code == 2
    assert result.stderr.startswith("sod-iac: no principal 'aws_iam_role.nope' in the scanned code")
    assert result.stderr.count("\n") == 1
