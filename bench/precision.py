"""Precision on real public Terraform: every finding judged by hand, every known miss checked.

    python -m bench.precision                      # every repository in the corpus, table on stdout
    python -m bench.precision --set holdout        # only the hold-out set (never tune on it)
    python -m bench.precision --repo cloudposse/terraform-aws-tfstate-backend
    python -m bench.precision --write bench/PRECISION_RESULTS.md --json results.json
    python -m bench.precision --stubs unjudged.yaml   # YAML stubs for findings nobody judged yet

Why it exists: synthetic scenarios show what the rules were written for; public repositories
show what they do to code nobody wrote for them. The corpus (`bench/precision_corpus.yaml`)
pins each repository at a commit and names the folders scanned; the snapshots are bare git
directories under /work/.mirror/OWNER+NAME (the `fetch` tool brings them; `--mirror` or
SOD_IAC_MIRROR points elsewhere). Nothing touches the network: a missing snapshot or commit is
reported as such ("run the fetch first") and the other repositories still run.

Each repository is extracted at its commit into a temporary folder (never into the project
tree) and scanned by the CLI in a separate process (`sod-iac scan --format json --no-cache`),
so a crash is recorded as an error of that repository, not of this script. Findings are matched
to `bench/precision_judgements.yaml` by repository + rule id + resource + principal + the anchor's
file (never by line, so the judgement survives edits that only move code). A finding without a
judgement is UNJUDGED; a judgement without a finding is GONE (a fixed false positive, or a lost
true one); a second finding with the same key in one scan is counted as redundant (a duplicate).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = HERE / "precision_corpus.yaml"
JUDGEMENTS = HERE / "precision_judgements.yaml"
DEFAULT_MIRROR = Path(os.environ.get("SOD_IAC_MIRROR", "/work/.mirror"))
VERDICTS = ("true", "false", "redundant")

Key = tuple[str, str, str, str, str]  # repo, rule_id, resource, principal ("" when set-valued), path


# --------------------------------------------------------------------------- inputs


@dataclass
class Entry:
    """One corpus repository: where its snapshot is, at which commit, what is scanned."""

    repo: str
    commit: str
    paths: list[str]
    set: str
    note: str = ""


def load_corpus(path: Path) -> list[Entry]:
    data = yaml.safe_load(path.read_text()) or {}
    entries = []
    for item in data.get("repositories", []):
        entries.append(Entry(repo=item["repo"], commit=item["commit"], paths=list(item.get("paths") or ["."]),
                             set=item.get("set", "tuning"), note=item.get("note", "")))
    bad = [e.repo for e in entries if e.set not in ("tuning", "holdout")]
    if bad:
        raise SystemExit(f"{path}: set must be tuning or holdout: {', '.join(bad)}")
    return entries


def anchor_path(finding: dict[str, Any]) -> str:
    """The file of the anchor resource's own block: the finding's `location` is the module call
    site in the scanned root for a resource of a called module (docs/REPORT.md), while its
    evidence keeps a hop at the resource's own block, which is what a judgement names."""
    for hop in finding.get("evidence") or ():
        if hop.get("address") == finding.get("resource") and hop.get("location"):
            return str(hop["location"].get("path") or "")
    return str((finding.get("location") or {}).get("path") or "")


def finding_key(repo: str, item: dict[str, Any]) -> Key:
    """The address alone is not unique in a repository: two example roots may both define
    `aws_iam_role.this`. The file of the anchor (never its line) tells them apart."""
    path = item.get("path") or anchor_path(item)
    return (repo, str(item["rule_id"]), str(item["resource"]), str(item.get("principal") or ""), str(path))


