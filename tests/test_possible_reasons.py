"""A "possible" finding says which value the code leaves open (issue 17), read from the scenarios'
main.tf: the variables without a value that decide whether a grant applies, or the binding
whose member the code cannot evaluate."""

from __future__ import annotations

from scenarios import TESTDATA

from sod_iac.pipeline.scan import ScanOptions, run_scan


def _message(case: str, rule_id: str) -> str:
    folder = TESTDATA / case
    [finding] = [f for f in run_scan([folder], ScanOptions(repo_root=folder, jobs=1)).findings if f.rule_id == rule_id]
    return finding.message


def test_the_variables_a_reader_depends_on_are_named() -> None:
    # app reads through a key ${var.kms_key_arn} whose policy is not in the code; legacy holds
    # the policy ${var.extra_policy_arn}: both variables have no value
    message = _message("secrets/aws-unknown-means-possible", "SOD301")
    assert message.endswith("(2 of them possible: ${var.kms_key_arn} and ${var.extra_policy_arn} are not in the code)")


def test_members_the_code_cannot_evaluate_are_named_by_their_binding() -> None:
    message = _message("secrets/gcp-unstated-member", "SOD301")
    assert ("the member of google_secret_manager_secret_iam_member.by_key and the member of "
            "google_secret_manager_secret_iam_member.extra are not in the code") in message
    assert "depends on values the code does not state" not in message
