"""Suppressions: inline ignores in the Terraform source, and baselines of known findings.

Why after the rules and from the source text: an ignore must work for every rule, present
and future, without rules (or loaders) knowing about it. A finding's `location` says which
block it is anchored on; an ignore inside that block, or in the comment lines directly above
it, silences it. Loaders keep no file text, so the files are read again here, relative to the
scanned root (plan scans get the `.tf` files beside the plan, since that is where plan
resources are located).

Forms, in `#`, `//` or `/* */` comments:
    # sod-iac:ignore SOD110 -- the break-glass role is reviewed quarterly
    // sod-iac:ignore SOD110, SOD111: reason
    /* sod-iac:ignore SOD3* reason */
    #checkov:skip=SOD110:reason          (Checkov's form, for teams that use both)
An ignore without a reason never suppresses and is reported, so every accepted risk says why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sod_iac.core.model import Finding, Notice, Project
from sod_iac.load.files import decode_text
from sod_iac.util.wildcard import rule_matches

_DIRECTIVE = re.compile(
    r"(?:#|//|/\*)\s*(?:(?P<ours>sod-iac:ignore)(?![\w-])|(?P<checkov>(?:checkov|bridgecrew):skip=))(?P<body>.*)",
    re.IGNORECASE,
)
_ID = re.compile(r"\s*,?\s*(SOD[0-9*?]+)(?=[\s,:]|--|\*/|$)", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*,?\s*(?:--+|:|—|–|-)?\s*")
_CHECKOV_BODY = re.compile(r"\s*(?P<id>[A-Za-z0-9_*?]+)\s*(?::(?P<reason>.*))?$")
_HCL_SUFFIXES = (".tf",)
BASELINE_VERSION = 1


@dataclass
class Ignore:
    """One directive in the source, and whether it silenced anything."""

    path: str
    line: int
    patterns: tuple[str, ...]
    reason: str
    text: str
    used: bool = False

    @property
    def has_reason(self) -> bool:
        return any(ch.isalnum() for ch in self.reason)

    def covers(self, rule_id: str) -> bool:
        return any(rule_matches(p, rule_id) for p in self.patterns)


@dataclass(frozen=True)
class Silenced:
    """A finding an ignore with a reason silenced, and that reason (the reasons, when several
    ignores cover it): what Checkov shows as a skipped check's suppress comment."""

    finding: Finding
    reason: str


@dataclass
class Outcome:
    findings: list[Finding]
    warnings: list[Notice] = field(default_factory=list)
    silenced: list[Silenced] = field(default_factory=list)

    @property
    def suppressed(self) -> int:
        return len(self.silenced)


# --------------------------------------------------------------------------- parsing


def parse_ignores(path: str, text: str) -> tuple[list[Ignore], list[Notice]]:
    """Every directive in one file (1-based lines), plus notices for malformed ones."""
    ignores: list[Ignore] = []
    notices: list[Notice] = []
    if "ignore" not in text.lower() and "skip=" not in text.lower():
        return ignores, notices
    for number, line in enumerate(text.splitlines(), start=1):
        match = _DIRECTIVE.search(line)
        if not match:
            continue
        block = match.group(0).startswith("/*")
        body = match.group("body").split("*/", 1)[0] if block else match.group("body")
        written = match.group(0).split("*/", 1)[0].strip() + (" */" if block else "")
        if match.group("ours"):
            ids, reason = _split_ids(body)
            if not ids:
                notices.append(Notice(path=path, line=number, message=(
                    f"`{written}` names no rule id (such as SOD110), so it suppresses nothing")))
                continue
        else:
            parsed = _CHECKOV_BODY.match(body.strip())
            if not parsed or not parsed.group("id").upper().startswith("SOD"):
                continue  # a Checkov skip for one of Checkov's own checks: not ours
            ids, reason = [parsed.group("id").upper()], (parsed.group("reason") or "")
        ignores.append(Ignore(path=path, line=number, patterns=tuple(ids), reason=reason.strip(), text=written))
    return ignores, notices


def _split_ids(body: str) -> tuple[list[str], str]:
    ids, rest = [], body
    while match := _ID.match(rest):
        ids.append(match.group(1).upper())
        rest = rest[match.end():]
    return ids, _SEPARATOR.sub("", rest, count=1).strip()


