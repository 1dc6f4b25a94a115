"""`sod-iac who-can ACTION [RESOURCE]`: principals allowed an IAM action, per AWS evaluation."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sod_iac.cli import cli

DEMO = Path(__file__).resolve().parent.parent / "testdata" / "demo"
STATE_OBJECT = "arn:aws:s3:::acme-prod-tfstate/prod/terraform.tfstate"


def _json(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["who-can", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_state_object_writers_in_the_demo():
    # ci_deploy: s3:* on "*" (ci.tf); developers group: s3:PutObject on "${bucket arn}/*" (state.tf)
    data = _json("s3:PutObject", STATE_OBJECT, str(DEMO))
    allowed = {row["principal"]: row for row in data["principals"] if row["allowed"]}
    assert set(allowed) == {"aws_iam_role.ci_deploy", "aws_iam_group.developers"}
    assert allowed["aws_iam_group.developers"]["evidence"][0]["location"]["path"] == "state.tf"


def test_action_on_any_resource_and_on_an_address():
    anywhere = _json("iam:CreatePolicyVersion", str(DEMO))
    assert [r["principal"] for r in anywhere["principals"] if r["allowed"]] == ["aws_iam_role.ci_deploy"]
    # the app role reads the db secret through its own inline policy (secrets.tf)
    readers = _json("secretsmanager:GetSecretValue", "aws_secretsmanager_secret.db", str(DEMO))
    names = {r["principal"] for r in readers["principals"] if r["allowed"]}
    assert names == {"aws_iam_role.app", "aws_iam_role.ci_deploy"}


def test_nobody_may_delete_the_key_without_a_grant():
    data = _json("kms:ScheduleKeyDeletion", "aws_kms_key.data", str(DEMO))
    assert [r["principal"] for r in data["principals"] if r["allowed"]] == ["aws_iam_role.security_ops"]


def test_bad_resource_is_a_one_line_error():
    result = CliRunner().invoke(cli, ["who-can", "s3:GetObject", "not-a-thing", str(DEMO)])
    assert result.exit_code == 2
    assert result.stderr.startswith("sod-iac: 'not-a-thing' is neither an address")
