"""Documents of AWS-managed IAM policies, offline.

Terraform attaches AWS-managed policies by ARN (`arn:aws:iam::aws:policy/ReadOnlyAccess`);
their documents live at AWS, not in the code. We ship the most commonly attached ones in
`data/aws_managed_policies.json` (source, snapshot commits and licence: `data/README.md`).
A policy that is not in the dataset gives None: the caller treats it as unknown access.

The file holds every current AWS-managed policy (1,500+, 3.7 MB), one per line, and a scan
attaches a handful: it is read on first use and only the lines of the policies asked for are
parsed (parsing all of it costs more than many a whole scan). Callers get a fresh copy of each
document, so they may change it.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from importlib import resources

_DATA_FILE = ("data", "aws_managed_policies.json")
# Any partition (aws, aws-cn, aws-us-gov, aws-iso...); account field "aws"; optional path.
_ARN = re.compile(r"^arn:[a-z0-9-]+:iam::aws:policy/(?P<path>(?:[^/]+/)*)(?P<name>[^/]+)$")

_lock = threading.Lock()
_cache: tuple[dict[str, str], dict[str, str]] | None = None
_ENTRY = '  "'  # a policy line as tools/aws_managed_policies.py writes it: `  "path/Name": {...},`


def _load() -> tuple[dict[str, str], dict[str, str]]:
    """({"path/Name": the entry's JSON text}, {"name" lowercased: "path/Name"})."""
    global _cache
    if _cache is None:
        with _lock:
            if _cache is None:
                raw = resources.files("sod_iac.access").joinpath(*_DATA_FILE).read_text(encoding="utf-8")
                policies: dict[str, str] = {}
                for line in raw.splitlines():
                    if line.startswith(_ENTRY):
                        key, _, entry = line[len(_ENTRY):].partition('": ')
                        policies[key] = entry.rstrip(",")
                by_name = {key.rsplit("/", 1)[-1].lower(): key for key in policies}
                _cache = (policies, by_name)
    return _cache


@functools.cache
def _document(key: str) -> dict:
    return json.loads(_load()[0][key])["document"]


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
    if key not in policies:
        key = by_name.get(match["name"].lower())
    return copy.deepcopy(_document(key)) if key else None


def managed_policy_names() -> list[str]:
    """The policies in the dataset, as written after `policy/` in their ARN
    ("ReadOnlyAccess", "job-function/ViewOnlyAccess", "service-role/..."), sorted."""
    return sorted(_load()[0], key=str.lower)


__all__ = ["managed_policy", "managed_policy_names"]