def read_ignores(project: Project) -> tuple[dict[str, list[Ignore]], dict[str, list[str]], list[Notice]]:
    """Ignores of every scanned `.tf` file, with the file lines (for 'directly above')."""
    root = Path(project.root)
    by_path: dict[str, list[Ignore]] = {}
    lines: dict[str, list[str]] = {}
    notices: list[Notice] = []
    for rel in project.files:
        if not rel.endswith(_HCL_SUFFIXES):
            continue
        try:
            text, _ = decode_text((root / rel).read_bytes(), rel)  # as the loader read it
        except OSError:
            continue  # the loader has reported it already
        if text is None:
            continue
        found, bad = parse_ignores(rel, text)
        notices.extend(bad)
        if found:
            by_path[rel] = found
            lines[rel] = text.splitlines()
    return by_path, lines, notices


# --------------------------------------------------------------------------- applying


def apply_ignores(findings: Iterable[Finding], project: Project, *, warn_unused: bool = False) -> Outcome:
    """Drop findings silenced by an ignore with a reason; report reason-less (and, when asked,
    unused) ignores as warnings."""
    by_path, lines, notices = read_ignores(project)
    kept: list[Finding] = []
    silenced: list[Silenced] = []
    for finding in findings:
        matching = _matching(finding, by_path, lines)
        valid = [i for i in matching if i.has_reason]
        for ignore in valid:
            ignore.used = True
        if valid:
            silenced.append(Silenced(finding, "; ".join(dict.fromkeys(i.reason for i in valid))))
        else:
            kept.append(finding)
    for ignores in by_path.values():
        for ignore in ignores:
            if not ignore.has_reason:
                notices.append(Notice(path=ignore.path, line=ignore.line, message=(
                    f"`{ignore.text}` has no reason, so it suppresses nothing: "
                    f"say why after the rule id, e.g. `# sod-iac:ignore {ignore.patterns[0]} -- reason`")))
            elif warn_unused and not ignore.used:
                notices.append(Notice(path=ignore.path, line=ignore.line,
                                      message=f"`{ignore.text}` matched no finding"))
    notices.sort(key=lambda n: (n.path, n.line or 0, n.message))
    return Outcome(findings=kept, warnings=notices, silenced=silenced)


def _matching(finding: Finding, by_path: dict[str, list[Ignore]], lines: dict[str, list[str]]) -> list[Ignore]:
    """The ignores in (or directly above) the block the finding is shown at, or the anchor
    resource's own block when that is elsewhere (a resource of a called module is shown at the
    root's `module` block; an ignore written in the module still holds)."""
    spans = [finding.location, *(h.location for h in finding.evidence if h.address == finding.resource)]
    found: list[Ignore] = []
    for loc in dict.fromkeys(s for s in spans if s is not None and s.path in by_path):
        first = _comment_run_start(lines[loc.path], loc.start_line)
        found += [i for i in by_path[loc.path] if i not in found
                  and first <= i.line <= max(loc.end_line, loc.start_line) and i.covers(finding.rule_id)]
    return found


def _comment_run_start(lines: list[str], start_line: int) -> int:
    """The first line of the comment lines directly above `start_line` (no blank between)."""
    first = start_line
    while first - 2 >= 0 and _is_comment(lines[first - 2]):
        first -= 1
    return first


def _is_comment(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and (stripped.startswith(("#", "//", "/*", "*")) or stripped.endswith("*/"))


# --------------------------------------------------------------------------- baselines


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file."""


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """The fingerprints of `findings`, sorted, with rule and resource for a human reviewer;
    returns how many were written (one per fingerprint, so the user is told what was accepted).

    No dates, paths or lines: the file changes only when the findings do.
    """
    entries = sorted(
        ({"fingerprint": f.fingerprint, "rule_id": f.rule_id, "resource": f.resource}
         | ({"principal": f.principal} if f.principal else {}) for f in findings),
        key=lambda e: (e["rule_id"], e["resource"], e.get("principal", ""), e["fingerprint"]),
    )
    unique = list({e["fingerprint"]: e for e in entries}.values())
    document = {"version": BASELINE_VERSION, "tool": "sod-iac", "findings": unique}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(unique)


def read_baseline(path: Path) -> set[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a sod-iac baseline (invalid JSON: {exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a sod-iac baseline (expected an object with a 'findings' list)")
    if data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: baseline version {data.get('version')!r} is not supported "
                            f"(expected {BASELINE_VERSION})")
    prints = set()
    for entry in data["findings"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"{path}: every baseline entry needs a 'fingerprint' string")
        prints.add(entry["fingerprint"])
    return prints


def drop_known(findings: list[Finding], known: set[str]) -> tuple[list[Finding], int]:
    """Findings whose fingerprint is not in `known`, and how many were dropped."""
    kept = [f for f in findings if f.fingerprint not in known]
    return kept, len(findings) - len(kept)
