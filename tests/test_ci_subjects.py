"""SOD120's reading of CI token subjects and claims (GitHub, GitLab, HCP Terraform, CircleCI, Azure DevOps) and Cloud Build branch regexes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sod_iac.core.values import Ref, Template, Unknown
from sod_iac.rules.combined_duties.ci_cloudbuild import literal_branches
from sod_iac.rules.combined_duties.ci_systems import claim_pins
from sod_iac.rules.combined_duties.ci_trusts import claim_text, subject_gap, subject_unreviewed
from sod_iac.rules.options import settings

REVIEWED = list(settings()["reviewed_refs"].default)


@pytest.mark.parametrize(("ci", "subject"), [
    ("GitHub Actions", "repo:acme/infra:ref:refs/heads/main"),
    ("GitHub Actions", "repo:acme/infra:environment:production"),
    ("GitLab CI", "project_path:acme/infra:ref_type:branch:ref:main"),
    ("HCP Terraform", "organization:acme:project:infra:workspace:prod:run_phase:apply"),
])
def test_pinned_subjects(ci: str, subject: str) -> None:
    assert subject_unreviewed(ci, subject, REVIEWED) is None


@pytest.mark.parametrize(("ci", "subject", "why"), [
    ("GitHub Actions", "repo:acme/infra:*", "any branch"),
    ("GitHub Actions", "repo:acme/infra:pull_request", "pull requests"),
    ("GitHub Actions", "repo:acme/infra:ref:refs/heads/*", "unreviewed ref"),
    ("GitHub Actions", "repo:acme/infra:ref:refs/tags/v1", "unreviewed ref"),
    ("GitHub Actions", "repo:acme/infra:environment:*", "any environment"),
    ("GitLab CI", "project_path:acme/infra:ref_type:tag:ref:v1", "tag refs"),
    ("GitLab CI", "project_path:acme/infra:ref_type:branch:ref:feature", "unreviewed branch"),
    ("HCP Terraform", "organization:acme:project:infra:workspace:prod:run_phase:plan", "plan runs"),
])
def test_unreviewed_subjects(ci: str, subject: str, why: str) -> None:
    assert why in (subject_unreviewed(ci, subject, REVIEWED) or "")


def test_protected_branches_of_the_code_count_as_reviewed() -> None:
    assert subject_unreviewed("GitHub Actions", "repo:acme/infra:ref:refs/heads/release/1.0",
                              REVIEWED + ["refs/heads/release/*"]) is None


_ORG = Ref(address="var.org")


@pytest.mark.parametrize(("ci", "value", "pinned"), [
    # a ref holds no ':' (git check-ref-format): the literal suffix pins the ref / phase
    ("GitHub Actions", Template(("repo:", _ORG, "/infra:ref:refs/heads/main")), True),
    ("GitHub Actions", Template(("repo:", _ORG, "/infra:*")), False),
    ("GitHub Actions", Template(("repo:acme/infra:ref:", Unknown("var.ref"))), False),
    ("GitHub Actions", Unknown("var.subject"), False),
    ("HCP Terraform", Template(("organization:", _ORG, ":project:infra:workspace:prod:run_phase:apply")), True),
    ("HCP Terraform", Template(("organization:", _ORG, ":project:infra:workspace:prod:run_phase:plan")), False),
    # a GCP member as written (unknown parts shown as ${...})
    ("GitHub Actions", "repo:${var.org}/infra:ref:refs/heads/main", True),
    ("GitHub Actions", "${var.subject}", False),
])
def test_subjects_with_unknown_parts(ci, value, pinned):
    text = claim_text(value)
    assert (text is not None and subject_unreviewed(ci, text, REVIEWED) is None) is pinned


@pytest.mark.parametrize(("value", "why"), [
    # stated with an unknown last field: the reason names that part, not "not stated" (issue 17)
    (Template(("repo:acme/infra:ref:", Unknown("var.ref"))), "subject `repo:acme/infra:ref:${var.ref}` ends with ${var.ref}"),
    # quoted as written, not with our placeholder for the unknown owner
    (Template(("repo:", _ORG, "/infra:*")), "sub `repo:${var.org}/infra:*` admits any branch"),
    (Unknown("var.subject"), "subject not stated in the code"),
])
def test_the_reason_says_what_the_code_leaves_open(value, why) -> None:
    assert why in (subject_gap("GitHub Actions", value, REVIEWED) or "")



def test_a_prefix_condition_is_named_as_too_broad_not_as_missing() -> None:
    """`assertion.ref.startsWith('refs/heads/')` admits every branch (CEL startsWith): the
    finding says so, never "no attribute_condition"."""
    from sod_iac.pipeline.scan import ScanOptions, run_scan

    root = Path(__file__).resolve().parent.parent / "testdata/duties/sod120-gcp-prefix-condition"
    [finding] = [f for f in run_scan([root], ScanOptions(repo_root=root, jobs=1)).findings if f.rule_id == "SOD120"]
    assert "no attribute_condition" not in finding.message
    assert "pins ref to the prefix 'refs/heads/' only" in finding.message


# Issue 19: CI systems beyond GitHub Actions, judged from each one's documented claim formats.
_CIRCLE = "org/6f5e4a0c/project/0c1d2e3f/user/9a8b7c6d"


@pytest.mark.parametrize(("ci", "subject", "why"), [
    # CircleCI's sub names organisation, project and user: never the ref ($CIRCLE_OIDC_TOKEN)
    ("CircleCI", _CIRCLE, "not the ref"),
    ("CircleCI", f"{_CIRCLE}/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/feature", "unreviewed ref"),
    # a wildcard before /vcs-ref/ also matches a branch named x/vcs-ref/refs/heads/main
    ("CircleCI", "org/6f5e4a0c/project/0c1d2e3f/user/*/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main",
     "wildcard before"),
    # an Azure DevOps subject names a service connection; none of REVIEWED protects it
    ("Azure DevOps", "sc://acme/infra/prod", "service connection"),
    ("GitLab CI", "project_path:acme/infra", "any ref"),
])
def test_unreviewed_subjects_beyond_github(ci: str, subject: str, why: str) -> None:
    assert why in (subject_unreviewed(ci, subject, REVIEWED) or "")


@pytest.mark.parametrize(("ci", "subject", "reviewed"), [
    ("CircleCI", f"{_CIRCLE}/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main", REVIEWED),
    ("Azure DevOps", "sc://acme/infra/prod", REVIEWED + ["sc://*/infra/prod"]),  # a check protects it
])
def test_pinned_subjects_beyond_github(ci: str, subject: str, reviewed: list[str]) -> None:
    assert subject_unreviewed(ci, subject, reviewed) is None


@pytest.mark.parametrize(("ci", "claim", "value", "pinned"), [
    ("GitLab CI", "ref", "main", True),            # GitLab's ref claim is the bare branch name
    ("GitLab CI", "ref", "refs/heads/main", False),  # ... so this is a branch named refs/heads/main
    ("GitLab CI", "ref_protected", "true", True),
    ("GitLab CI", "ref_protected", "false", False),
    ("GitHub Actions", "ref", "refs/heads/main", True),
    ("GitHub Actions", "ref", "main", False),
    ("HCP Terraform", "terraform_run_phase", "apply", True),
    ("HCP Terraform", "terraform_run_phase", "plan", False),
    ("CircleCI", "oidc.circleci.com/vcs-ref", "refs/heads/main", True),
    ("CircleCI", "oidc.circleci.com/project-id", "0c1d2e3f", False),  # names the project, not the ref
])
def test_claims_that_pin_a_run(ci: str, claim: str, value: str, pinned: bool) -> None:
    assert claim_pins(ci, claim, value, REVIEWED) is pinned


@pytest.mark.parametrize(("regex", "names"), [
    ("^main$", ["main"]),
    ("^(main|release\\.1)$", ["main", "release.1"]),
    ("main", None),          # unanchored: RE2 finds it inside feature/main-fix
    (".*", None),
    ("^release-.*$", None),
])
def test_cloud_build_branch_regexes(regex: str, names: list[str] | None) -> None:
    assert literal_branches(regex) == names
