"""Reporters: the JSON contract of DESIGN.md and the text layout, checked against hand-written values."""

from __future__ import annotations

import json

from sod_iac.core.model import Evidence, Finding, LoadError, Location, Report, SkippedModule, Summary
from sod_iac.report import json_report, text


def _escalation(start_line: int = 12) -> Finding:
    return Finding(
        rule_id="SOD110",
        family="combined-duties",
        severity="high",
        title="Principal can escalate its own privileges",
        message="aws_iam_role.ci can iam:CreatePolicyVersion on * (policy aws_iam_policy.p)",
        resource="aws_iam_role.ci",
        principal="aws_iam_role.ci",
        duties=["permissions-admin"],
        location=Location(path="iam.tf", start_line=start_line, end_line=start_line + 18),
        evidence=[Evidence(address="aws_iam_role_policy_attachment.a", detail="attaches aws_iam_policy.p",
                           location=Location(path="iam.tf", start_line=start_line + 28, end_line=start_line + 31))],
    )


def _secret_readers() -> Finding:
    return Finding(
        rule_id="SOD301",
        family="secret-readers",
        severity="medium",
        title="Secret is readable by more principals than allowed",
        message="aws_secretsmanager_secret.db is readable by 2 principals",
        resource="aws_secretsmanager_secret.db",
        principals=["aws_iam_role.app", "aws_iam_role.reporting"],
        secret="aws_secretsmanager_secret.db",
        duties=["secret-read"],
        location=Location(path="secrets.tf", start_line=1, end_line=4),
    )


def _report(findings=None, errors=None, **summary) -> Report:
    findings = [_escalation()] if findings is None else findings
    counts = {"files": 3, "resources": 41, "principals": 7, "findings": len(findings)} | summary
    return Report(findings=findings, errors=errors or [], summary=Summary(**counts))


# --------------------------------------------------------------------------- JSON


def test_json_top_level_matches_contract():
    data = json.loads(json_report.render(_report(errors=[LoadError(path="broken.tf", message="line 3: unexpected '}'")])))
    assert list(data) == ["version", "tool", "findings", "errors", "summary"]
    assert data["version"] == 1
    assert data["tool"] == {"name": "sod-iac", "version": "0.1.0"}
    assert data["errors"] == [{"path": "broken.tf", "message": "line 3: unexpected '}'"}]
    assert data["summary"] == {"files": 3, "resources": 41, "principals": 7, "findings": 1}


def test_json_finding_fields_in_contract_order_without_unset_fields():
    finding = json.loads(json_report.render(_report()))["findings"][0]
    assert list(finding) == ["rule_id", "family", "severity", "title", "message", "resource", "principal",
                             "duties", "location", "evidence", "fingerprint"]
    assert finding["location"] == {"path": "iam.tf", "start_line": 12, "end_line": 30}
    assert finding["evidence"] == [{"address": "aws_iam_role_policy_attachment.a",
                                    "detail": "attaches aws_iam_policy.p",
                                    "location": {"path": "iam.tf", "start_line": 40, "end_line": 43}}]
    assert "principals" not in finding and "secret" not in finding


def test_json_set_valued_finding_carries_principals_and_secret():
    finding = json.loads(json_report.render(_report([_secret_readers()])))["findings"][0]
    assert list(finding) == ["rule_id", "family", "severity", "title", "message", "resource", "principals",
                             "secret", "duties", "location", "evidence", "fingerprint"]
    assert finding["principals"] == ["aws_iam_role.app", "aws_iam_role.reporting"]
    assert finding["secret"] == "aws_secretsmanager_secret.db"
    assert finding["evidence"] == []


def test_json_fingerprint_is_stable_when_only_lines_change():
    before = json.loads(json_report.render(_report([_escalation(12)])))["findings"][0]
    after = json.loads(json_report.render(_report([_escalation(112)])))["findings"][0]
    assert before["location"] != after["location"]
    assert before["fingerprint"] == after["fingerprint"]
    other_duties = Finding(**{**_escalation(12).model_dump(), "duties": ["key-admin"], "fingerprint": ""})
    assert other_duties.fingerprint != before["fingerprint"]