def load_judgements(path: Path) -> tuple[dict[Key, dict[str, Any]], list[dict[str, Any]]]:
    """The judged findings by key, and the misses. A repeated key or a bad verdict stops the run:
    a judgement file that disagrees with itself would make the table lie."""
    data = yaml.safe_load(path.read_text()) if path.exists() else None
    data = data or {}
    judged: dict[Key, dict[str, Any]] = {}
    problems = []
    for item in data.get("judgements", []) or []:
        key = finding_key(item["repo"], item)
        if item.get("verdict") not in VERDICTS:
            problems.append(f"{key}: verdict must be one of {VERDICTS}, not {item.get('verdict')!r}")
        if key in judged:
            problems.append(f"{key}: judged twice")
        judged[key] = item
    if problems:
        raise SystemExit(f"{path}:\n  " + "\n  ".join(problems))
    return judged, list(data.get("misses", []) or [])


# --------------------------------------------------------------------------- snapshots and scans


def git_dir(mirror: Path, repo: str) -> Path | None:
    """The snapshot's git directory (a bare `repo/` or a clone's `repo/.git`), or None."""
    base = mirror / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def extract(gdir: Path, commit: str, dest: Path) -> str | None:
    """The tree at `commit` written into `dest`; an error sentence instead when it cannot be."""
    has = subprocess.run(["git", "--git-dir", str(gdir), "cat-file", "-e", f"{commit}^{{commit}}"],
                         capture_output=True)
    if has.returncode != 0:
        return f"commit {commit} is not in the snapshot {gdir}: fetch a newer snapshot or re-pin the commit"
    archive = subprocess.Popen(["git", "--git-dir", str(gdir), "archive", "--format=tar", commit],
                               stdout=subprocess.PIPE)
    untar = subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, capture_output=True)
    if archive.stdout is not None:  # always, with stdout=PIPE
        archive.stdout.close()
    if archive.wait() != 0 or untar.returncode != 0:
        return f"could not extract {commit} from {gdir}: {untar.stderr.decode(errors='replace').strip()}"
    # The config search stops at a folder with `.git`: a .sod-iac.yaml above the temporary
    # folder (someone else's) must not change what is measured.
    (dest / ".git").mkdir(exist_ok=True)
    return None


@dataclass
class Scan:
    """What one repository's scan produced."""

    entry: Entry
    findings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: str = ""
    exit_code: int | None = None
    seconds: float = 0.0


def scan_repo(entry: Entry, mirror: Path, sod_iac: list[str]) -> Scan:
    result = Scan(entry)
    gdir = git_dir(mirror, entry.repo)
    if gdir is None:
        result.missing = (f"no snapshot of {entry.repo} under {mirror}: run the fetch first "
                          f"(fetch github:{entry.repo})")
        return result
    with tempfile.TemporaryDirectory(prefix="sod-precision-") as tmp:
        root = Path(tmp)
        problem = extract(gdir, entry.commit, root)
        if problem:
            result.missing = problem
            return result
        absent = [p for p in entry.paths if not (root / p).exists()]
        if absent:
            result.missing = f"not in {entry.repo}@{entry.commit[:12]}: {', '.join(absent)}"
            return result
        command = [*sod_iac, "scan", "--format", "json", "--no-cache", "--jobs", "1",
                   "--repo-root", ".", *entry.paths]
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=root, capture_output=True, text=True, errors="replace")
        result.seconds = time.perf_counter() - started
    result.exit_code = proc.returncode
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        result.errors.append(f"crash (exit {proc.returncode}, no JSON report): {tail}")
        return result
    result.findings = list(report.get("findings", []))
    for error in report.get("errors", []):
        line = f":{error['line']}" if error.get("line") else ""
        result.errors.append(f"{error.get('path', '?')}{line}: {error.get('message', '')}")
    if proc.returncode not in (0, 1, 2):
        result.errors.append(f"exit code {proc.returncode}: {proc.stderr.strip()[-300:]}")
    elif proc.returncode == 2 and not report.get("errors"):
        result.errors.append("exit code 2 without an error line")
    return result


# --------------------------------------------------------------------------- matching


@dataclass
class Row:
    repo: str
    set: str
    findings: int = 0
    counts: Counter = field(default_factory=Counter)  # true / false / redundant / unjudged
    errors: list[str] = field(default_factory=list)
    missing: str = ""
    seconds: float = 0.0
    duplicates: list[Key] = field(default_factory=list)


