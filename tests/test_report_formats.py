"""Every output format against hand-written golden files, the published schemas, and awkward text.

The golden files in tests/golden/ render tests/golden/scenario.py; a difference here is a
change in what users see. Regenerate them with `cd tests && python -m golden` (one command,
tests/golden/render.py) and read `git diff tests/golden` line by line before committing.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from golden import scenario  # tests/ is on sys.path (rootdir-relative test modules)
from golden.render import rendered

from sod_iac import __version__
from sod_iac.core.model import Evidence, Finding, Location, Notice, Report, Summary
from sod_iac.report import github, json_report, junit, markdown, sarif, text
from sod_iac.rules import registry
from sod_iac.util import workflow_commands

GOLDEN = Path(__file__).resolve().parent / "golden"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
LINK_BASE = "https://github.com/acme/infra/blob/abc123/"


@pytest.fixture
def small_catalog(monkeypatch):
    """Reporters read rule metadata from the registry: give them the scenario's tiny catalog."""
    monkeypatch.setattr(registry, "get_rule", lambda rule_id: scenario.RULES[rule_id.upper()])


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8").replace("@VERSION@", __version__)


def sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema, vendored (tests/schemas/README.md)."""
    return json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate_sarif(document: dict) -> None:
    schema = sarif_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def validate_json(document: dict) -> None:
    schema = json_report.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


# --------------------------------------------------------------------------- golden files


def test_text_golden():
    assert rendered()["report.txt"] == golden("report.txt")


def test_json_golden_and_schema():
    text_ = rendered()["report.json"]
    assert text_ == golden("report.json")
    validate_json(json.loads(text_))


def test_sarif_golden_and_official_schema(small_catalog):
    text_ = rendered()["report.sarif"]
    assert json.loads(text_) == json.loads(golden("report.sarif"))
    validate_sarif(json.loads(text_))


def test_sarif_security_severity_follows_the_reported_findings(small_catalog):
    """GitHub takes an alert's severity from its rule's `security-severity`: a rule whose findings
    were set to medium (an override) shows medium, and one raised to critical shows critical."""
    report = scenario.report()
    rules = {r["id"]: r for r in json.loads(sarif.render(report))["runs"][0]["tool"]["driver"]["rules"]}
    assert registry.get_rule("SOD210").severity == "high"
    assert [f.severity for f in report.findings if f.rule_id == "SOD210"] == ["medium"]
    assert rules["SOD210"]["properties"]["security-severity"] == "5.5"
    assert rules["SOD210"]["defaultConfiguration"] == {"level": "error"}  # the rule's default stays
    raised = report.model_copy(update={"findings": [
        f.model_copy(update={"severity": "critical"}) if f.rule_id == "SOD101" else f for f in report.findings]})
    rules = {r["id"]: r for r in json.loads(sarif.render(raised))["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SOD101"]["properties"]["security-severity"] == "9.5"


def test_github_golden():
    assert rendered()["report.github.txt"] == golden("report.github.txt")


def test_markdown_golden():
    assert rendered()["report.md"] == golden("report.md")


def test_junit_golden(small_catalog):
    assert rendered()["report.junit.xml"] == golden("report.junit.xml")
    ET.fromstring(rendered()["report.junit.xml"].encode("utf-8"))


# --------------------------------------------------------------------------- schemas on real output


def test_real_catalog_sarif_and_json_validate():
    report = scenario.report()
    validate_sarif(json.loads(sarif.render(report)))
    validate_json(json.loads(json_report.render(report)))
    validate_json(json.loads(json_report.render(Report())))


def test_json_schema_rejects_contract_breaks():
    data = json.loads(json_report.render(scenario.report()))
    data["findings"][0]["severity"] = "urgent"
    with pytest.raises(jsonschema.ValidationError):
        validate_json(data)
    data = json.loads(json_report.render(scenario.report()))
    data["findings"][0]["principal"] = None  # optional fields are omitted, never null
    with pytest.raises(jsonschema.ValidationError):
        validate_json(data)


def test_sarif_empty_report_is_valid():
    document = json.loads(sarif.render(Report()))
    validate_sarif(document)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_sarif_unlocated_finding_uses_first_located_evidence(small_catalog):
    finding = Finding(rule_id="SOD210", family="approval", severity="high", title="t", message="m",
                      resource="tfe_workspace.prod",
                      evidence=[Evidence(address="a.b", detail="no place"),
                                Evidence(address="c.d", detail="here", location=Location(path="w.tf", start_line=4, end_line=5))])
    result = json.loads(sarif.render(Report(findings=[finding])))["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "w.tf"
    assert [r["id"] for r in result["relatedLocations"]] == [1]


# --------------------------------------------------------------------------- escaping

AWKWARD_PATH = "my dir/100% ünïcode:prod,1.tf"
AWKWARD_MESSAGE = "50% of readers: a,b\r\nnext line | <b>bold</b> & `code` — «ok»\n- not a list"


def _awkward() -> Report:
    finding = Finding(rule_id="SOD110", family="combined-duties", severity="medium",
                      title="Title: with, commas", message=AWKWARD_MESSAGE, resource='aws_iam_role.x["a|b`c"]',
                      principal='aws_iam_role.x["a|b`c"]', duties=["permissions-admin"],
                      location=Location(path=AWKWARD_PATH, start_line=2, end_line=3),
                      evidence=[Evidence(address='aws_iam_policy.p["#1"]', detail='says "hi" <x>',
                                         location=Location(path=AWKWARD_PATH, start_line=9, end_line=9))])
    return Report(findings=[finding], warnings=[Notice(path=AWKWARD_PATH, line=1, message="w: 100%\nx")],
                  summary=Summary(findings=1))


def test_github_escapes_data_and_properties_as_documented():
    lines = github.render(_awkward()).splitlines()
    assert len(lines) == 2  # no raw newline survives
    assert lines[0] == (
        "::warning file=my dir/100%25 ünïcode%3Aprod%2C1.tf,line=2,endLine=3,title=SOD110 [medium] Title%3A with%2C commas::"
        "50%25 of readers: a,b%0D%0Anext line | <b>bold</b> & `code` — «ok»%0A- not a list"
        "%0A↳ aws_iam_policy.p[\"#1\"] (my dir/100% ünïcode:prod,1.tf:9): says \"hi\" <x>".replace(
            "(my dir/100% ünïcode:prod,1.tf:9)", "(my dir/100%25 ünïcode:prod,1.tf:9)")
    )
    assert lines[1] == "::warning file=my dir/100%25 ünïcode%3Aprod%2C1.tf,line=1,title=sod-iac::w: 100%25%0Ax"


@pytest.mark.parametrize(("raw", "data", "prop"), [
    ("a%b", "a%25b", "a%25b"),
    ("a\rb", "a%0Db", "a%0Db"),
    ("a\nb", "a%0Ab", "a%0Ab"),
    ("a:b", "a:b", "a%3Ab"),
    ("a,b", "a,b", "a%2Cb"),
    ("%0A", "%250A", "%250A"),
    ("ü ::x=y", "ü ::x=y", "ü %3A%3Ax=y"),
])
def test_github_escape_table(raw, data, prop):
    assert workflow_commands.escape_data(raw) == data
    assert workflow_commands.escape_property(raw) == prop


def test_sarif_uri_encoding_and_message_kept_verbatim():
    document = json.loads(sarif.render(_awkward()))
    validate_sarif(document)
    result = document["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "my%20dir/100%25%20%C3%BCn%C3%AFcode%3Aprod%2C1.tf")
    assert result["message"]["text"] == AWKWARD_MESSAGE
    assert sarif.uri("a:b/c d.tf") == "a%3Ab/c%20d.tf"


def test_markdown_escapes_table_cells_html_and_mermaid_labels():
    page = markdown.render(_awkward(), link_base=LINK_BASE)
    row = next(line for line in page.splitlines() if line.startswith("| medium | SOD110"))
    assert row.count(" | ") == 4  # five cells: no `|` from the data splits the row
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; `code`" in row  # what a message quotes in backticks is a code span
    assert "<br>" in row and "\r" not in page
    assert "``aws_iam_role.x[\"a\\|b`c\"]``" in row
    assert "(https://github.com/acme/infra/blob/abc123/my%20dir/100%25%20%C3%BCn%C3%AFcode%3Aprod%2C1.tf#L2-L3)" in row
    assert 'p["aws_iam_role.x[#quot;a|b#96;c#quot;]"]' in page
    assert 'e0["aws_iam_policy.p[#quot;#35;1#quot;]<br/>my dir/100% ünïcode:prod,1.tf:9"]' in page
    assert "\n- not a list" not in page


def test_markdown_messages_quote_code_as_code_spans_not_escaped_backticks():
    # issue 17: "messages without escaped backticks": `repo:acme/platform:*` is a code span, the
    # text around it plain; an unpaired backtick leaves the whole text plain
    assert markdown.prose("sub `repo:acme/*` admits any ref") == "sub `repo:acme/*` admits any ref"
    assert markdown.prose("a_b `x|y` *c*") == "a\\_b `x\\|y` \\*c\\*"
    assert markdown.prose("one ` only") == "one \\` only"


def test_markdown_escape_helpers():
    assert markdown.escape("- x") == "\\- x"
    assert markdown.escape("1. x") == "1\\. x"
    assert markdown.escape("# x") == "\\# x"
    assert markdown.code("a`b") == "``a`b``"
    assert markdown.code("`a") == "`` `a ``"
    assert markdown.mermaid_label('a"b<c>#d\ne') == "a#quot;b#lt;c#gt;#35;d e"


def test_junit_strips_characters_xml_cannot_carry():
    report = _awkward()
    report.findings[0].message = "bell\x07 and nul\x00"
    rendered = junit.render(report, checked_rules=[])
    root = ET.fromstring(rendered.encode("utf-8"))
    failure = root.find(".//failure")
    assert failure is not None and failure.get("message") == "bell\ufffd and nul\ufffd"


def test_text_keeps_non_ascii_and_quiet_prints_only_findings():
    report = _awkward()
    assert "«ok»" in text.render(report)
    quiet = text.render(report, quiet=True)
    assert "warning:" not in quiet and "finding" not in quiet.splitlines()[-1]
    assert text.render(Report(), quiet=True) == ""


# --------------------------------------------------------------------------- size limits


def _many(n: int, message_size: int = 0) -> Report:
    findings = [Finding(rule_id="SOD110", family="combined-duties", severity="high", title="t",
                        message=f"finding {i} " + "x" * message_size, resource=f"aws_iam_role.r{i}",
                        principal=f"aws_iam_role.r{i}", duties=["permissions-admin"],
                        location=Location(path="iam.tf", start_line=i + 1, end_line=i + 1),
                        evidence=[Evidence(address=f"aws_iam_policy.p{i}", detail="d" * 200,
                                           location=Location(path="iam.tf", start_line=1, end_line=1))])
                for i in range(n)]
    return Report(findings=findings, summary=Summary(findings=n))


def test_markdown_collapses_long_tables():
    page = markdown.render(_many(11))
    assert "<details>\n<summary>All 11 findings</summary>" in page
    assert "<details>" not in markdown.render(_many(3)).split("### SOD110")[0]


def test_markdown_stays_under_the_step_summary_limit():
    page = markdown.render(_many(3000, message_size=400))
    assert len(page.encode("utf-8")) <= markdown.MAX_BYTES
    assert "more finding(s) not shown" in page
    assert "```mermaid" not in page
    smaller = markdown.render(_many(40, message_size=400), max_bytes=40_000)
    assert len(smaller.encode("utf-8")) <= 40_000


# --------------------------------------------------------------------------- what is compared with what


def _compared(n_new: int, known: int, **compared_with: str) -> Report:
    """n_new high findings, `known` more that the --new-since base or the baseline had."""
    from sod_iac.core.model import Comparison

    findings = _many(n_new).findings
    return Report(findings=findings, summary=Summary(findings=n_new, baselined=known,
                                                     compared_with=Comparison(**compared_with)))


BASE_SHA = "4157f206c2b0" + "a" * 28


def test_markdown_pull_request_mode_leads_with_what_the_pull_request_introduces():
    page = markdown.render(_compared(1, 2, new_since=BASE_SHA), change="this pull request")
    heading, lead = page.split("\n\n")[:2]
    assert heading == "## sod-iac: this pull request introduces 1 finding"
    assert lead == ("**This pull request introduces 1 finding**: 1 high. 2 findings were already on the "
                    "base (`4157f206c2b0`) and are not listed.")
    assert page.index(lead) < page.index("| Severity | Rule |")  # before the table, not after
    assert "### New findings" in page and "baseline" not in page


def test_markdown_pull_request_without_new_findings_does_not_say_no_findings():
    page = markdown.render(_compared(0, 2, new_since=BASE_SHA), change="this pull request")
    assert page.startswith("## sod-iac: this pull request introduces no findings\n\n"
                           "**This pull request introduces no findings.** 2 findings were already on the "
                           "base (`4157f206c2b0`) and are not listed.\n")
    assert "## sod-iac: no findings" not in page


def test_markdown_new_since_outside_a_pull_request_names_the_revision():
    page = markdown.render(_compared(1, 1, new_since="origin/main"))
    assert page.startswith("## sod-iac: 1 finding new since `origin/main`\n\n"
                           "**The changes since `origin/main` introduce 1 finding**: 1 high. 1 finding was "
                           "already on the base (`origin/main`) and is not listed.\n")


def test_markdown_baseline_mode_says_baseline():
    page = markdown.render(_compared(1, 3, baseline=".sod-iac-baseline.json"))
    assert page.startswith("## sod-iac: 1 finding not in the baseline\n\n"
                           "**1 finding not in the baseline**: 1 high. 3 findings were already in the baseline "
                           "(`.sod-iac-baseline.json`) and are not listed.\n")
    assert "base (" not in page
    both = markdown.render(_compared(0, 2, baseline="b.json", new_since="main"))
    assert "2 findings were already on the base (`main`) or in the baseline (`b.json`)" in both


def test_markdown_notes_skipped_modules_before_the_findings():
    from sod_iac.core.model import SkippedModule

    report = _many(1)
    report.summary.skipped_modules = [SkippedModule(address="module.vpc", source="terraform-aws-modules/vpc/aws")]
    page = markdown.render(report)
    note = "- `module.vpc` (`terraform-aws-modules/vpc/aws`)"
    assert note in page and page.index(note) < page.index("| Severity | Rule |")


def test_markdown_one_diagram_box_per_grant_whatever_duties_it_gives():
    hop = dict(address="aws_iam_role_policy.keys", location=Location(path="kms.tf", start_line=20, end_line=41))
    finding = Finding(rule_id="SOD101", family="combined-duties", severity="high", title="t", message="m",
                      resource="aws_iam_role.ops", principal="aws_iam_role.ops", duties=["key-admin", "key-use"],
                      evidence=[Evidence(detail="admin", duty="key-admin", **hop),
                                Evidence(detail="use", duty="key-use", **hop)])
    diagram = markdown.mermaid(finding)
    assert diagram.count('["aws_iam_role_policy.keys<br/>kms.tf:20"]') == 1
    assert "d0 --> e0" in diagram and "d1 --> e0" in diagram


def test_json_names_what_the_findings_were_compared_with():
    data = json.loads(json_report.render(_compared(1, 2, new_since="main", baseline="b.json")))
    assert data["summary"]["compared_with"] == {"baseline": "b.json", "new_since": "main"}
    validate_json(data)
    assert "compared_with" not in json.loads(json_report.render(_many(1)))["summary"]


def _ci_role_finding() -> Finding:
    """Like the demo's SOD120: the role's own trust hop, then two duties through one policy."""
    def at(line: int) -> Location:
        return Location(path="ci.tf", start_line=line, end_line=line + 3)
    return Finding(
        rule_id="SOD120", family="combined-duties", severity="critical", title="CI identity",
        message="aws_iam_role.ci is assumable from unreviewed refs", resource="aws_iam_role.ci",
        principal="aws_iam_role.ci", duties=["ci-unreviewed-refs", "write", "permissions-admin"], location=at(30),
        evidence=[
            Evidence(address="aws_iam_role.ci", detail="trust policy: GitHub Actions OIDC", location=at(30)),
            Evidence(address="aws_iam_role.ci", detail="write: ec2:RunInstances on *", duty="write"),
            Evidence(address="data.aws_iam_policy_document.ci", detail='statement "Deploy": Allow ec2:* on *',
                     location=at(36), duty="write", kind="statement"),
            Evidence(address="aws_iam_policy.ci", detail="policy document", location=at(53), duty="write"),
            Evidence(address="data.aws_iam_policy_document.ci", detail='statement "Own": Allow iam:CreatePolicyVersion',
                     location=at(41), duty="permissions-admin", kind="statement"),
            Evidence(address="aws_iam_policy.ci", detail="policy document", location=at(53), duty="permissions-admin"),
        ])


def test_mermaid_has_one_node_per_principal_and_policy():
    # issue 17: "the demo's SOD120 diagram repeats the role three times"
    diagram = markdown.mermaid(_ci_role_finding())
    nodes = [line.strip() for line in diagram.splitlines() if '["' in line and '(["' not in line]
    assert [n.split('["')[1].split("<br/>")[0] for n in nodes] == [
        "aws_iam_role.ci", "data.aws_iam_policy_document.ci", "aws_iam_policy.ci"]
    assert 'data.aws_iam_policy_document.ci<br/>ci.tf:36, ci.tf:41"]' in diagram  # both statements' lines


def test_sarif_related_locations_are_the_hops_once_statements_first():
    document = json.loads(sarif.render(Report(findings=[_ci_role_finding()])))
    validate_sarif(document)
    result = document["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 30  # the anchor
    lines = [r["physicalLocation"]["region"]["startLine"] for r in result["relatedLocations"]]
    assert lines == [36, 41, 30, 53]