def test_json_is_indented_by_two_and_ends_with_newline():
    rendered = json_report.render(_report())
    assert rendered.startswith('{\n  "version": 1,\n')
    assert rendered.endswith("}\n")


def test_json_error_line_and_skipped_modules_appear_only_when_set():
    report = _report(errors=[LoadError(path="big.tf", message="too large", line=None),
                             LoadError(path="bad.tf", message="unexpected '}'", line=3)])
    report.summary.skipped_modules = [SkippedModule(address="module.vpc", source="terraform-aws-modules/vpc/aws")]
    data = json.loads(json_report.render(report))
    assert data["errors"] == [{"path": "big.tf", "message": "too large"},
                              {"path": "bad.tf", "message": "unexpected '}'", "line": 3}]
    assert data["summary"]["skipped_modules"] == [{"address": "module.vpc",
                                                  "source": "terraform-aws-modules/vpc/aws"}]


def test_json_empty_report():
    data = json.loads(json_report.render(Report()))
    assert data["findings"] == [] and data["errors"] == []
    assert data["summary"] == {"files": 0, "resources": 0, "principals": 0, "findings": 0}


# --------------------------------------------------------------------------- text


def _mixed_report() -> Report:
    critical = Finding(rule_id="SOD302", family="secret-readers", severity="critical",
                       title="Secret is readable by everyone in an account, organisation or the public",
                       message="google_secret_manager_secret.api is readable by allAuthenticatedUsers",
                       resource="google_secret_manager_secret.api",
                       location=Location(path="gcp.tf", start_line=5, end_line=9))
    unlocated = Finding(rule_id="SOD203", family="approval", severity="high",
                        title="Terraform state is writable by more principals than the deployers",
                        message="state is writable by 3 principals", resource="terraform.backend.s3")
    return _report([critical, _escalation(), unlocated, _secret_readers()],
                   errors=[LoadError(path="broken.tf", message="unexpected '}'", line=3)],
                   files=12, resources=40, principals=5)


def test_text_groups_by_severity_with_exact_lines():
    assert text.render(_mixed_report(), color=False) == (
        "CRITICAL (1)\n"
        "gcp.tf:5  SOD302  [critical]  google_secret_manager_secret.api: Secret is readable by everyone in an account, organisation or the public\n"
        "    google_secret_manager_secret.api is readable by allAuthenticatedUsers\n"
        "\n"
        "HIGH (2)\n"
        "iam.tf:12  SOD110  [high]  aws_iam_role.ci: Principal can escalate its own privileges\n"
        "    aws_iam_role.ci can iam:CreatePolicyVersion on * (policy aws_iam_policy.p)\n"
        "    ↳ aws_iam_role_policy_attachment.a (iam.tf:40): attaches aws_iam_policy.p\n"
        "\n"
        "SOD203  [high]  terraform.backend.s3: Terraform state is writable by more principals than the deployers\n"
        "    state is writable by 3 principals\n"
        "\n"
        "MEDIUM (1)\n"
        "secrets.tf:1  SOD301  [medium]  aws_secretsmanager_secret.db: Secret is readable by more principals than allowed\n"
        "    aws_secretsmanager_secret.db is readable by 2 principals\n"
        "\n"
        "error: broken.tf:3: unexpected '}'\n"
        "\n"
        "4 findings (1 critical, 2 high, 1 medium) in 12 files, 40 resources, 5 principals; "
        "1 input could not be analysed\n"
    )


def test_text_compact_drops_evidence():
    rendered = text.render(_mixed_report(), color=False, compact=True)
    assert "↳" not in rendered
    assert "iam.tf:12  SOD110  [high]  aws_iam_role.ci: Principal can escalate its own privileges\n" in rendered


