"""Every scenario in testdata/ runs through every entry point it supports and must agree.

A scenario is a folder with Terraform (`*.tf`) and/or a plan (`plan.json`) and an
`expected.json`: `findings` that must be reported ({rule_id, resource}), `absent` ones that
must not, and nothing else from the rule families named there. Adding a case is adding a
folder; this file never changes for it.

A finding entry may also say, read from the HCL by hand (issue 17):
- `principal`: the finding's `principal` (null for a finding about no one principal);
- `evidence_line`: `"file.tf:LINE"`, where the grant a reviewer must change starts (the
  statement block, binding, role rule or assignment): some evidence hop starts there (the HCL
  entry, and the plan entry when the plan's .tf is beside it: a plan's hops are mapped back to
  the .tf). null when the finding has no grant (a backend setting).
The first entry of `findings` (the scenario's main finding) must carry both.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scenarios import SCENARIOS, TESTDATA

from sod_iac.load.checkov import split_address
from sod_iac.pipeline.scan import ScanOptions, run_scan
from sod_iac.rules.registry import all_rules, get_rule

EVIDENCE_KEYS = ("principal", "evidence_line")




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
    by_key = {(f.rule_id, f.resource): f for f in report.findings}
    for wanted_finding in expected.get("findings", []):
        _check_evidence(wanted_finding, by_key[(wanted_finding["rule_id"], wanted_finding["resource"])],
                        entry == "hcl" or any(folder.glob("*.tf")))
    unjudged = sorted((f.rule_id, f.resource) for f in report.findings if not _anchored_on_a_judged_type(f))
    assert not unjudged, f"anchored on a type its rule does not list in its ANCHORS (BACKENDS, ATLANTIS_YAML): {unjudged}"


def _anchored_on_a_judged_type(finding) -> bool:
    """Checkov answers PASSED/FAILED only on types a rule judges (checks/sod_iac_checks.py
    reads the rule's ANCHORS and BACKENDS from the registry): a finding anchored elsewhere would
    leave its passing twin UNKNOWN. Backends and Atlantis YAML are not resources: a rule that
    anchors there says so (BACKENDS, ATLANTIS_YAML)."""
    rule = get_rule(finding.rule_id)
    if finding.resource.startswith("terraform."):
        return rule.backends
    if finding.resource.startswith("atlantis."):
        return rule.atlantis_yaml
    parts = split_address(finding.resource)
    return parts is not None and rule.judges(parts[2])


def test_every_implemented_rule_states_where_it_anchors() -> None:
    for rule in all_rules():
        if rule.implemented:
            assert rule.anchors or rule.backends or rule.atlantis_yaml, rule.id


def _check_evidence(entry: dict, finding, has_lines: bool) -> None:
    """The principal and the grant's line that expected.json states for a finding (the line
    when the entry point has the .tf to take lines from)."""
    where = f"{entry['rule_id']} {entry['resource']}"
    if "principal" in entry:
        assert finding.principal == entry["principal"], f"{where}: principal"
    line = entry.get("evidence_line")
    if line and has_lines:
        starts = [str(hop.location) for hop in finding.evidence if hop.location]
        assert line in starts, f"{where}: no evidence hop starts at {line} (hops start at {starts})"


def test_every_scenario_has_a_positive_or_negative_expectation() -> None:
    for expected in TESTDATA.rglob("expected.json"):
        data = json.loads(expected.read_text())
        assert data.get("findings") or data.get("absent"), f"{expected} expects nothing"


def test_every_main_finding_states_its_principal_and_grant_line() -> None:
    """Issue 17: each scenario asserts the anchor, the principal and the grant's line of its
    main finding (the first entry of `findings`)."""
    missing = []
    for expected in sorted(TESTDATA.rglob("expected.json")):
        findings = json.loads(expected.read_text()).get("findings", [])
        if findings and not all(key in findings[0] for key in EVIDENCE_KEYS):
            missing.append(expected.parent.relative_to(TESTDATA).as_posix())
    assert not missing, f"main finding without {EVIDENCE_KEYS}: {missing}"
