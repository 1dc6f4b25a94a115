"""Each golden file's content as the reporters render it now: the one place both the tests
(tests/test_report_formats.py) and the regeneration command (`python -m golden`) take it from."""

from __future__ import annotations

import json
from pathlib import Path

from sod_iac import __version__
from sod_iac.report import github, json_report, junit, markdown, sarif, text
from sod_iac.rules import registry

from golden import scenario

GOLDEN = Path(__file__).resolve().parent
LINK_BASE = "https://github.com/acme/infra/blob/abc123/"


def rendered() -> dict[str, str]:
    """File name -> what the reporters write for the golden scenario (with its tiny catalog)."""
    report = scenario.report()
    real = registry.get_rule
    registry.get_rule = lambda rule_id: scenario.RULES[rule_id.upper()]
    try:
        return {
            "report.txt": text.render(report, color=False),
            "report.json": json_report.render(report),
            "report.sarif": sarif.render(report),
            "report.github.txt": github.render(report),
            "report.md": markdown.render(report, link_base=LINK_BASE),
            "report.junit.xml": junit.render(report, checked_rules=["SOD101", "SOD210", "SOD301", "SOD303"]),
        }
    finally:
        registry.get_rule = real


def write_all() -> list[str]:
    """Rewrite every golden file (the version as `@VERSION@`); the names of those that changed."""
    changed = []
    for name, content in rendered().items():
        path = GOLDEN / name
        content = content.replace(__version__, "@VERSION@")
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if name.endswith(".sarif") and old is not None and json.loads(old) == json.loads(content):
            continue  # compared as JSON: its hand layout stays
        if old != content:
            path.write_text(content, encoding="utf-8")
            changed.append(name)
    return changed
