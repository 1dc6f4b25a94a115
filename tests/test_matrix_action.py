"""The Action's `matrix` input: off by default; on, the markdown SoD matrix goes into the job
summary after the report (simulated as in tests/test_action.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_action import github_env, pull_request, run_action  # noqa: F401 - pull_request is a fixture


def test_matrix_input_appends_the_matrix_to_the_job_summary(pull_request: dict[str, Any]) -> None:  # noqa: F811 - the fixture imported above
    repo, tmp = pull_request["repo"], pull_request["tmp"]
    env = github_env(repo, tmp, None, event_name="push")
    run_action({"path": "infra"}, env, repo, tmp)
    summary = Path(env["GITHUB_STEP_SUMMARY"])
    assert "Separation-of-Duties matrix" not in summary.read_text(encoding="utf-8")  # off by default

    summary.write_text("", encoding="utf-8")
    run = run_action({"path": "infra", "matrix": "true"}, env, repo, tmp)
    text = summary.read_text(encoding="utf-8")
    report, _, matrix = text.partition("## sod-iac: Separation-of-Duties matrix")
    assert report.startswith("## sod-iac:") and matrix, text
    # kms.tf: security_ops administers the data key and decrypts with it (SOD101)
    row = next(line for line in matrix.splitlines() if "`aws_iam_role.security_ops`" in line)
    assert row.startswith("| ⚠ ") and "SOD101" in row
    assert "](https://github.com/acme/infra/blob/" in row  # evidence links to the commit
    assert run.outputs["exit-code"] == "1"  # the scan's exit code, unchanged by the matrix
