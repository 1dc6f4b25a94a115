"""The testdata scenarios, found once for every entry point that runs them (sod-iac scan in
test_scenarios.py, Checkov in test_checkov.py): a folder with `expected.json`, run as HCL when
it has `.tf` files and as a plan when it has `plan.json`."""

from __future__ import annotations

from pathlib import Path

TESTDATA = Path(__file__).resolve().parent.parent / "testdata"


def _scenarios() -> list[tuple[str, Path, str]]:
    cases = []
    for expected in sorted(TESTDATA.rglob("expected.json")):
        folder = expected.parent
        name = folder.relative_to(TESTDATA).as_posix()
        if any(folder.glob("*.tf")):
            cases.append((f"{name}[hcl]", folder, "hcl"))
        if (folder / "plan.json").exists():
            cases.append((f"{name}[plan]", folder, "plan"))
    return cases


SCENARIOS = _scenarios()
