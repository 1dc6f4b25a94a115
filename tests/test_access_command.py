"""`sod-iac access PRINCIPAL`: effective permissions with evidence, text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sod_iac.cli import cli

ADMIN = Path(__file__).resolve().parent.parent / "testdata" / "admin" / "full-admin"


def _line_of(path: Path, text: str) -> int:
    """1-based line of the first line of `path` that starts with `text` (the scenario may grow)."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(text))


def test_access_json_shows_grants_roles_and_admin():
    result = CliRunner().invoke(cli, ["access", "aws_iam_user.jumper", str(ADMIN), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["principal"] == "aws_iam_user.jumper"
    assert data["kind"] == "user"
    assert data["grants"] == []  # jumper holds nothing itself ...
    roles = {r["role"]: r for r in data["assumable_roles"]}
    assert roles["aws_iam_role.ops"]["level"] == "yes"  # ... but the ops trust policy names it
    ops_line = _line_of(ADMIN / "main.tf", 'resource "aws_iam_role" "ops"')
    assert roles["aws_iam_role.ops"]["evidence"][0]["location"]["start_line"] == ops_line
    assert data["full_administrator"] is True


def test_access_text_lists_each_grant_with_its_lines():
    result = CliRunner().invoke(cli, ["access", "aws_iam_role.ops", str(ADMIN)])
    assert result.exit_code == 0, result.output
    assert "Allow * on *" in result.output
    policy_line = _line_of(ADMIN / "main.tf", 'resource "aws_iam_role_policy" "ops"')
    assert f"aws_iam_role_policy.ops (main.tf:{policy_line}): inline policy on aws_iam_role.ops" in result.output
    assert "Full administrator: yes" in result.output


def test_access_unknown_principal_is_one_line_error():
    result = CliRunner().invoke(cli, ["access", "aws_iam_role.nope", str(ADMIN)])
    assert result.exit_code == 2
    assert result.stderr.startswith("sod-iac: no principal 'aws_iam_role.nope' in the scanned code")
    assert result.stderr.count("\n") == 1


DEMO = Path(__file__).resolve().parent.parent / "testdata" / "demo"


def test_access_text_lists_actions_as_written_and_references_as_addresses():
    # ci.tf writes `actions = ["ec2:*", "ecs:*", "s3:*", "iam:PassRole"]` (statement "Deploy") and
    # `resources = [aws_secretsmanager_secret.db.arn, aws_kms_key.data.arn]` (statement "ReadDbSecret");
    # Terraform renders the actions in its own set order, which a reviewer cannot find in the code.
    result = CliRunner().invoke(cli, ["access", "aws_iam_role.ci_deploy", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert "  Allow ec2:*, ecs:*, s3:*, iam:PassRole on *\n" in result.output
    assert 'statement "Deploy": Allow ec2:*, ecs:*, s3:*, iam:PassRole on *' in result.output
    assert "  Allow secretsmanager:GetSecretValue, kms:Decrypt on aws_secretsmanager_secret.db, aws_kms_key.data\n" \
        in result.output
    assert "${" not in result.output