def match(scans: Iterable[Scan], judged: dict[Key, dict[str, Any]]) -> tuple[list[Row], list[dict], list[Key]]:
    """Per repository counts, the unjudged findings, and the judgements no finding matched."""
    rows, unjudged, seen = [], [], set()
    scanned = set()
    for scan in scans:
        row = Row(scan.entry.repo, scan.entry.set, errors=scan.errors, missing=scan.missing, seconds=scan.seconds)
        if not scan.missing and not any(e.startswith("crash") for e in scan.errors):
            scanned.add(scan.entry.repo)
        keys_here: set[Key] = set()
        for item in scan.findings:
            key = finding_key(scan.entry.repo, item)
            row.findings += 1
            if key in keys_here:
                row.counts["redundant"] += 1
                row.duplicates.append(key)
                continue
            keys_here.add(key)
            if key in judged:
                seen.add(key)
                row.counts[judged[key]["verdict"]] += 1
            else:
                row.counts["unjudged"] += 1
                unjudged.append({"repo": scan.entry.repo, **item})
        rows.append(row)
    gone = [k for k in judged if k[0] in scanned and k not in seen]
    return rows, unjudged, gone


def miss_found(miss: dict[str, Any], scans: dict[str, Scan]) -> bool | None:
    """Whether a known miss is now reported (rule id + resource, + principal when given)."""
    scan = scans.get(miss["repo"])
    if scan is None or scan.missing:
        return None
    for item in scan.findings:
        if item["rule_id"] != miss["rule_id"] or item["resource"] != miss["resource"]:
            continue
        if miss.get("principal") and (item.get("principal") or "") != miss["principal"]:
            continue
        return True
    return False


# --------------------------------------------------------------------------- report


