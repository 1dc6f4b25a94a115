"""The JSON report is written straight from the models (pydantic) and the SARIF from a dict
(pydantic_core), both for speed and memory; the text must be byte for byte what
`json.dumps(to_dict(report), indent=2, ensure_ascii=False)` gives, whatever is set."""

from __future__ import annotations

import json

import pytest

from sod_iac.core.model import Evidence, Finding, LoadError, Location, Notice, Report, SkippedModule, Summary
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


def test_a_name_that_is_not_utf8_still_renders_as_valid_utf8_json():
    """A lone surrogate (a file name decoded with surrogateescape, a `\\udXXX` escape in a plan)
    cannot be UTF-8: the piece that holds it is written with `\\u` escapes, so the report is
    still valid UTF-8 JSON that reads back to the same data; the other pieces are unchanged."""
    for report in (Report(findings=[_finding("ok"), _finding("bad\udcff")]),
                   Report(findings=[_finding("ok")], errors=[LoadError(path="bad\ud800.tf", message="unreadable")])):
        raw = b"".join(json_report.chunks(report))
        text = raw.decode("utf-8")  # strict: valid UTF-8
        assert json.loads(text) == json.loads(_reference(report))
        assert json_report.render(report) == text
    ok = Report(findings=[_finding("ok"), _finding("bad\udcff")])
    assert json_report.render(ok).startswith(_reference(ok)[:_reference(ok).index("bad")])
    assert json.loads(indented({"a": "\udcff é"})) == {"a": "\udcff é"}
    indented({"a": "\udcff é"}).encode("utf-8")  # strict: valid UTF-8


def test_reports_with_such_names_are_written_not_crashed(tmp_path, capsysbinary):
    from sod_iac.cli.common import write_report
    from sod_iac.cli.scan import render

    report = Report(findings=[_finding("bad\udcff")], errors=[LoadError(path="x\udcff.tf", message="m")])
    for fmt in ("json", "sarif", "text", "markdown", "github", "junit"):
        out = tmp_path / f"report.{fmt}"
        write_report(render(report, fmt), out)
        out.read_bytes().decode("utf-8")  # strict: valid UTF-8
        write_report(render(report, fmt), None)
        capsysbinary.readouterr().out.decode("utf-8")
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["findings"][0]["resource"]
    assert json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))["runs"]
