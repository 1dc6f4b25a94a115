"""A finding about a resource of a reusable module is shown where the scanned root calls the
module (issue 17): its `location` is the root's `module` block, its evidence names the module's
folder, while `resource` and the fingerprint stay the resource's (baselines keep matching) and
an ignore written in the module's block still holds. Lines read from the scenario's main.tf."""

from __future__ import annotations

from scenarios import TESTDATA

from sod_iac.core.model import fingerprint
from sod_iac.pipeline.scan import ScanOptions, run_scan

CASE = TESTDATA / "admin/module-output-whole-object"


def _finding(root, resource: str):
    report = run_scan([root], ScanOptions(repo_root=root, jobs=1))
    return next((f for f in report.findings if f.rule_id == "SOD111" and f.resource == resource), None), report


def test_the_location_is_the_module_call_and_the_identity_the_resource() -> None:
    finding, _ = _finding(CASE, "module.ops.aws_iam_role.this")
    assert (finding.location.path, finding.location.start_line, finding.location.end_line) == ("main.tf", 25, 28)
    assert finding.fingerprint == fingerprint("SOD111", "module.ops.aws_iam_role.this", finding.duties,
                                              "module.ops.aws_iam_role.this")
    assert [(e.address, str(e.location)) for e in finding.evidence[-2:]] == [
        ("module.ops.aws_iam_role.this", "modules/role/main.tf:5"), ("module.ops", "main.tf:25")]
    assert "modules/role" in finding.evidence[-1].detail


def test_an_ignore_in_the_modules_block_still_silences_it(tmp_path) -> None:
    import shutil

    root = tmp_path / "case"
    shutil.copytree(CASE, root)
    role = root / "modules/role/main.tf"
    role.write_text(role.read_text().replace(
        'resource "aws_iam_role" "this" {', '# sod-iac:ignore SOD111 -- break-glass roles, reviewed quarterly\n'
                                           'resource "aws_iam_role" "this" {'))
    finding, report = _finding(root, "module.ops.aws_iam_role.this")
    assert finding is None and report.summary.suppressed >= 1
