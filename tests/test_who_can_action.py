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


# --------------------------------------------------------------------------- a bucket means its objects


def test_bucket_address_means_its_objects_for_object_actions():
    # IAM grants s3:PutObject only on object ARNs (bucket/key). By hand, in the demo: the
    # developers group may PutObject on "${aws_s3_bucket.state.arn}/*" (state.tf) and
    # ci_deploy has s3:* on "*" (ci.tf): the two writers SOD203 names for the state bucket.
    for resource in ("aws_s3_bucket.state", "arn:aws:s3:::acme-prod-tfstate"):
        data = _json("s3:PutObject", resource, str(DEMO))
        assert data["arn"] == "arn:aws:s3:::acme-prod-tfstate/*"
        assert {r["principal"] for r in data["principals"] if r["allowed"]} == {
            "aws_iam_role.ci_deploy", "aws_iam_group.developers"}
    text = CliRunner().invoke(cli, ["who-can", "s3:PutObject", "aws_s3_bucket.state", str(DEMO)]).stdout
    assert text.startswith("Who can s3:PutObject on arn:aws:s3:::acme-prod-tfstate/* "
                           "(objects of aws_s3_bucket.state): 2 principal(s)\n")


def test_bucket_actions_stay_on_the_bucket():
    # s3:ListBucket acts on the bucket ARN: only ci_deploy (s3:* on "*"); the developers'
    # object actions on "bucket/*" do not cover it.
    data = _json("s3:ListBucket", "aws_s3_bucket.state", str(DEMO))
    assert data["arn"] == "arn:aws:s3:::acme-prod-tfstate"
    assert [r["principal"] for r in data["principals"] if r["allowed"]] == ["aws_iam_role.ci_deploy"]


def test_bucket_policy_grant_on_objects_answers_for_the_bucket_address(write_tree):
    # Same account: a bucket policy naming the role allows it on its own (AWS policy evaluation).
    root = write_tree({"main.tf": """
        resource "aws_s3_bucket" "logs" {
          bucket = "acme-logs"
        }
        resource "aws_iam_role" "shipper" {
          name               = "shipper"
          assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
        }
        resource "aws_s3_bucket_policy" "logs" {
          bucket = aws_s3_bucket.logs.id
          policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.shipper.arn },
                           Action = "s3:PutObject", Resource = "${aws_s3_bucket.logs.arn}/*" }]
          })
        }
    """})
    data = _json("s3:PutObject", "aws_s3_bucket.logs", str(root))
    assert [r["principal"] for r in data["principals"] if r["allowed"]] == ["aws_iam_role.shipper"]


# --------------------------------------------------------------------------- unknown actions


def test_unknown_action_is_an_error_with_the_closest_known_actions():
    result = CliRunner().invoke(cli, ["who-can", "s3:PutObjectt", "aws_s3_bucket.state", str(DEMO)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("sod-iac: unknown action s3:PutObjectt; did you mean s3:PutObject, ")
    assert result.stderr.count(", ") == 2  # the three closest
    result = CliRunner().invoke(cli, ["who-can", "foo:Bar", str(DEMO)])
    assert result.exit_code == 2 and result.stderr.startswith("sod-iac: unknown action foo:Bar")
    assert "principal" not in result.output


def test_wildcard_actions_must_name_a_known_action():
    assert CliRunner().invoke(cli, ["who-can", "s3:Put*", "aws_s3_bucket.state", str(DEMO)]).exit_code == 0
    assert _json("S3:putobject", "aws_s3_bucket.state", str(DEMO))["arn"] == "arn:aws:s3:::acme-prod-tfstate/*"
    result = CliRunner().invoke(cli, ["who-can", "s3:Putt*", str(DEMO)])
    assert result.exit_code == 2 and result.stderr.startswith("sod-iac: no known action matches s3:Putt*; did you mean ")
