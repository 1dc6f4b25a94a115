"""The rule registry: the catalog matches DESIGN.md, checks attach by id, failures are isolated."""

from __future__ import annotations

import dataclasses

import pytest

from sod_iac.core.model import Evidence, Finding, Location, Project, Resource
from sod_iac.rules import registry
from sod_iac.rules.context import Context
from sod_iac.rules.registry import (
    CatalogError,
    all_rules,
    get_rule,
    load_catalog,
    register,
    run_rules,
    unregister,
)

# Copied by hand from the DESIGN.md rule catalog.
DESIGN_CATALOG = {
    "SOD101": "combined-duties", "SOD102": "combined-duties", "SOD103": "combined-duties",
    "SOD104": "combined-duties", "SOD105": "combined-duties", "SOD106": "combined-duties",
    "SOD110": "combined-duties", "SOD111": "combined-duties", "SOD112": "combined-duties",
    "SOD120": "combined-duties", "SOD121": "combined-duties",
    "SOD201": "approval", "SOD202": "approval", "SOD203": "approval", "SOD204": "approval",
    "SOD205": "approval", "SOD210": "approval", "SOD211": "approval", "SOD212": "approval",
    "SOD213": "approval", "SOD214": "approval", "SOD215": "approval",
    "SOD301": "secret-readers", "SOD302": "secret-readers", "SOD303": "secret-readers",
}


@pytest.fixture
def temporary_check():
    """Attach test checks with the registry's hook; restore whatever was attached before."""
    saved: dict[str, object] = {}

    def attach(rule_id, check):
        if rule_id not in saved:
            saved[rule_id] = unregister(rule_id)
        unregister(rule_id)
        return register(rule_id, check)

    yield attach
    for rule_id, previous in saved.items():
        unregister(rule_id)
        if previous is not None:
            register(rule_id, previous)


def test_catalog_has_exactly_the_design_ids_and_families():
    assert {r.id: r.family for r in all_rules()} == DESIGN_CATALOG


def test_all_rules_are_in_id_order():
    ids = [r.id for r in all_rules()]
    assert ids == sorted(DESIGN_CATALOG)


def test_every_rule_is_documented():
    for r in all_rules():
        assert r.severity in {"critical", "high", "medium", "low"}, r.id
        assert r.title and r.rationale and r.remediation and r.example, r.id
        assert r.references, r.id
        assert all(ref.title for ref in r.references), r.id
        assert all(ref.url is None or ref.url.startswith("https://") for ref in r.references), r.id


def test_get_rule_is_case_insensitive_and_raises_for_unknown():
    assert get_rule("sod101").id == "SOD101"
    with pytest.raises(KeyError):
        get_rule("SOD999")


def test_invalid_yaml_names_file_and_line(tmp_path):
    bad = tmp_path / "catalog.yaml"
    bad.write_text("rules:\n  - id: SOD101\n    title: [unclosed\n    family: approval\n")
    with pytest.raises(CatalogError) as err:
        load_catalog(bad)
    message = str(err.value)
    assert message.startswith(f"{bad}:")
    assert "invalid YAML" in message
    line = int(message[len(str(bad)) + 1:].split(":")[0])
    assert 3 <= line <= 5


def test_invalid_entry_names_file_and_line(tmp_path):
    bad = tmp_path / "catalog.yaml"
    bad.write_text(
        "rules:\n"
        "  - id: SOD101\n"
        "    family: not-a-family\n"
        "    severity: high\n"
        "    title: t\n"
    )
    with pytest.raises(CatalogError, match=rf"^{bad}:2: SOD101: unknown family 'not-a-family'"):
        load_catalog(bad)


def test_missing_fields_are_named(tmp_path):
    bad = tmp_path / "catalog.yaml"
    bad.write_text("rules:\n  - id: SOD101\n    family: approval\n")
    with pytest.raises(CatalogError, match=r":2: rule SOD101 lacks severity, title"):
        load_catalog(bad)


def test_register_attaches_check_to_catalog_entry(temporary_check):
    def check(ctx):
        yield from ()

    returned = temporary_check("SOD303", check)
    assert returned is check
    assert get_rule("SOD303").check is check
    assert get_rule("SOD303").implemented
    assert get_rule("SOD303").status == "implemented"
    assert get_rule("SOD303").title == "Principal can read every secret"


def test_register_rejects_unknown_id():
    with pytest.raises(CatalogError, match="no rule SOD999"):
        register("SOD999", lambda ctx: iter(()))


def test_register_rejects_a_second_check_for_the_same_rule(temporary_check):
    temporary_check("SOD303", lambda ctx: iter(()))
    with pytest.raises(CatalogError, match="already has a check"):
        register("SOD303", lambda ctx: iter(()))


def _project() -> Project:
    loc = Location(path="iam.tf", start_line=12, end_line=30)
    return Project(resources=[Resource(address="aws_iam_role.ci", type="aws_iam_role", name="ci", location=loc)])


