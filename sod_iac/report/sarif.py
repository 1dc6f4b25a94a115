"""`--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.

Why these choices (GitHub's ingestion rules, on top of the OASIS schema):
- every result has a physical location with a URI relative to the repository root (a result
  without one makes GitHub reject the whole file), so a finding without a location is placed
  on its first located evidence hop, or else reported as a tool notification, not a result;
- the primary location is the anchor (what a reviewer changes); `relatedLocations` are the
  evidence hops, each once, the statements as written first;
- `partialFingerprints` carries the finding fingerprint, which ignores line numbers, so an
  alert survives edits that move code;
- rule metadata (help text, tags, default level) comes from the rule registry; a rule's
  `security-severity` is that of its most severe finding here, so a severity override shows
  in GitHub; the report computes nothing else. `tool.driver.rules` lists the rules that have
  results.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from sod_iac import __version__
from sod_iac.core.model import Finding, Location, Report, worst_severity
from sod_iac.report import rule_help
from sod_iac.report.chain import statements_first
from sod_iac.report.json_text import indented

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "sodIacFingerprint/v1"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
"""GitHub maps >= 9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low."""


def render(report: Report) -> str:
    return indented(to_dict(report))


def to_dict(report: Report) -> dict[str, Any]:
    rule_ids = sorted({f.rule_id for f in report.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results, unplaced = [], []
    for finding in report.findings:
        result = _result(finding, index[finding.rule_id])
        (results if result is not None else unplaced).append(result or finding)
    driver: dict[str, Any] = {
        "name": "sod-iac",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_descriptor(rule_id, _reported_severity(report.findings, rule_id)) for rule_id in rule_ids],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [_invocation(report, unplaced)],
            "results": results,
        }],
    }


# --------------------------------------------------------------------------- rules


def _reported_severity(findings: list[Finding], rule_id: str) -> str:
    """The most severe of the rule's findings in this report: GitHub takes an alert's severity
    from its rule's `security-severity`, so a severity the user set (`--severity`, config) or a
    finding the rule raised (e.g. state writable by everyone) must show there."""
    return worst_severity(f.severity for f in findings if f.rule_id == rule_id)


def _descriptor(rule_id: str, severity: str) -> dict[str, Any]:
    from sod_iac.rules.registry import get_rule

    rule = get_rule(rule_id)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": pascal_case(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": rule_help.text(rule), "markdown": rule_help.markdown(rule)},
    }
    uri = rule_help.help_uri(rule)
    if uri:
        descriptor["helpUri"] = uri
    descriptor["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    descriptor["properties"] = {
        "security-severity": SECURITY_SEVERITY[severity],
        "tags": ["security", "separation-of-duties", rule.family],
        "precision": "high",
    }
    return descriptor


def pascal_case(title: str) -> str:
    """`Principal can escalate its own privileges` -> `PrincipalCanEscalateItsOwnPrivileges`."""
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


# --------------------------------------------------------------------------- results


def _result(f: Finding, rule_index: int) -> dict[str, Any] | None:
    anchor = f.location or next((hop.location for hop in f.evidence if hop.location), None)
    if anchor is None:
        return None
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": physical(anchor),
            "logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}],
        }],
    }
    related = [
        {"id": number, "physicalLocation": physical(hop.location), "message": {"text": f"{hop.address}: {hop.detail}"}}
        for number, hop in enumerate((h for h in statements_first(f.evidence) if h.location), start=1)
        if hop.location is not None
    ]
    if related:
        result["relatedLocations"] = related
    result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    result["properties"] = _properties(f)
    return result


def _properties(f: Finding) -> dict[str, Any]:
    props: dict[str, Any] = {"severity": f.severity, "family": f.family, "resource": f.resource}
    if f.principal:
        props["principal"] = f.principal
    if f.principals is not None:
        props["principals"] = list(f.principals)
    if f.secret:
        props["secret"] = f.secret
    props["duties"] = list(f.duties)
    props["evidence"] = [f"{hop.address}: {hop.detail}" + (f" ({hop.location})" if hop.location else "")
                         for hop in f.evidence]
    return props


def physical(location: Location) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": uri(location.path), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": location.start_line, "endLine": max(location.end_line, location.start_line)},
    }


def uri(path: str) -> str:
    """A relative URI reference: spaces, `%`, `:`, `#`, `?` and non-ASCII are percent-encoded
    (a `:` in the first segment would otherwise read as a URI scheme); a name that is not
    UTF-8 (decoded with surrogateescape) gets its own bytes back, percent-encoded."""
    try:
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:  # a surrogate no byte stands for
        return quote(path, safe="/", errors="backslashreplace")


# --------------------------------------------------------------------------- invocation


def _invocation(report: Report, unplaced: list[Finding]) -> dict[str, Any]:
    notes: list[dict[str, Any]] = []
    for error in report.errors:
        notes.append(_notification("error", error.message, error.path, error.line))
    for warning in report.warnings:
        notes.append(_notification("warning", warning.message, warning.path, warning.line))
    for finding in unplaced:
        notes.append({"level": LEVELS[finding.severity],
                      "message": {"text": f"{finding.rule_id} {finding.resource}: {finding.message} "
                                          "(no source location, so not a code scanning result)"},
                      "descriptor": {"id": finding.rule_id}})
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _notification(level: str, message: str, path: str, line: int | None) -> dict[str, Any]:
    note: dict[str, Any] = {"level": level, "message": {"text": message}}
    if path and not path.startswith("<"):
        region = {"region": {"startLine": line}} if line else {}
        note["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"},
                                                   **region}}]
    return note