def _through_admin(user: str, line: int) -> Finding:
    """A SOD110 finding of `user` that assumes aws_iam_role.admin: its own statement, then the
    admin role's trust, statement and inline policy, the same for every user."""
    return Finding(
        rule_id="SOD110", family="combined-duties", severity="high", title="Principal can escalate its own privileges",
        message=f"aws_iam_user.{user} can escalate its privileges: assume aws_iam_role.admin",
        resource=f"aws_iam_user.{user}", principal=f"aws_iam_user.{user}",
        location=Location(path="iam.tf", start_line=line, end_line=line + 3),
        evidence=[
            Evidence(address=f"aws_iam_user_policy.{user}", detail="statement 1: Allow sts:AssumeRole on aws_iam_role.admin",
                     location=Location(path="iam.tf", start_line=line + 5, end_line=line + 8), kind="statement"),
            Evidence(address="aws_iam_role.admin", detail=f"trust policy lets aws_iam_user.{user} assume it",
                     location=Location(path="admin.tf", start_line=1, end_line=4)),
            Evidence(address="aws_iam_role_policy.admin", detail="statement 1: Allow * on *",
                     location=Location(path="admin.tf", start_line=9, end_line=12), kind="statement"),
            Evidence(address="aws_iam_role_policy.admin", detail="inline policy on aws_iam_role.admin",
                     location=Location(path="admin.tf", start_line=6, end_line=14)),
            Evidence(address="aws_iam_role_policy.admin", detail="inline policy on aws_iam_role.admin",
                     location=Location(path="admin.tf", start_line=6, end_line=14)),
        ],
    )


def test_text_shows_each_hop_once_and_names_shared_hops_in_one_line():
    # issue 17: findings that pass through the same admin role say so once each, not a copy of
    # the chain; the statement (the grant as written) stays whole in every finding
    rendered = text.render(_report([_through_admin("dev", 20), _through_admin("ops", 40)]), color=False)
    dev, ops = rendered.split("\n\n")[0], rendered.split("\n\n")[1]
    assert dev.count("aws_iam_role_policy.admin (admin.tf:6): inline policy on aws_iam_role.admin") == 1
    assert "↳ as above: aws_iam_role_policy.admin (admin.tf:6)" in dev  # a hop repeated in one finding
    assert "↳ aws_iam_role_policy.admin (admin.tf:9): statement 1: Allow * on *" in ops
    assert "inline policy on aws_iam_role.admin" not in ops
    assert "↳ as above: aws_iam_role_policy.admin (admin.tf:6)\n" in ops + "\n"
    assert "trust policy lets aws_iam_user.ops assume it" in ops  # what differs is shown whole


def test_text_colour_only_when_asked():
    assert "\x1b[" not in text.render(_mixed_report(), color=False)
    coloured = text.render(_mixed_report(), color=True)
    assert "\x1b[" in coloured
    assert "SOD302" in coloured and "↳" in coloured


def test_text_summary_wording():
    assert text.render(Report(summary=Summary(files=1, resources=1, principals=0)), color=False) == (
        "no findings in 1 file, 1 resource, 0 principals\n"
    )
    one = _report([_escalation()], files=2, resources=1, principals=1)
    assert text.summary_line(one) == "1 finding (1 high) in 2 files, 1 resource, 1 principal"
    two_errors = _report([], errors=[LoadError(path="a", message="x"), LoadError(path="b", message="y")])
    assert text.summary_line(two_errors) == (
        "no findings in 3 files, 41 resources, 7 principals; 2 inputs could not be analysed"
    )


def test_text_error_without_line():
    rendered = text.render(_report([], errors=[LoadError(path="big.tf", message="larger than 10 MiB")]),
                           color=False)
    assert "error: big.tf: larger than 10 MiB\n" in rendered


def test_text_error_line_is_not_repeated():
    rendered = text.render(_report([], errors=[LoadError(path="bad.tf", message="line 2: unexpected end of file",
                                                         line=2)]), color=False)
    assert "error: bad.tf:2: unexpected end of file\n" in rendered
