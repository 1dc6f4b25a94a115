"""The signing key of sod-iac's caches, HMAC-SHA256 signatures made with it, and the atomic
write of an entry.

A cache folder can be planted (a pull request may contain one), so every cache entry is
signed and an entry whose signature does not verify is foreign: it is ignored and rebuilt.
The key never lives in a cache folder: it is the environment variable SOD_IAC_CACHE_KEY
(hashed), else a random key created once in the user cache directory
($XDG_CACHE_HOME/sod-iac/cache.key or ~/.cache/sod-iac/cache.key, mode 0600). If that file
cannot be kept, the key is for this process only, and entries then live for one run.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Iterable
from typing import Any

from sod_iac.cache.location import default_dir

KEY_ENV = "SOD_IAC_CACHE_KEY"
KEY_FILE = "cache.key"

_KEYS: dict[tuple[str, str], bytes] = {}
"""Keys already read or made, by their source (the environment value, the key file): a
change of SOD_IAC_CACHE_KEY or of the user cache directory gives that source's key."""


def secret_key() -> bytes:
    """The signing key: SOD_IAC_CACHE_KEY, else the per-user random key (see the module)."""
    env = os.environ.get(KEY_ENV) or ""
    file = "" if env else os.fspath(default_dir() / KEY_FILE)
    key = _KEYS.get((env, file))
    if key is None:
        key = _KEYS[(env, file)] = hashlib.sha256(env.encode()).digest() if env else _key_file(file)
    return key


def _key_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        if len(data) >= 32:
            return data[:64]
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
    except FileExistsError:  # another process made it first: use theirs
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            key = data[:64] if len(data) >= 32 else key
        except OSError:
            pass
    except OSError:
        pass
    return key


def sign(name: str, payload: bytes | Iterable[bytes], key: bytes | None = None) -> str:
    """The hex HMAC-SHA256 of an entry: its `name` (the cache key it is stored under, so an
    entry copied to another name does not verify) and its `payload` (bytes, or the pieces
    that joined make it: a payload may be hundreds of MB). `key`: secret_key()."""
    mac = signer(name, key)
    for piece in (payload,) if isinstance(payload, (bytes, bytearray, memoryview)) else payload:
        mac.update(piece)
    return mac.hexdigest()


def signer(name: str, key: bytes | None = None) -> Any:
    """An HMAC object for `sign(name, ...)` to be fed piece by piece (`update`, `hexdigest`)."""
    return hmac.new(secret_key() if key is None else key, name.encode() + b"\n", hashlib.sha256)


def verify(name: str, payload: bytes, mac: object, key: bytes | None = None) -> bool:
    """True when `mac` is the signature `sign(name, payload, key)`, compared in constant time."""
    if not isinstance(mac, str):
        return False
    expected = sign(name, payload, key).encode()
    return hmac.compare_digest(mac.encode("utf-8", "replace"), expected)


def verify_digest(mac: Any, expected: object) -> bool:
    """True when `expected` (bytes or text) is the hex digest of the fed `signer` object,
    compared in constant time."""
    if isinstance(expected, str):
        expected = expected.encode("utf-8", "replace")
    if not isinstance(expected, (bytes, bytearray)):
        return False
    return hmac.compare_digest(bytes(expected), mac.hexdigest().encode())


def write_atomic(file: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> None:
    """Write `file` (making its folder) through a temporary file beside it and os.replace: a
    reader sees the old entry or the new one, never a part. `data`: bytes, or pieces written
    one after the other as they come (a large entry need not be held whole). OSError if it
    cannot be written, and then no temporary file is left."""
    folder = os.path.dirname(os.fspath(file)) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data:
                handle.write(piece)
        os.replace(tmp, file)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def discard(file: str | os.PathLike[str]) -> None:
    """Delete a cache entry that is not to be trusted (or pruned); gone already is fine."""
    try:
        os.unlink(file)
    except OSError:
        pass


__all__ = ["KEY_ENV", "discard", "secret_key", "sign", "signer", "verify", "verify_digest", "write_atomic"]
