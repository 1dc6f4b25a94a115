"""The safety net (issue 18): one principal's role-chain search that explodes stops at a step
budget; the scan still finishes and reports that principal's analysis as incomplete (an error
naming its file and line: exit 2), never as "no finding".

The pathological chain: every role's trust policy names `arn:aws:iam::111122223333:role/*`,
which AWS matches against the ARN of every role in the account ("IAM JSON policy elements:
Principal": a role ARN pattern names the roles it matches), so every role may assume every
other one and each principal's search visits every role from every role it reaches.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

import sod_iac.access.aws as aws_engine
from sod_iac.cli import cli

ROLES = 30


def _estate() -> str:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/*"}}]})
    blocks = ["# every role trusts every role of the account: a chain of 30 x 30 candidates per principal\n"]
    for i in range(ROLES):
        blocks.append(f'resource "aws_iam_role" "r{i}" {{\n  name = "role-{i}"\n'
                      f'  assume_role_policy = {json.dumps(trust)}\n}}\n')
    blocks.append('resource "aws_iam_role_policy" "admin" {\n  role = aws_iam_role.r0.id\n  policy = '
                  + json.dumps(json.dumps({"Version": "2012-10-17", "Statement": [
                      {"Effect": "Allow", "Action": "*", "Resource": "*"}]})) + "\n}\n")
    return "\n".join(blocks)


def _scan(root) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--no-cache"])
    return result.exit_code, json.loads(result.output)


def test_a_search_past_its_budget_is_reported_incomplete_with_the_principal_address(write_tree, monkeypatch):
    root = write_tree({"main.tf": _estate()})
    monkeypatch.setattr(aws_engine, "STEP_BUDGET", 100)  # 30 x 30 candidates: far past 100
    code, report = _scan(root)
    assert code == 2
    messages = [e["message"] for e in report["errors"]]
    assert any("aws_iam_role.r1 " in m and "cut short" in m for m in messages), messages  # each principal named
    error = next(e for e in report["errors"] if "cut short" in e["message"])
    assert error["path"] == "main.tf" and isinstance(error.get("line"), int)
    # the scan finished: what was found before the cut is still reported (r0 holds `*` on `*`)
    assert any(f["rule_id"] == "SOD111" and f["resource"] == "aws_iam_role.r0" for f in report["findings"])


def test_the_same_estate_within_the_budget_is_complete(write_tree):
    root = write_tree({"main.tf": _estate()})
    code, report = _scan(root)
    assert report["errors"] == []
    assert code == 1
    # every role may assume r0, which holds `*` on `*`: possibly (the code's account is not
    # stated, so whether it is 111122223333 is unknown), so each other role may escalate
    assert {f["resource"] for f in report["findings"] if f["rule_id"] == "SOD111"} == {"aws_iam_role.r0"}
    escalating = {f["resource"] for f in report["findings"] if f["rule_id"] == "SOD110"}
    assert escalating == {f"aws_iam_role.r{i}" for i in range(1, ROLES)}
