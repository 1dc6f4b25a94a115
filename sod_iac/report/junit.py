"""`--format junit`: JUnit XML for CI systems that show test results (GitLab, Jenkins, Azure).

Why this shape: one test suite per rule, one test case per rule and resource. A rule with
findings has a failing case per resource it fired on (several findings on one resource, e.g.
for different principals, are one case); a rule that ran and found nothing has one passing
case, so a clean scan still shows what was checked. Inputs that could not be analysed are
test cases with an `<error>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from sod_iac.core.model import SEVERITY_ORDER, Finding, Report
from sod_iac.report.chain import Repeat, Shown, hop_text, repeat_text

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: Report, checked_rules: Sequence[str] | None = None) -> str:
    """`checked_rules`: ids of the rules that ran (default: every implemented catalog rule)."""
    if checked_rules is None:
        from sod_iac.rules.registry import all_rules

        checked_rules = [r.id for r in all_rules() if r.implemented]
    by_rule: dict[str, dict[str, list[Finding]]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule_id, {}).setdefault(f.resource, []).append(f)

    root = ET.Element("testsuites", name="sod-iac")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for rule_id in sorted(set(checked_rules) | set(by_rule)):
        suite = _suite(root, rule_id, by_rule.get(rule_id, {}))
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    if report.errors:
        suite = ET.SubElement(root, "testsuite", name="inputs", tests=str(len(report.errors)),
                              failures="0", errors=str(len(report.errors)))
        for error in report.errors:
            case = ET.SubElement(suite, "testcase", classname="sod-iac.inputs", name=_clean(error.path))
            where = f"{error.path}:{error.line}" if error.line else error.path
            said = error.message.removeprefix(f"line {error.line}: ") if error.line else error.message
            ET.SubElement(case, "error", message=_clean(error.message), type="input").text = _clean(
                f"{where}: {said}")
        totals["tests"] += len(report.errors)
        totals["errors"] += len(report.errors)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(root: ET.Element, rule_id: str, resources: dict[str, list[Finding]]) -> ET.Element:
    title = next(iter(resources.values()))[0].title if resources else _title(rule_id)
    suite = ET.SubElement(root, "testsuite", name=_clean(f"{rule_id} {title}"),
                          tests=str(max(1, len(resources))), failures=str(len(resources)), errors="0")
    if not resources:
        ET.SubElement(suite, "testcase", classname=f"sod-iac.{rule_id}", name="no findings")
        return suite
    for resource in sorted(resources):
        findings = resources[resource]
        case = ET.SubElement(suite, "testcase", classname=f"sod-iac.{rule_id}", name=_clean(resource))
        if findings[0].location:
            case.set("file", _clean(findings[0].location.path))
            case.set("line", str(findings[0].location.start_line))
        worst = max(findings, key=lambda f: SEVERITY_ORDER[f.severity])
        failure = ET.SubElement(case, "failure", message=_clean(findings[0].message), type=worst.severity)
        failure.text = _clean("\n\n".join(_details(f) for f in findings))
    return suite


def _details(f: Finding) -> str:
    lines = [f"{f.rule_id} [{f.severity}] {f.title}", f.message]
    if f.location:
        lines.append(f"at {f.location.path}:{f.location.start_line}-{f.location.end_line}")
    lines += [f"  ↳ {repeat_text(item) if isinstance(item, Repeat) else hop_text(item)}"
              for item in Shown().items(f.evidence)]
    return "\n".join(lines)


def _title(rule_id: str) -> str:
    from sod_iac.rules.registry import get_rule

    try:
        return get_rule(rule_id).title
    except KeyError:
        return ""


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped: show them as U+FFFD."""
    return _INVALID_XML.sub("\ufffd", text)
