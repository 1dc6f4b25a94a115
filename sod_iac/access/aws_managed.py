"""Documents of AWS-managed IAM policies, offline.

Terraform attaches AWS-managed policies by ARN (`arn:aws:iam::aws:policy/ReadOnlyAccess`);
their documents live at AWS, not in the code. We ship the most commonly attached ones in
`data/aws_managed_policies.json` (source, snapshot commits and licence: `data/README.md`).
A policy that is not in the dataset gives None: the caller treats it as unknown access.

The file is read on first use and kept for the process; callers get a fresh copy of each
document, so they may change it.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from importlib import resources

_DATA_FILE = ("data", "aws_managed_policies.json")
# Any partition (aws, aws-cn, aws-us-gov, aws-iso...); account field "aws"; optional path.
_ARN = re.compile(r"^arn:[a-z0-9-]+:iam::aws:policy/(?P<path>(?:[^/]+/)*)(?P<name>[^/]+)$")

_lock = threading.Lock()
_cache: tuple[dict[str, dict], dict[str, str]] | None = None


def _load() -> tuple[dict[str, dict], dict[str, str]]:
    """({"path/Name": entry}, {"name" lowercased: "path/Name"})."""
    global _cache
    if _cache is None:
        with _lock:
            if _cache is None:
                raw = resources.files("sod_iac.access").joinpath(*_DATA_FILE).read_bytes()
                policies: dict[str, dict] = json.loads(raw)["policies"]
                by_name = {key.rsplit("/", 1)[-1].lower(): key for key in policies}
                _cache = (policies, by_name)
    return _cache


def managed_policy(arn: str) -> dict | None:
    """The policy document of an AWS-managed policy ARN, or None if it is not in the dataset.

    Any partition is accepted. IAM policy names are unique regardless of path and of case, so
    the name decides; a wrong path (`policy/AWSLambdaBasicExecutionRole` for
    `policy/service-role/AWSLambdaBasicExecutionRole`) still resolves, erring toward access.
    """
    if not isinstance(arn, str):
        return None
    match = _ARN.match(arn.strip())
    if not match:
        return None
    policies, by_name = _load()
    key = match["path"] + match["name"]
    entry = policies.get(key)
    if entry is None:
        found = by_name.get(match["name"].lower())
        entry = policies.get(found) if found else None
    return copy.deepcopy(entry["document"]) if entry else None


def managed_policy_names() -> list[str]:
    """The policies in the dataset, as written after `policy/` in their ARN
    ("ReadOnlyAccess", "job-function/ViewOnlyAccess", "service-role/..."), sorted."""
    return sorted(_load()[0], key=str.lower)


__all__ = ["managed_policy", "managed_policy_names"]