def table(rows: list[Row]) -> list[str]:
    head = "| set | repository | findings | true | false | redundant | UNJUDGED | errors | s |"
    out = [head, "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    total: Counter = Counter()
    for row in sorted(rows, key=lambda r: (r.set != "tuning", r.repo)):
        if row.missing:
            out.append(f"| {row.set} | {row.repo} | MISSING: {row.missing} | | | | | | |")
            continue
        c = row.counts
        out.append(f"| {row.set} | {row.repo} | {row.findings} | {c['true']} | {c['false']} | {c['redundant']} "
                   f"| {c['unjudged']} | {len(row.errors)} | {row.seconds:.0f} |")
        total.update(c)
        total["findings"] += row.findings
        total["errors"] += len(row.errors)
    out.append(f"| | **total** | {total['findings']} | {total['true']} | {total['false']} | {total['redundant']} "
               f"| {total['unjudged']} | {total['errors']} | |")
    return out


def render(rows: list[Row], unjudged: list[dict], gone: list[Key], misses: list[dict],
           scans: dict[str, Scan], judged: dict[Key, dict[str, Any]], head: str) -> str:
    out = [f"# Precision run: sod-iac at {head}", "", *table(rows), ""]
    out.append("## Misses (known true problems not reported)")
    out.append("")
    found = 0
    for miss in misses:
        state = miss_found(miss, scans)
        found += state is True
        mark = {True: "FOUND", False: "missed", None: "not scanned"}[state]
        out.append(f"- {mark}: {miss['repo']} {miss['rule_id']} {miss['resource']}: {miss.get('what', '')}")
    out.append(f"\n{found} of {len(misses)} known misses are now found.\n")
    false = [(k, j) for k, j in judged.items() if j["verdict"] != "true" and k not in gone
             and any(k[0] == r.repo and not r.missing for r in rows)]
    if false:
        out.append("## False and redundant findings still reported")
        out.append("")
        out += [f"- {j['verdict']}: {k[0]} {k[1]} {k[2]} ({k[3] or '-'}): {j.get('class', '')}" for k, j in false]
        out.append("")
    if gone:
        out.append("## Judged findings no longer reported (GONE)")
        out.append("")
        out += [f"- was {judged[k]['verdict']}: {k[0]} {k[1]} {k[2]} ({k[3] or '-'})" for k in gone]
        out.append("")
    duplicates = [k for r in rows for k in r.duplicates]
    if duplicates:
        out.append("## Duplicate findings (same key twice in one scan, counted as redundant)")
        out.append("")
        out += [f"- {k[0]} {k[1]} {k[2]} ({k[4]})" for k in duplicates]
        out.append("")
    if unjudged:
        out.append("## UNJUDGED findings (judge them in bench/precision_judgements.yaml)")
        out.append("")
        out += [f"- {u['repo']} {u['rule_id']} {u['resource']} ({u.get('principal') or '-'}): {u.get('message', '')}"
                for u in unjudged]
        out.append("")
    errors = [(r.repo, e) for r in rows for e in r.errors]
    if errors:
        out.append("## Scan errors (each one is a defect to look at)")
        out.append("")
        out += [f"- {repo}: {e}" for repo, e in errors]
        out.append("")
    return "\n".join(out)


def stubs(unjudged: list[dict]) -> str:
    """Judgement stubs for new findings, with what a judge needs to open the code."""
    items = []
    for u in unjudged:
        loc = u.get("location") or {}
        items.append({"repo": u["repo"], "rule_id": u["rule_id"], "resource": u["resource"],
                      "principal": u.get("principal") or "", "path": anchor_path(u), "verdict": "TODO",
                      "reason": "", "message": u.get("message", ""), "line": loc.get("start_line")})
    return yaml.safe_dump({"judgements": items}, sort_keys=False, width=200)


def measured_code() -> str:
    """Which sod_iac was measured: the commit, and the tree id of sod_iac/ (equal tree ids mean
    equal code, whatever branch the commit is on), and whether the working tree differs."""
    import sod_iac  # the package `python -m sod_iac` runs in this interpreter

    root = Path(sod_iac.__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True).stdout.strip()

    head, tree = git("rev-parse", "HEAD"), git("rev-parse", "HEAD:sod_iac")
    if not head:
        return f"{root} (not a git checkout)"
    dirty = " + uncommitted changes" if git("status", "--porcelain", "--", "sod_iac") else ""
    return f"{head[:12]} (sod_iac/ tree {tree[:12]}{dirty})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.precision", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="where the snapshots are")
    parser.add_argument("--set", choices=("tuning", "holdout", "all"), default="all")
    parser.add_argument("--repo", action="append", default=[], help="only this repository (repeatable)")
    parser.add_argument("--write", type=Path, help="also write the report (markdown) here")
    parser.add_argument("--json", type=Path, help="write every finding and error as JSON here")
    parser.add_argument("--stubs", type=Path, help="write judgement stubs for UNJUDGED findings here")
    args = parser.parse_args(argv)

    entries = [e for e in load_corpus(args.corpus)
               if (args.set == "all" or e.set == args.set) and (not args.repo or e.repo in args.repo)]
    judged, misses = load_judgements(args.judgements)
    misses = [m for m in misses if any(m["repo"] == e.repo for e in entries)]
    sod_iac = [sys.executable, "-m", "sod_iac"]
    scans: dict[str, Scan] = {}
    for entry in entries:
        print(f"scanning {entry.repo} @ {entry.commit[:12]} ...", file=sys.stderr, flush=True)
        scans[entry.repo] = scan_repo(entry, args.mirror, sod_iac)
    rows, unjudged, gone = match(scans.values(), judged)
    text = render(rows, unjudged, gone, misses, scans, judged, measured_code())
    print(text)
    if args.write:
        args.write.write_text(text + "\n")
    if args.json:
        args.json.write_text(json.dumps({r: {"findings": s.findings, "errors": s.errors, "missing": s.missing,
                                             "exit_code": s.exit_code} for r, s in scans.items()}, indent=1))
    if args.stubs:
        args.stubs.write_text(stubs(unjudged))
    return 1 if any(r.missing for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