def test_context_finding_fills_catalog_fields_and_location():
    ctx = Context(project=_project())
    f = ctx.finding("SOD110", "aws_iam_role.ci", "can escalate", principal="aws_iam_role.ci",
                    duties=["permissions-admin"], evidence=[Evidence(address="aws_iam_policy.p", detail="x")])
    assert (f.family, f.severity, f.title) == ("combined-duties", "high", "Principal can escalate its own privileges")
    assert f.location == Location(path="iam.tf", start_line=12, end_line=30)
    assert f.principal == "aws_iam_role.ci"
    assert f.principals is None and f.secret is None
    assert f.duties == ["permissions-admin"]
    assert f.evidence[0].address == "aws_iam_policy.p"


def test_context_finding_explicit_location_principals_and_unknown_anchor():
    ctx = Context(project=_project())
    explicit = Location(path="other.tf", start_line=1, end_line=2)
    f = ctx.finding("SOD301", "aws_secretsmanager_secret.db", "2 readers", location=explicit,
                    principals=["b", "a", "b"], secret="aws_secretsmanager_secret.db")
    assert f.location == explicit
    assert f.principals == ["a", "b"]
    assert f.secret == "aws_secretsmanager_secret.db"
    g = ctx.finding("SOD301", "aws_secretsmanager_secret.db", "2 readers")
    assert g.location is None


def test_context_finding_severity_override():
    f = Context(project=_project()).finding("SOD205", "aws_s3_bucket.state", "public", severity="critical")
    assert f.severity == "critical"


def test_run_rules_isolates_a_raising_rule(temporary_check):
    def good(ctx):
        yield ctx.finding("SOD302", "aws_iam_role.ci", "everyone reads it")

    def broken(ctx):
        yield ctx.finding("SOD303", "aws_iam_role.ci", "yielded before failing")
        raise ValueError("boom")

    temporary_check("SOD302", good)
    temporary_check("SOD303", broken)
    ctx = Context(project=_project())
    findings = run_rules(ctx, rules=[get_rule("SOD302"), get_rule("SOD303")])

    assert [(f.rule_id, f.message) for f in findings] == [
        ("SOD302", "everyone reads it"),
        ("SOD303", "yielded before failing"),
    ]
    assert len(ctx.errors) == 1
    assert ctx.errors[0].path == "<rule SOD303>"
    assert ctx.errors[0].message.startswith("internal error: ValueError: boom")


def test_run_rules_isolates_a_rule_that_yields_something_else(temporary_check):
    """A check that yields what is not a Finding is that rule's error, not a crash of the
    sorting that every rule's findings go through."""
    def good(ctx):
        yield ctx.finding("SOD302", "aws_iam_role.ci", "everyone reads it")

    def sloppy(ctx):
        yield ctx.finding("SOD303", "aws_iam_role.ci", "yielded before the slip")
        yield None

    temporary_check("SOD302", good)
    temporary_check("SOD303", sloppy)
    ctx = Context(project=_project())
    findings = run_rules(ctx, rules=[get_rule("SOD302"), get_rule("SOD303")])
    assert [f.rule_id for f in findings] == ["SOD302", "SOD303"]
    assert [(e.path, e.message.split(":")[1].strip()) for e in ctx.errors] == [("<rule SOD303>", "TypeError")]


def test_run_rules_runs_registered_rules_by_default(temporary_check, monkeypatch):
    temporary_check("SOD303", lambda ctx: iter([ctx.finding("SOD303", "aws_iam_role.ci", "reads all")]))
    monkeypatch.setattr(registry, "all_rules", lambda: [get_rule("SOD303"), get_rule("SOD101")])
    findings = run_rules(Context(project=_project()))
    assert [f.rule_id for f in findings] == ["SOD303"]


def _finding(rule_id, severity, path, line, resource="r.x", duties=()):
    return Finding(rule_id=rule_id, family="approval", severity=severity, title="t", message="m",
                   resource=resource, duties=list(duties),
                   location=Location(path=path, start_line=line, end_line=line) if path else None)


def test_run_rules_sorts_by_severity_path_line_rule_and_deduplicates():
    produced = [
        _finding("SOD202", "low", "a.tf", 1, resource="r.1"),
        _finding("SOD203", "high", "b.tf", 9, resource="r.2"),
        _finding("SOD201", "high", "b.tf", 3, resource="r.3"),
        _finding("SOD204", "high", "a.tf", 50, resource="r.4"),
        _finding("SOD210", "critical", None, 0, resource="r.5"),
        _finding("SOD205", "high", None, 0, resource="r.6"),
        _finding("SOD203", "high", "c.tf", 70, resource="r.2"),  # same fingerprint as r.2 above
    ]
    fake = dataclasses.replace(get_rule("SOD201"), check=lambda ctx: iter(produced))
    findings = run_rules(Context(project=Project()), rules=[fake])
    assert [(f.rule_id, f.resource) for f in findings] == [
        ("SOD210", "r.5"),
        ("SOD204", "r.4"),
        ("SOD201", "r.3"),
        ("SOD203", "r.2"),
        ("SOD205", "r.6"),
        ("SOD202", "r.1"),
    ]
    # the duplicate kept is the first in sorted order (b.tf:9, not c.tf:70)
    assert findings[3].location.path == "b.tf"
