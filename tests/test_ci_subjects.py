"""SOD120's reading of CI token subjects (GitHub, GitLab, HCP Terraform)."""

from __future__ import annotations

import pytest

from sod_iac.rules.ci import subject_unreviewed
from sod_iac.settings import SETTINGS

REVIEWED = list(SETTINGS["reviewed_refs"].default)


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
