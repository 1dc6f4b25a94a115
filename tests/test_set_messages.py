"""Reader and writer sets in messages (issue 17): a set of many principals is named in full in
the finding's `principals` (JSON), and summarised in the message that text and markdown print:
the first few, then "and N more".

Expected sets come from AWS semantics: every role below holds secretsmanager:GetSecretValue on
the secret (or s3:PutObject on the state object) through its own inline policy, and a
same-account identity-policy Allow suffices (AWS "Policy evaluation logic").
"""

from __future__ import annotations

from test_aws_engine_secrets import _role as role_with_policy

from sod_iac.pipeline.scan import ScanOptions, run_scan

ROLES = [f"r{i:02d}" for i in range(8)]


def _role(name: str, action: str, resource: str) -> str:
    return role_with_policy(name, {"Effect": "Allow", "Action": action, "Resource": resource})


def _finding(root, rule_id: str):
    report = run_scan([root], ScanOptions(repo_root=root, jobs=1))
    return next(f for f in report.findings if f.rule_id == rule_id)


def test_eight_readers_are_all_in_principals_and_five_in_the_message(write_tree) -> None:
    secret = 'resource "aws_secretsmanager_secret" "db" {\n  name = "prod/db"\n}\n'
    roles = "".join(_role(n, "secretsmanager:GetSecretValue", "*") for n in ROLES)
    finding = _finding(write_tree({"main.tf": secret + roles}), "SOD301")
    assert finding.principals == [f"aws_iam_role.{n}" for n in ROLES]
    named = ", ".join(f"aws_iam_role.{n}" for n in ROLES[:5])
    assert f"more than the 1 allowed: {named} and 3 more" in finding.message
    assert "aws_iam_role.r05" not in finding.message


def test_eight_state_writers_are_all_in_principals_and_five_in_the_message(write_tree) -> None:
    backend = '''terraform {
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "prod.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}
'''
    roles = "".join(_role(n, "s3:PutObject", "arn:aws:s3:::acme-tfstate/*") for n in ROLES)
    finding = _finding(write_tree({"main.tf": backend + roles}), "SOD203")
    assert finding.principals == [f"aws_iam_role.{n}" for n in ROLES]
    named = ", ".join(f"aws_iam_role.{n}" for n in ROLES[:5])
    assert f"(allowed: 1): {named} and 3 more." in finding.message
