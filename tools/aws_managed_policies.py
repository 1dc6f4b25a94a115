"""Rebuild `sod_iac/access/data/aws_managed_policies.json` from a snapshot of iam-dataset.

    python tools/aws_managed_policies.py --dataset /work/.mirror/iann0036+iam-dataset/repo [--commit REV]

Why the whole dataset: an AWS-managed policy missing from the bundle is unknown access, so every
role it is attached to becomes a *possible* reader/writer of everything (issue 16: the AFT backup
role, `service-role/AWSBackupServiceRolePolicyForBackup`, was a possible SSM reader). Public
Terraform attaches a long tail of service-role policies; a hand-picked list always lags it.

Source: iann0036/iam-dataset (MIT), `aws/managedpolicies/<Name>.json`, field `document` (the
default version, fetched from the IAM API by that project's job), every file at one commit.
Deprecated policies (no `arn` in the source: AWS no longer lets them be attached) are left out,
so they stay unknown. A file whose blob the snapshot lacks is taken from the newest commit
that has it, and its `source` says which. Output: one policy per line, sorted by key, so a
rebuild diffs line by line. Reads a bare git directory, never the network.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "sod_iac" / "access" / "data" / "aws_managed_policies.json"
FOLDER = "aws/managedpolicies/"
PREFIX = "arn:aws:iam::aws:policy/"


def _git(dataset: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(dataset), *args], check=True,
                          capture_output=True, text=True).stdout


def _blob(dataset: Path, rev: str, path: str) -> bytes | None:
    proc = subprocess.run(["git", "--git-dir", str(dataset), "cat-file", "blob", f"{rev}:{path}"],
                          capture_output=True)
    return proc.stdout if proc.returncode == 0 else None


def _newest_readable(dataset: Path, commit: str, path: str) -> tuple[str, bytes] | None:
    """The newest version of `path` at or before `commit` whose blob the snapshot holds."""
    for rev in _git(dataset, "log", "--format=%H", commit, "--", path).split():
        data = _blob(dataset, rev, path)
        if data is not None:
            return rev, data
    return None


def build(dataset: Path, commit: str) -> dict:
    commit = _git(dataset, "rev-parse", f"{commit}^{{commit}}").strip()
    paths = [line.split("\t", 1)[1] for line in _git(dataset, "ls-tree", commit, FOLDER).splitlines()]
    policies: dict[str, dict] = {}
    unreadable: list[str] = []
    for path in paths:
        rev, data = commit, _blob(dataset, commit, path)
        if data is None:
            found = _newest_readable(dataset, commit, path)
            if found is None:
                unreadable.append(path)
                continue
            rev, data = found
        item = json.loads(data)
        arn = item.get("arn")
        if not arn or item.get("deprecated") or not arn.startswith(PREFIX):
            continue
        entry = {"arn": arn}
        for field in ("version", "createdate", "updatedate"):
            if item.get(field):
                entry[field] = item[field]
        entry["source"] = f"iann0036/iam-dataset@{rev}:{path}"
        entry["document"] = item["document"]
        policies[arn[len(PREFIX):]] = entry
    if unreadable:
        raise SystemExit(f"no readable version in the snapshot: {', '.join(unreadable)}")
    meta = {
        "count": len(policies),
        "description": "Documents of every current AWS-managed IAM policy (default version at the "
                       "source commit), for offline analysis of policies attached by ARN.",
        "source": "https://github.com/iann0036/iam-dataset (aws/managedpolicies/<name>.json, field 'document')",
        "source_commit": commit,
        "source_license": "MIT (iam-dataset by Ian McKay); the policy documents themselves are published by AWS",
        "built_by": "tools/aws_managed_policies.py",
        "note": "Documents copied as the source stores them (keys sorted, Action lists arrays); deprecated "
                "policies left out. See README.md beside this file.",
    }
    return {"_meta": meta, "policies": dict(sorted(policies.items(), key=lambda kv: kv[0].lower()))}


def render(data: dict) -> str:
    """One policy per line: small diffs when a rebuild changes a few policies."""
    compact = {"separators": (",", ":"), "sort_keys": False, "ensure_ascii": False}
    lines = ["{", f' "_meta": {json.dumps(data["_meta"], **compact)},', ' "policies": {']
    items = list(data["policies"].items())
    for i, (key, entry) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"  {json.dumps(key)}: {json.dumps(entry, **compact)}{comma}")
    lines += [" }", "}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, required=True, help="bare git dir of iann0036/iam-dataset")
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build(args.dataset, args.commit)
    args.out.write_text(render(data), encoding="utf-8")
    print(f"{args.out}: {data['_meta']['count']} policies from iam-dataset@{data['_meta']['source_commit'][:12]}")


if __name__ == "__main__":
    main()
