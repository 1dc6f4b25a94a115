"""An access engine (one cloud's model) that fails to build is one error line, not a lost scan.

The engines are built outside any rule (sod_iac.access.build_access, judge_project), so a bug
in one of them used to end the whole scan with `sod-iac: internal error` and no report. Issue
15 (fail secure): one error line naming the engine and the unit, the other clouds and units
still judged, the report complete, exit 2, no traceback.

Expected findings are the scenarios' own (testdata/duties/sod101-*): what AWS and GCP grant
there does not depend on the other cloud.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from scenarios import TESTDATA

from sod_iac.cli import cli

AWS = (TESTDATA / "duties" / "sod101-aws-identity-policy" / "main.tf").read_text()
GCP = (TESTDATA / "duties" / "sod101-gcp" / "main.tf").read_text()
# Terraform's S3 backend locks state only with `use_lockfile = true` or a `dynamodb_table`:
# SOD202, judged from the backend block alone (no access engine).
UNLOCKED = """
terraform {
  backend "s3" {
    bucket       = "state"
    key          = "prod.tfstate"
    region       = "us-east-1"
    use_lockfile = false
  }
}
"""


def _expected(case: str) -> set[tuple[str, str]]:
    data = json.loads((TESTDATA / "duties" / case / "expected.json").read_text())
    return {(f["rule_id"], f["resource"]) for f in data["findings"]}


def _broken(monkeypatch: pytest.MonkeyPatch, module: str, engine: str) -> None:
    """The engine's constructor raises, as a bug in it would on some input."""
    import importlib

    def explode(self, project):
        raise KeyError("unexpected shape")

    monkeypatch.setattr(getattr(importlib.import_module(f"sod_iac.access.{module}"), engine), "__init__", explode)


def _scan(root) -> tuple[int, dict, str]:
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--no-cache"])
    return result.exit_code, json.loads(result.stdout), result.output


def _found(data: dict) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["resource"]) for f in data["findings"]}


def test_a_failing_engine_is_one_error_and_the_other_cloud_is_still_judged(write_tree, monkeypatch):
    root = write_tree({"main.tf": AWS + UNLOCKED, "gcp.tf": GCP})
    _broken(monkeypatch, "gcp", "GcpAccess")
    code, data, output = _scan(root)
    assert code == 2
    assert "Traceback" not in output
    assert [e["path"] for e in data["errors"]] == ["<engine gcp>"]
    message = data["errors"][0]["message"]
    assert message.startswith("internal error building the gcp access engine: KeyError: 'unexpected shape'")
    assert "without gcp access" in message
    found = _found(data)
    assert _expected("sod101-aws-identity-policy") <= found  # the AWS engine still judged
    assert ("SOD202", "terraform.backend.s3") in found         # a rule that needs no engine
    assert not any(resource.startswith("google_") for _, resource in found)
    assert data["summary"]["findings"] == len(data["findings"])


def test_each_engine_fails_on_its_own(write_tree, monkeypatch):
    root = write_tree({"main.tf": AWS, "gcp.tf": GCP})
    _broken(monkeypatch, "aws", "AwsAccess")
    code, data, _ = _scan(root)
    assert code == 2
    assert [e["path"] for e in data["errors"]] == ["<engine aws>"]
    found = _found(data)
    assert _expected("sod101-gcp") <= found
    assert not any(resource.startswith("aws_") for _, resource in found)


def test_an_engine_failing_in_several_units_is_one_line_naming_them(write_tree, monkeypatch):
    # prod/ and dev/ reuse every GCP address: two analysis units (sod_iac.pipeline.units); aws/ joins dev/
    root = write_tree({"aws/main.tf": AWS, "dev/main.tf": GCP, "prod/main.tf": GCP})
    _broken(monkeypatch, "gcp", "GcpAccess")
    code, data, output = _scan(root)
    assert code == 2 and "Traceback" not in output
    assert [e["path"] for e in data["errors"]] == ["<engine gcp>"]
    assert "for root modules aws,dev (and 1 other unit)" in data["errors"][0]["message"]
    assert _expected("sod101-aws-identity-policy") <= _found(data)
