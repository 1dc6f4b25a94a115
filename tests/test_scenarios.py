"""Every scenario in testdata/ runs through every entry point it supports and must agree.

A scenario is a folder with Terraform (`*.tf`) and/or a plan (`plan.json`) and an
`expected.json`: `findings` that must be reported ({rule_id, resource}), `absent` ones that
must not, and nothing else from the rule families named there. Adding a case is adding a
folder; this file never changes for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sod_iac.rules.registry import get_rule
from sod_iac.scan import ScanOptions, run_scan

from scenarios import SCENARIOS, TESTDATA




@pytest.mark.parametrize(("case", "folder", "entry"), SCENARIOS, ids=[c[0] for c in SCENARIOS])
def test_scenario(case: str, folder: Path, entry: str) -> None:
    expected = json.loads((folder / "expected.json").read_text())
    planned = sorted({f["rule_id"] for f in expected.get("findings", []) + expected.get("absent", [])
                      if not get_rule(f["rule_id"]).implemented})
    if planned:
        pytest.skip(f"rules not implemented yet: {', '.join(planned)}")
    target = folder if entry == "hcl" else folder / "plan.json"
    report = run_scan([target], ScanOptions(repo_root=folder, jobs=1))
    assert [e.model_dump() for e in report.errors] == expected.get("errors", [])
    found = {(f.rule_id, f.resource) for f in report.findings}
    wanted = {(f["rule_id"], f["resource"]) for f in expected.get("findings", [])}
    absent = {(f["rule_id"], f["resource"]) for f in expected.get("absent", [])}
    assert wanted <= found, f"missing: {sorted(wanted - found)}"
    assert not (absent & found), f"must be absent: {sorted(absent & found)}"
    families = {get_rule(rule_id).family for rule_id, _ in wanted | absent}
    extra = {(r, a) for r, a in found - wanted if get_rule(r).family in families}
    assert not extra, f"unexpected findings in {sorted(families)}: {sorted(extra)}"


def test_every_scenario_has_a_positive_or_negative_expectation() -> None:
    for expected in TESTDATA.rglob("expected.json"):
        data = json.loads(expected.read_text())
        assert data.get("findings") or data.get("absent"), f"{expected} expects nothing"
