"""Rule modules: one per rule, found by discovery, documented in their docstring (issue 20)."""

from __future__ import annotations

import sys
import textwrap

import pytest
from pydantic import BaseModel, Field

from sod_iac.rules import rule_docs
from sod_iac.rules.options import OptionsError, settings, settings_of
from sod_iac.rules.registry import CatalogError, Rule, all_rules, attach_modules, discover, load_catalog


def test_every_module_has_a_catalog_entry_and_every_entry_a_module():
    modules = discover()
    ids = ["SOD" + module.__name__.rsplit(".", 1)[-1][3:6] for _, module in modules]
    assert len(ids) == len(set(ids)), "two modules for one rule"
    catalog = load_catalog()
    assert set(ids) <= set(catalog)
    implemented = {r.id for r in all_rules() if r.implemented}
    assert implemented == set(ids)
    for family, module in modules:
        assert catalog["SOD" + module.__name__.rsplit(".", 1)[-1][3:6]].family == family


def test_every_rule_module_docstring_has_all_sections_and_parses():
    for _, module in discover():
        doc = rule_docs.parse(module.__doc__)
        assert doc.what_it_does and doc.rationale and doc.remediation and doc.example, module.__name__
        assert doc.references and doc.options, module.__name__


# --------------------------------------------------------------------------- discovery

_DOC = '''"""A test rule

## What it does
Nothing.

## Why is this bad?
It is
not.

## Example
```hcl
resource "x" "y" {}
```

## How to fix
Nothing to fix.

## Options
None.

## References
- A title
"""
'''


def _package(tmp_path, monkeypatch, files: dict[str, str]) -> str:
    """A throw-away rules package `fakerules` with the given family folders and modules."""
    root = tmp_path / "fakerules"
    root.mkdir()
    (root / "__init__.py").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    return "fakerules"


def _catalog(**families: str) -> dict[str, Rule]:
    return {rid: Rule(id=rid, family=family, severity="low", title="A test rule") for rid, family in families.items()}


_MODULE = _DOC + "ANCHORS = frozenset({'aws_s3_bucket'})\n\n\ndef check(ctx):\n    yield from ()\n"


def test_a_module_dropped_into_a_family_folder_is_found_without_editing_a_list(tmp_path, monkeypatch):
    package = _package(tmp_path, monkeypatch, {
        "approval/sod299_a_test_rule.py": _MODULE,
        "approval/helpers.py": "raise AssertionError('helpers are not rule modules')\n",
    })
    rules = attach_modules(_catalog(SOD299="approval", SOD298="approval"), discover(package))
    assert rules["SOD299"].implemented and rules["SOD299"].judges("aws_s3_bucket")
    assert rules["SOD299"].rationale == "It is not."
    assert rules["SOD299"].references[0].title == "A title" and rules["SOD299"].references[0].url is None
    assert not rules["SOD298"].implemented  # an entry without a module is planned


def test_a_module_without_a_catalog_entry_is_an_error_naming_the_file(tmp_path, monkeypatch):
    package = _package(tmp_path, monkeypatch, {"approval/sod299_a_test_rule.py": _MODULE})
    with pytest.raises(CatalogError, match=r"sod299_a_test_rule\.py: no rule SOD299 in the catalog"):
        attach_modules(_catalog(), discover(package))


def test_a_module_in_another_familys_folder_is_an_error(tmp_path, monkeypatch):
    package = _package(tmp_path, monkeypatch, {"secret_readers/sod299_a_test_rule.py": _MODULE})
    with pytest.raises(CatalogError, match=r"sod299_a_test_rule\.py: SOD299 is of family approval"):
        attach_modules(_catalog(SOD299="approval"), discover(package))


@pytest.mark.parametrize(("text", "problem"), [
    (_MODULE.replace("## Options\nNone.\n\n", ""), "missing section(s) 'Options'"),
    (_MODULE.replace("A test rule", "Another title"), "summary line must be the title"),
    (_MODULE.replace("ANCHORS = ", "NOT_ANCHORS = "), "must declare ANCHORS"),
    (_MODULE.replace("def check(", "def other("), "must define check(ctx)"),
    (_MODULE.replace("```hcl", "```"), "one ```hcl fenced block"),
])
def test_a_malformed_module_is_an_error_naming_the_file(tmp_path, monkeypatch, text, problem):
    package = _package(tmp_path, monkeypatch, {"approval/sod299_a_test_rule.py": text})
    with pytest.raises(CatalogError) as err:
        attach_modules(_catalog(SOD299="approval"), discover(package))
    assert "sod299_a_test_rule.py" in str(err.value) and problem in str(err.value)


def test_catalog_text_outside_id_family_severity_title_is_refused(tmp_path):
    bad = tmp_path / "catalog.yaml"
    bad.write_text(textwrap.dedent("""\
        rules:
          - id: SOD101
            family: combined-duties
            severity: high
            title: t
            rationale: r
        """))
    with pytest.raises(CatalogError, match=rf"^{bad}:2: SOD101: rationale belong\(s\) in the rule module"):
        load_catalog(bad)


# --------------------------------------------------------------------------- options


def test_options_section_names_every_option_of_the_module():
    for _, module in discover():
        section = rule_docs.parse(module.__doc__).options
        model = getattr(module, "Options", None)
        names = list(model.model_fields) if model is not None else []
        assert [n for n in names if f"`{n}`" not in section] == [], module.__name__
        assert names or section == "None.", module.__name__


def test_the_settings_table_is_built_from_the_rules_options():
    table = settings()
    assert table["production"].rules == ("SOD210", "SOD213", "SOD215")  # one shared base class
    assert table["production"].per_resource and not table["reviewed_refs"].per_resource
    assert table["max_readers"].default == 1 and table["max_readers"].rules == ("SOD301",)


def test_one_option_declared_differently_by_two_rules_is_an_error():
    class First(BaseModel):
        limit: int = Field(1, description="how many")

    class Second(BaseModel):
        limit: int = Field(2, description="how many")

    with pytest.raises(OptionsError, match="SOD202 declares option 'limit' unlike SOD201"):
        settings_of([("SOD201", First), ("SOD202", Second)])
