"""The JSON report is written straight from the models (pydantic) and the SARIF from a dict
(pydantic_core), both for speed and memory; the text must be byte for byte what
`json.dumps(to_dict(report), indent=2, ensure_ascii=False)` gives, whatever is set."""

from __future__ import annotations

import json

import pytest

from sod_iac.model import Evidence, Finding, LoadError, Location, Notice, Report, SkippedModule, Summary
from sod_iac.report import json_report, sarif
from sod_iac.report.json_text import indented


def _reference(report: Report) -> str:
    return json.dumps(json_report.to_dict(report), indent=2, ensure_ascii=False) + "\n"


def _finding(text: str) -> Finding:
    where = Location(path=f"{text}.tf", start_line=1, end_line=3)
    return Finding(rule_id="SOD301", family="secret-readers", severity="high", title="t", message=f"{text} é \u2028 \"q\"",
                   resource="aws_secretsmanager_secret.s", principals=["a", "b"], location=where,
                   evidence=[Evidence(address="aws_iam_role.a", detail="reads", location=where, duty="secret-read"),
                             Evidence(address="aws_iam_role.b", detail="reads")])


@pytest.mark.parametrize("report", [
    Report(),
    Report(findings=[_finding("one"), _finding("two")], errors=[LoadError(path="x.tf", message="bad", line=3)]),
    Report(findings=[_finding("one")], warnings=[Notice(path="x.tf", message="unused ignore")],
           summary=Summary(files=2, resources=3, principals=1, findings=1, suppressed=2, baselined=1,
                           skipped_modules=[SkippedModule(address="module.m", source="git::x")])),
])
def test_reports_read_as_json_dumps_would_write_them(report):
    assert json_report.render(report) == _reference(report)
    assert sarif.render(report) == json.dumps(sarif.to_dict(report), indent=2, ensure_ascii=False) + "\n"


def test_a_name_that_is_not_utf8_still_renders():
    """A lone surrogate (a file name decoded with surrogateescape) falls back to json.dumps."""
    for report in (Report(findings=[_finding("ok"), _finding("bad\udcff")]),
                   Report(findings=[_finding("ok")], errors=[LoadError(path="bad\udcff.tf", message="unreadable")])):
        assert json_report.render(report) == _reference(report)
        assert b"".join(json_report.chunks(report)) == _reference(report).encode("utf-8", "surrogateescape")
    assert indented({"a": "\udcff"}) == json.dumps({"a": "\udcff"}, indent=2, ensure_ascii=False) + "\n"
