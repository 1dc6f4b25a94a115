"""Filesystem path functions, as string operations only: the scan never reads the disk here."""

from __future__ import annotations

from typing import Any

from sod_iac.core.values import Template
from sod_iac.load.functions.arguments import _str
from sod_iac.load.functions.equality import _literal_prefix, _literal_suffix
from sod_iac.load.functions.registry import FunctionError, _CannotKnow, _register, _Unknowable


def _go_clean(path: str) -> str:
    """Go's path.Clean: drop `.` and empty segments, resolve `..` lexically."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments and segments[-1] != "..":
                segments.pop()
            elif not rooted:
                segments.append("..")
            continue
        segments.append(segment)
    cleaned = ("/" if rooted else "") + "/".join(segments)
    return cleaned or "."


@_register("basename")
def _basename(path: Any) -> Any:
    """Last path segment; a template whose known tail holds a `/` still has a known basename."""
    if isinstance(path, Template):
        tail = _literal_suffix(path)
        if "/" in tail.rstrip("/") and not tail.endswith("/"):
            return tail.rsplit("/", 1)[1]
        raise _Unknowable(path)
    path = _str(path)
    if path == "":
        return "."
    stripped = path.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


@_register("dirname")
def _dirname(path: Any) -> str:
    path = _str(path)
    return _go_clean(path[:path.rfind("/") + 1])


@_register("abspath")
def _abspath(path: Any) -> str:
    path = _str(path)
    if not path.startswith("/"):
        raise _CannotKnow("a relative path depends on the working directory")
    return _go_clean(path)


@_register("pathexpand")
def _pathexpand(path: Any) -> Any:
    if isinstance(path, Template):
        lead = _literal_prefix(path)
        if lead and not lead.startswith("~"):
            return path
        raise _Unknowable(path)
    path = _str(path)
    if path == "~" or path.startswith("~/"):
        raise _CannotKnow("the home directory is not known statically")
    if path.startswith("~"):
        raise FunctionError("cannot expand user-specific home dir")
    return path
