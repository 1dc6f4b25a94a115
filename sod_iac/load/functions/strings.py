"""String functions. A Template whose known text decides the answer keeps it exact."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from sod_iac.core.values import Template, make_template
from sod_iac.load.functions.arguments import _int, _seq, _str, _str_part
from sod_iac.load.functions.characters import _GO_SPACE, _graphemes
from sod_iac.load.functions.equality import _literal_prefix, _literal_suffix
from sod_iac.load.functions.regex import _compile_re2, _go_replace_all
from sod_iac.load.functions.registry import FunctionError, _CannotKnow, _register, _Unknowable


def _simple_case(text: str, convert: Callable[[str], str]) -> str:
    """Go maps case one character at a time (`ß` stays `ß`); Python may expand characters."""
    return "".join(c2 if len(c2 := convert(c)) == 1 else c for c in text)


@_register("upper")
def _upper(text: Any) -> str:
    return _simple_case(_str(text), str.upper)


@_register("lower")
def _lower(text: Any) -> str:
    return _simple_case(_str(text), str.lower)


def _go_title_separator(char: str) -> bool:
    if ord(char) <= 0x7F:
        return not (char.isalnum() or char == "_")
    if char.isalpha() or unicodedata.category(char) == "Nd":
        return False
    return char in _GO_SPACE


@_register("title")
def _title(text: Any) -> str:
    """Upper-case the first letter of each word, with Go's strings.Title idea of a word."""
    out: list[str] = []
    previous = " "
    for char in _str(text):
        if _go_title_separator(previous):
            titled = char.title()
            out.append(titled if len(titled) == 1 else char)
        else:
            out.append(char)
        previous = char
    return "".join(out)


@_register("trimspace")
def _trimspace(text: Any) -> str:
    return _str(text).strip(_GO_SPACE)


@_register("trim")
def _trim(text: Any, cutset: Any) -> str:
    return _str(text).strip(_str(cutset))


@_register("trimprefix")
def _trimprefix(text: Any, prefix: Any) -> Any:
    """A template whose known start decides the answer stays a template."""
    prefix = _str(prefix)
    if isinstance(text, Template):
        lead = _literal_prefix(text)
        if lead.startswith(prefix):
            return make_template([lead[len(prefix):], *text.parts[1:]])
        if not prefix.startswith(lead):
            return text
        raise _Unknowable(text)
    text = _str(text)
    return text[len(prefix):] if text.startswith(prefix) else text


@_register("trimsuffix")
def _trimsuffix(text: Any, suffix: Any) -> Any:
    suffix = _str(suffix)
    if isinstance(text, Template):
        tail = _literal_suffix(text)
        if tail.endswith(suffix):
            return make_template([*text.parts[:-1], tail[:len(tail) - len(suffix)]])
        if not suffix.endswith(tail):
            return text
        raise _Unknowable(text)
    text = _str(text)
    return text[:len(text) - len(suffix)] if suffix and text.endswith(suffix) else text


@_register("chomp")
def _chomp(text: Any) -> str:
    return _str(text).rstrip("\r\n")


@_register("startswith")
def _startswith(text: Any, prefix: Any) -> bool:
    prefix = _str(prefix)
    if isinstance(text, Template):
        lead = _literal_prefix(text)
        if lead.startswith(prefix):
            return True
        if not prefix.startswith(lead):
            return False
        raise _Unknowable(text)
    return _str(text).startswith(prefix)


@_register("endswith")
def _endswith(text: Any, suffix: Any) -> bool:
    suffix = _str(suffix)
    if isinstance(text, Template):
        tail = _literal_suffix(text)
        if tail.endswith(suffix):
            return True
        if not suffix.endswith(tail):
            return False
        raise _Unknowable(text)
    return _str(text).endswith(suffix)


@_register("strcontains")
def _strcontains(text: Any, substring: Any) -> bool:
    substring = _str(substring)
    if isinstance(text, Template):
        if any(isinstance(p, str) and substring in p for p in text.parts):
            return True
        raise _Unknowable(text)
    return substring in _str(text)


@_register("substr")
def _substr(text: Any, offset: Any, length: Any) -> str:
    """Characters (grapheme clusters) from `offset` (negative: from the end); length -1 = rest."""
    chars = _graphemes(_str(text))
    offset, length = _int(offset, "offset"), _int(length, "length")
    if offset < 0:
        offset = max(offset + len(chars), 0)
    if length == 0 or offset >= len(chars):
        return ""
    rest = chars[offset:]
    return "".join(rest if length < 0 else rest[:length])


@_register("strrev")
def _strrev(text: Any) -> str:
    return "".join(reversed(_graphemes(_str(text))))


MAX_INDENT = 1 << 20  # spaces: more would be a memory bomb, not a real configuration


@_register("indent")
def _indent(spaces: Any, text: Any) -> str:
    count = _int(spaces, "spaces")
    if count > MAX_INDENT:
        raise _CannotKnow(f"{count} spaces are too many to build")
    return _str(text).replace("\n", "\n" + " " * count)


@_register("join")
def _join(separator: Any, *lists: Any) -> Any:
    """Join list items; unknown items or separator become parts of a Template."""
    if not lists:
        raise FunctionError("at least one list is required")
    separator = _str_part(separator, "separator")
    parts: list[Any] = []
    for list_number, items in enumerate(lists, start=1):
        for index, item in enumerate(_seq(items)):
            if item is None:
                raise FunctionError(f"element {index} of list {list_number} is null; "
                                    "cannot concatenate null values")
            if parts:
                parts.append(separator)
            parts.append(_str_part(item, "element"))
    return make_template(parts)


@_register("split")
def _split(separator: Any, text: Any) -> list[str]:
    separator, text = _str(separator), _str(text)
    if separator == "":
        return list(text)  # Go splits after each character
    return text.split(separator)


@_register("replace")
def _replace(text: Any, substring: Any, replacement: Any) -> str:
    """Plain substring replacement; a substring in /slashes/ is an RE2 regular expression."""
    text, substring, replacement = _str(text), _str(substring), _str(replacement)
    if len(substring) > 1 and substring.startswith("/") and substring.endswith("/"):
        return _go_replace_all(_compile_re2(substring[1:-1]), text, replacement)
    return text.replace(substring, replacement)
