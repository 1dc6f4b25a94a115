"""Every file-system read of the loaders, recorded, so that a warm scan can tell from the reads
alone whether the Project would come out the same (sod_iac.cache.inputs).

The loaders build the Project from their arguments and from what they read: directory
listings, file contents, whether a path is a folder. Each such read goes through a function
marked `@recorded` (tests/test_reads.py checks that no loader touches the file system
anywhere else). While `recording()` is on, every outermost call of one is written down as
its name, its arguments and a digest of its outcome (its value, or the exception it raised).
`replay` makes the same calls again: when every outcome has the same digest, the loaders, which
are deterministic in their inputs, would build the same Project, so its stored judgement
stands. One changed, added or removed file changes an outcome (a listing, a read) and the
scan loads again: a stale pass is never served.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel

F = TypeVar("F", bound=Callable[..., Any])
Read = tuple[str, list[Any], str]
"""(the recorded function's name, its arguments in JSON form, the digest of its outcome)."""

_CHUNK = 1 << 20
_FUNCTIONS: dict[str, Callable[..., Any]] = {}
_log: list[Read] | None = None
_depth = 0


def recorded(function: F) -> F:
    """Mark a function of the loaders that reads the file system. Its arguments must be
    str, int, bool, None, Path or lists of them (they are stored as JSON), and its outcome
    may depend only on them and on the file system (and on the working folder, which the
    warm key holds)."""
    name = f"{function.__module__}:{function.__qualname__}"
    _FUNCTIONS[name] = function

    @functools.wraps(function)
    def wrapper(*args: Any) -> Any:
        global _depth
        if _log is None or _depth:
            return function(*args)
        _depth += 1
        try:
            value = function(*args)
        except Exception as exc:
            _note(_log, name, args, _digest_raised, exc)
            raise
        finally:
            _depth -= 1
        _note(_log, name, args, digest, value)
        return value

    return cast(F, wrapper)


def _note(log: list[Read], name: str, args: tuple[Any, ...], digest_of: Callable[[Any], str], outcome: Any) -> None:
    """Write one read down; one that cannot be written down poisons the log (it never replays)."""
    try:
        log.append((name, _encode_args(args), digest_of(outcome)))
    except (TypeError, ValueError, RecursionError):
        log.append((UNREPLAYABLE, [], ""))


UNREPLAYABLE = "<a read that could not be recorded>"


@contextmanager
def recording() -> Iterator[list[Read]]:
    """Record the outermost recorded reads made inside the block, in order."""
    global _log
    outer, _log = _log, []
    try:
        yield _log
    finally:
        _log = outer


def replay(reads: list[Read]) -> bool:
    """Whether every read gives the same outcome again (the first difference stops it)."""
    for name, args, expected in reads:
        function = _function(name)
        if function is None:
            return False
        try:
            outcome = digest(function(*_decode_args(args)))
        except Exception as exc:
            outcome = _digest_raised(exc)
        if outcome != expected:
            return False
    return True


def _function(name: str) -> Callable[..., Any] | None:
    """A recorded function by name, importing its loader module on first use (a warm scan
    imports only the loaders that read)."""
    if name not in _FUNCTIONS:
        module = name.partition(":")[0]
        if not module.startswith("sod_iac.load."):
            return None
        try:
            importlib.import_module(module)
        except ImportError:
            return None
    return _FUNCTIONS.get(name)


def digest(value: Any) -> str:
    """A digest that differs whenever outcomes differ; sets and dict keys in sorted order, so
    that it does not depend on the hash seed of the process."""
    sha = hashlib.sha256()
    _feed(sha, value)
    return sha.hexdigest()


def _digest_raised(exc: BaseException) -> str:
    return "raised " + digest([type(exc).__qualname__, str(exc)])


def _feed(sha: Any, value: Any) -> None:
    if value is None or isinstance(value, (bool, int, float)):
        sha.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, str):
        sha.update(b"s%d:" % len(value))
        for start in range(0, len(value), _CHUNK):  # a plan's text may be hundreds of MB: no one copy
            sha.update(value[start:start + _CHUNK].encode("utf-8", "surrogatepass"))
    elif isinstance(value, Path):
        _feed(sha, ["Path", str(value)])
    elif isinstance(value, (list, tuple)):
        sha.update(b"l%d:" % len(value))
        for item in value:
            _feed(sha, item)
    elif isinstance(value, (set, frozenset)):
        _feed(sha, ["set", sorted(digest(item) for item in value)])
    elif isinstance(value, dict):
        _feed(sha, ["dict", sorted((digest(k), digest(v)) for k, v in value.items())])
    elif isinstance(value, BaseModel):
        _feed(sha, [type(value).__qualname__, *(getattr(value, name) for name in type(value).model_fields)])
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _feed(sha, [type(value).__qualname__, *(getattr(value, f.name) for f in dataclasses.fields(value))])
    else:
        raise TypeError(f"a recorded read returned a {type(value).__qualname__}, which has no digest")


def _encode_args(args: tuple[Any, ...]) -> list[Any]:
    return [_encode(a) for a in args]


def _encode(value: Any) -> Any:
    if isinstance(value, Path):
        return {"path": str(value)}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"a recorded read was called with a {type(value).__qualname__}")


def _decode_args(args: list[Any]) -> list[Any]:
    return [_decode(a) for a in args]


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return Path(value["path"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def names() -> set[str]:
    """The names of every recorded function (for tests)."""
    return set(_FUNCTIONS)
