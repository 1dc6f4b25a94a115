"""Terraform's pure built-in functions, over statically evaluated values.

The evaluator calls `call_function(name, args)` (or `FUNCTIONS[name](*args)`) with arguments it
has already evaluated: str, int, float, bool, None, list, dict, and possibly `Unknown`, `Ref` or
`Template` anywhere inside. Semantics follow Terraform's documentation and the cty/Terraform
implementations behind it. Functions that need the evaluator (can, try, file, templatefile) are
not here.

Unknown handling ("unknown means possible", DESIGN.md): a call whose result depends on an unknown
argument returns an `Unknown`, never a guess and never an empty string. The exception is a partial
answer that is exact whatever the unknown turns out to be: `format("arn:aws:s3:::%s/*", ref)` is a
`Template` holding the Ref, `concat` keeps unknown items, `length` of a list with unknown items is
known, `contains` is true once a known item matches, `jsonencode` keeps Refs as Template parts.

Failures never raise. A call that Terraform itself would reject (wrong arity, wrong type, a missing
key) returns a `CallError`, an Unknown subclass, so consumers that only ask "known or not" treat it
as possible while the evaluator's try()/can() can tell a failure from an unknown. A CallError
argument anywhere in a call is passed through unchanged: the whole expression fails in Terraform.
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import inspect
import io
import ipaddress
import json
import math
import re
import unicodedata
import urllib.parse
import uuid as _uuid
import warnings
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, NoReturn

from sod_iac.values import Ref, Template, Unknown, decode_json, encode_json, is_known, make_template

__all__ = ["FUNCTIONS", "CallError", "call_function"]


# --------------------------------------------------------------------------------------------
# Errors and dispatch
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallError(Unknown):
    """A call Terraform would reject. Still an Unknown, so a failed call reads as "possible"."""


class FunctionError(Exception):
    """Raised inside an implementation when Terraform would fail the call."""


class _CannotKnow(Exception):
    """Valid Terraform whose result we cannot compute statically (home dir, \\p{Greek}, ...)."""


class _Unknowable(Exception):
    """An unknown argument (or part of one) decides the result; `value` names it in the reason."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


FUNCTIONS: dict[str, Callable[..., Any]] = {}
_MISSING: Any = object()  # default for optional parameters, distinct from null


def call_function(name: str, args: list) -> Any:
    """Call Terraform function `name`; an unmodelled function gives Unknown(f"{name}()")."""
    function = FUNCTIONS.get(name)
    if function is None:
        return Unknown(f"{name}()")
    return function(*args)


def _register(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an implementation under Terraform names, wrapped so that it never raises."""

    def decorate(impl: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(impl)
        for name in names:
            FUNCTIONS[name] = functools.partial(_invoke, name, impl, signature)
        return impl

    return decorate


def _invoke(name: str, impl: Callable[..., Any], signature: inspect.Signature, *args: Any) -> Any:
    failed = _find_call_error(args)
    if failed is not None:
        return failed
    try:
        signature.bind(*args)
    except TypeError:
        return CallError(f"{name}(): {_arity_text(signature, len(args))}")
    try:
        return impl(*args)
    except _Unknowable as exc:
        return Unknown(f"{name}({_describe(exc.value)})")
    except FunctionError as exc:
        return CallError(f"{name}(): {exc}")
    except _CannotKnow as exc:
        return Unknown(f"{name}(): {exc}")
    except RecursionError:
        return Unknown(f"{name}(): value nested too deeply")
    except Exception as exc:  # noqa: BLE001 - a bug here must not stop a scan; degrade to possible
        return Unknown(f"{name}(): internal error ({type(exc).__name__}: {exc})")


def _arity_text(signature: inspect.Signature, given: int) -> str:
    params = list(signature.parameters.values())
    variadic = any(p.kind is p.VAR_POSITIONAL for p in params)
    positional = [p for p in params if p.kind is not p.VAR_POSITIONAL]
    required = sum(1 for p in positional if p.default is p.empty)
    if variadic:
        expected = f"at least {required}"
    elif required == len(positional):
        expected = str(required)
    else:
        expected = f"{required} to {len(positional)}"
    noun = "argument" if expected == "1" else "arguments"
    return f"expected {expected} {noun}, got {given}"


def _find_call_error(value: Any) -> CallError | None:
    if isinstance(value, CallError):
        return value
    if isinstance(value, Template):
        return _find_call_error(value.parts)
    if isinstance(value, dict):
        return _find_call_error(list(value.keys())) or _find_call_error(list(value.values()))
    if isinstance(value, (list, tuple)):
        for item in value:
            found = _find_call_error(item)
            if found is not None:
                return found
    return None


def _describe(value: Any) -> str:
    """How an unknown argument reads inside the result's reason, e.g. `upper(var.name)`."""
    if isinstance(value, Ref):
        return value.address + ("." + value.attribute if value.attribute else "")
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, Template):
        return str(value)
    return "unknown value"


# --------------------------------------------------------------------------------------------
# Value helpers: unknowns, type conversions, numbers, equality
# --------------------------------------------------------------------------------------------


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _first_unknown(value: Any) -> Any:
    """The first Unknown/Template inside `value` (keys included), or None."""
    if isinstance(value, (Unknown, Template)):
        return value
    if isinstance(value, dict):
        for key, item in value.items():
            found = _first_unknown(key) or _first_unknown(item)
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for item in value:
            found = _first_unknown(item)
            if found is not None:
                return found
    return None


def _known(value: Any) -> Any:
    """Require a wholly known value; otherwise the call's result is unknown."""
    unknown = _first_unknown(value)
    if unknown is not None:
        raise _Unknowable(unknown)
    return value


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if _is_num(value):
        return "number"
    if isinstance(value, (str, Template)):
        return "string"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "map"
    return type(value).__name__


def _num_out(value: int | float) -> int | float:
    """Terraform has one number type: whole numbers come out as int (1.0 -> 1)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _decimal(value: int | float) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _from_decimal(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _num_str(value: int | float) -> str:
    """Number to string the way Terraform converts it: no exponent, no trailing `.0`."""
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text else text


_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _parse_number(text: str) -> int | float | None:
    if not _NUMBER_RE.fullmatch(text):
        return None
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    return _num_out(float(text))


def _str(value: Any, what: str = "argument") -> str:
    """A known string; numbers and bools convert as Terraform converts them."""
    if isinstance(value, (Unknown, Template)):
        raise _Unknowable(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_num(value):
        return _num_str(value)
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a string, not {_type_name(value)}")


def _str_part(value: Any, what: str = "argument") -> Any:
    """A string, or an unknown kept as a part for make_template."""
    if isinstance(value, (Unknown, Template)):
        return value
    return _str(value, what)


def _num(value: Any, what: str = "argument") -> int | float:
    if isinstance(value, (Unknown, Template)):
        raise _Unknowable(value)
    if isinstance(value, bool):
        raise FunctionError(f"{what} must be a number, not bool")
    if _is_num(value):
        return value
    if isinstance(value, str):
        number = _parse_number(value)
        if number is None:
            raise FunctionError(f'cannot convert "{value}" to number: string must be a '
                                'decimal representation of a number')
        return number
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a number, not {_type_name(value)}")


def _int(value: Any, what: str = "argument") -> int:
    number = _num(value, what)
    if isinstance(number, float):
        if not number.is_integer():
            raise FunctionError(f"{what} must be a whole number")
        number = int(number)
    return number


def _bool(value: Any, what: str = "argument") -> bool:
    if isinstance(value, (Unknown, Template)):
        raise _Unknowable(value)
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, str):
        raise FunctionError(f'cannot convert "{value}" to bool: '
                            'only the strings "true" or "false" are allowed')
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"cannot convert {_type_name(value)} to bool")


def _seq(value: Any, what: str = "argument") -> list:
    """A list (or tuple/set) argument; an Unknown one makes the result unknown."""
    if isinstance(value, Unknown):
        raise _Unknowable(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a list, not {_type_name(value)}")


def _mapping(value: Any, what: str = "argument") -> dict:
    if isinstance(value, Unknown):
        raise _Unknowable(value)
    if isinstance(value, dict):
        return value
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a map or object, not {_type_name(value)}")


def _str_keys(mapping: dict) -> list[str]:
    """Keys of a map; an unknown key (from a `for` over unknowns) leaves the keys unknown."""
    for key in mapping:
        if not isinstance(key, str):
            raise _Unknowable(key)
    return sorted(mapping)


def _unify(items: list) -> list:
    """Collections hold one element type: mixed primitives become strings (["a", 3] -> "3")."""
    kinds = set()
    for item in items:
        if isinstance(item, (str, Template)):
            kinds.add("string")
        elif isinstance(item, bool):
            kinds.add("bool")
        elif _is_num(item):
            kinds.add("number")
        elif isinstance(item, (list, tuple, dict)):
            kinds.add("collection")
    if len(kinds) <= 1:
        return list(items)
    if "collection" in kinds:
        raise FunctionError("all elements must have the same type")
    return [_str(item) if isinstance(item, bool) or _is_num(item) else item for item in items]


def _literal_prefix(template: Template) -> str:
    return template.parts[0] if isinstance(template.parts[0], str) else ""


def _literal_suffix(template: Template) -> str:
    return template.parts[-1] if isinstance(template.parts[-1], str) else ""


def _template_may_be(template: Template, text: str) -> bool:
    """Could the template's unknown parts be filled so that it reads exactly `text`?"""
    pattern = "".join(re.escape(p) if isinstance(p, str) else ".*" for p in template.parts)
    return re.fullmatch(pattern, text, re.DOTALL) is not None


def _same(a: Any, b: Any) -> bool | None:
    """Three-valued equality: True, False, or None when unknown parts decide it."""
    if isinstance(a, Template) and a == b and all(isinstance(p, (str, Ref)) for p in a.parts):
        return True
    if isinstance(a, Ref) and a == b:
        return True  # the same attribute has one value
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return None
    if isinstance(a, Template) or isinstance(b, Template):
        template, other = (a, b) if isinstance(a, Template) else (b, a)
        if isinstance(other, str):
            return None if _template_may_be(template, other) else False
        if isinstance(other, Template):
            p1, p2 = _literal_prefix(template), _literal_prefix(other)
            s1, s2 = _literal_suffix(template), _literal_suffix(other)
            prefixes_fit = p1.startswith(p2) or p2.startswith(p1)
            suffixes_fit = s1.endswith(s2) or s2.endswith(s1)
            return None if prefixes_fit and suffixes_fit else False
        return False  # a string never equals a number, bool, null or collection
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_num(a) and _is_num(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return False
        return _all_same(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        if not all(isinstance(k, str) for k in (*a, *b)):
            return None
        if set(a) != set(b):
            return False
        return _all_same(_same(a[k], b[k]) for k in a)
    return False


def _all_same(verdicts: Any) -> bool | None:
    result: bool | None = True
    for verdict in verdicts:
        if verdict is False:
            return False
        if verdict is None:
            result = None
    return result


def _member(item: Any, items: list) -> bool | None:
    """Three-valued `item in items`."""
    result: bool | None = False
    for other in items:
        verdict = _same(item, other)
        if verdict is True:
            return True
        if verdict is None:
            result = None
    return result


# Characters Go's unicode.IsSpace accepts (strings.TrimSpace), not Python's wider set.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _graphemes(text: str) -> list[str]:
    """Split into user-perceived characters, as Terraform counts them (UAX #29, approximated).

    Combining marks, variation selectors, emoji modifiers and ZWJ sequences join the previous
    character; CR LF is one character; regional indicators pair up into flags.
    """
    clusters: list[str] = []
    after_zwj = False
    for char in text:
        code = ord(char)
        joins = (
            unicodedata.category(char) in ("Mn", "Me", "Mc")
            or 0xFE00 <= code <= 0xFE0F
            or 0xE0100 <= code <= 0xE01EF
            or 0x1F3FB <= code <= 0x1F3FF
            or 0xE0020 <= code <= 0xE007F
            or code == 0x200D
        )
        regional = 0x1F1E6 <= code <= 0x1F1FF
        if clusters and (
            joins
            or after_zwj
            or (char == "\n" and clusters[-1] == "\r")
            or (regional and len(clusters[-1]) == 1 and 0x1F1E6 <= ord(clusters[-1]) <= 0x1F1FF)
        ):
            clusters[-1] += char
        else:
            clusters.append(char)
        after_zwj = code == 0x200D
    return clusters


# --------------------------------------------------------------------------------------------
# RE2 patterns (regex, regexall, replace with /pattern/)
# --------------------------------------------------------------------------------------------

# RE2's character classes are ASCII-only; Python's are Unicode, so they are spelled out.
_ASCII_CLASSES = {"d": "0-9", "s": "\\t\\n\\f\\r ", "w": "0-9A-Za-z_"}
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_WORD = "[0-9A-Za-z_]"
_WORD_BOUNDARY = f"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_NOT_WORD_BOUNDARY = f"(?:(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD}))"


@functools.lru_cache(maxsize=256)
def _compile_re2(pattern: str) -> re.Pattern[str]:
    """Compile an RE2 pattern with Python's `re`, translating where the two differ."""
    translated = _translate_re2(pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(translated)
    except re.error as exc:
        raise FunctionError(f"invalid regexp pattern: {exc}") from None


def _translate_re2(pattern: str) -> str:
    out: list[str] = []
    # Per open group, the flags of `(?i)`-style groups opened inside it. RE2 applies those to
    # the rest of the group, across `|`; Python needs them scoped: `(?i:...)|(?i:...)`.
    scopes: list[list[str]] = [[]]
    multiline = re.search(r"\(\?[a-zA-Z-]*m", pattern) is not None
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            text, i = _translate_escape(pattern, i, in_class=False)
            out.append(text)
        elif char == "[":
            text, i = _translate_class(pattern, i)
            out.append(text)
        elif char == "(":
            text, i, flags = _translate_group_open(pattern, i)
            out.append(text)
            if flags is None:
                scopes.append([])
            else:
                scopes[-1].append(flags)
        elif char == ")":
            if len(scopes) == 1:
                raise FunctionError("invalid regexp pattern: unexpected )")
            out.append(")" * len(scopes.pop()) + ")")
            i += 1
        elif char == "|":
            flags = scopes[-1]
            out.append(")" * len(flags) + "|" + "".join(f"(?{f}:" for f in flags))
            i += 1
        elif char == "$" and not multiline:
            out.append(r"\Z")  # RE2 `$` is end of text; Python's also matches before a final \n
            i += 1
        else:
            out.append(char)
            i += 1
    if len(scopes) != 1:
        raise FunctionError("invalid regexp pattern: missing )")
    out.append(")" * len(scopes[0]))
    return "".join(out)


def _translate_group_open(pattern: str, i: int) -> tuple[str, int, str | None]:
    """Translate a group opening; returns (text, next index, flags of a `(?flags)` group)."""
    if not pattern.startswith("(?", i):
        return "(", i + 1, None
    if pattern.startswith("(?P<", i):
        return "(?P<", i + 4, None
    if pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
        return "(?P<", i + 3, None
    match = re.compile(r"\(\?([a-zA-Z]*(?:-[a-zA-Z]*)?)([:)])").match(pattern, i)
    if match is None:
        raise FunctionError(f"invalid regexp pattern: unsupported group syntax at offset {i}")
    flags = match.group(1)
    if "U" in flags:
        raise _CannotKnow("the ungreedy regexp flag (?U) is not supported")
    if set(flags) - set("ims-") or flags in ("", "-") and match.group(2) == ")":
        raise FunctionError(f"invalid regexp pattern: bad flags group {match.group(0)!r}")
    if match.group(2) == ":":
        return match.group(0), match.end(), None
    return f"(?{flags}:", match.end(), flags


def _translate_escape(pattern: str, i: int, *, in_class: bool) -> tuple[str, int]:
    if i + 1 >= len(pattern):
        raise FunctionError("invalid regexp pattern: trailing backslash")
    char = pattern[i + 1]
    if char in _ASCII_CLASSES:
        body = _ASCII_CLASSES[char]
        return (body if in_class else f"[{body}]"), i + 2
    if char in "DSW":
        if in_class:
            raise _CannotKnow(f"negated class \\{char} inside [...] is not supported")
        return f"[^{_ASCII_CLASSES[char.lower()]}]", i + 2
    if char in "pP":
        raise _CannotKnow("Unicode classes (\\p) in regexps are not supported")
    if char == "Q":
        end = pattern.find("\\E", i + 2)
        literal = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
        escaped = "".join("\\" + c if not c.isalnum() else c for c in literal)
        return escaped, len(pattern) if end < 0 else end + 2
    if char == "x" and pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 3)
        if end < 0:
            raise FunctionError("invalid regexp pattern: bad \\x{...} escape")
        return re.escape(chr(int(pattern[i + 3:end], 16))), end + 1
    if not in_class:
        if char == "b":
            return _WORD_BOUNDARY, i + 2
        if char == "B":
            return _NOT_WORD_BOUNDARY, i + 2
        if char == "A":
            return r"\A", i + 2
        if char == "z":
            return r"\Z", i + 2
    if char in "aftnrvx":
        return "\\" + char, i + 2
    if char.isdigit():
        raise _CannotKnow("octal escapes in regexps are not supported")
    if char.isalnum() or char == "_":
        raise FunctionError(f"invalid regexp pattern: invalid escape \\{char}")
    return "\\" + char, i + 2


def _translate_class(pattern: str, i: int) -> tuple[str, int]:
    out = ["["]
    i += 1
    if pattern.startswith("^", i):
        out.append("^")
        i += 1
    first = True
    while True:
        if i >= len(pattern):
            raise FunctionError("invalid regexp pattern: missing ]")
        char = pattern[i]
        if char == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        if char == "[" and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2:end] if end > 0 else ""
            if name.startswith("^"):
                raise _CannotKnow("negated POSIX classes are not supported")
            if name not in _POSIX_CLASSES:
                raise FunctionError(f"invalid regexp pattern: unknown character class [:{name}:]")
            out.append(_POSIX_CLASSES[name])
            i = end + 2
        elif char == "\\":
            text, i = _translate_escape(pattern, i, in_class=True)
            out.append(text)
        elif char in "[]&~|":
            out.append("\\" + char)
            i += 1
        else:
            out.append(char)
            i += 1
        first = False


def _go_matches(regex: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """All matches as Go's FindAll reports them: an empty match right after a match is dropped."""
    found: list[re.Match[str]] = []
    pos, previous_end = 0, -1
    while pos <= len(text):
        match = regex.search(text, pos)
        if match is None:
            break
        accept = True
        if match.end() == pos:  # empty match at pos
            if match.start() == previous_end:
                accept = False
            pos += 1
        else:
            pos = match.end()
        previous_end = match.end()
        if accept:
            found.append(match)
    return found


def _go_replace_all(regex: re.Pattern[str], text: str, replacement: str) -> str:
    """Go's Regexp.ReplaceAllString, including its rule for empty matches."""
    out: list[str] = []
    last_end, search = 0, 0
    while search <= len(text):
        match = regex.search(text, search)
        if match is None:
            break
        out.append(text[last_end:match.start()])
        if match.end() > last_end or match.start() == 0:
            out.append(_go_expand(replacement, match))
        last_end = match.end()
        search = search + 1 if search + 1 > match.end() else match.end()
    out.append(text[last_end:])
    return "".join(out)


def _go_expand(template: str, match: re.Match[str]) -> str:
    """Expand `$1`, `${1}`, `$name`, `${name}` and `$$` the way Go's Regexp.Expand does."""
    out: list[str] = []
    i = 0
    while i < len(template):
        char = template[i]
        if char != "$":
            out.append(char)
            i += 1
            continue
        if template.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        if template.startswith("${", i):
            end = template.find("}", i + 2)
            name = template[i + 2:end] if end >= 0 else ""
            after = end + 1
        else:
            word = re.match(r"[A-Za-z0-9_]*", template[i + 1:])
            name = word.group(0) if word else ""
            after = i + 1 + len(name)
        if not name or not re.fullmatch(r"[A-Za-z0-9_]+", name):
            out.append("$")
            i += 1
            continue
        group: str | None = None
        if name.isdigit():
            if int(name) <= (match.re.groups or 0):
                group = match.group(int(name))
        elif name in match.re.groupindex:
            group = match.group(name)
        out.append(group or "")
        i = after
    return "".join(out)


def _regex_result(regex: re.Pattern[str], match: re.Match[str]) -> Any:
    """Whole match (no groups), list of groups (unnamed) or map (named), as Terraform shapes it."""
    names = regex.groupindex
    if regex.groups == 0:
        return match.group(0)
    if names and len(names) != regex.groups:
        raise FunctionError("invalid regexp pattern: "
                            "cannot mix both named and unnamed capture groups")
    if names:
        return {name: match.group(name) for name in sorted(names)}
    return list(match.groups())


# --------------------------------------------------------------------------------------------
# format / formatlist
# --------------------------------------------------------------------------------------------

_VERB_RE = re.compile(
    r"%(?P<flags>[-+# 0]*)(?:\[(?P<index>[1-9][0-9]*)\])?(?P<width>[1-9][0-9]*)?"
    r"(?:\.(?P<precision>[0-9]*))?(?P<verb>[A-Za-z])"
)


def _format(spec: str, args: list) -> Any:
    """Terraform's format(); a str, or a Template when unknown arguments become parts."""
    parts: list[Any] = []
    next_arg, highest, i = 1, 0, 0
    while i < len(spec):
        if spec[i] != "%":
            end = spec.find("%", i)
            end = len(spec) if end < 0 else end
            parts.append(spec[i:end])
            i = end
            continue
        if spec.startswith("%%", i):
            parts.append("%")
            i += 2
            continue
        match = _VERB_RE.match(spec, i)
        if match is None:
            raise FunctionError(f"invalid format string starting at offset {i}")
        number = int(match["index"]) if match["index"] else next_arg
        if number > len(args):
            raise FunctionError(f"not enough arguments for {match.group(0)!r} at {i}: "
                                f"need index {number} but have {len(args)} total")
        parts.append(_format_verb(match, args[number - 1]))
        next_arg, highest, i = number + 1, max(highest, number), match.end()
    if highest < len(args):
        if highest == 0:
            raise FunctionError("too many arguments; no verbs in format string")
        raise FunctionError(f"too many arguments; only {highest} used by format string")
    return make_template(parts)


def _format_verb(match: re.Match[str], arg: Any) -> Any:
    raw, verb, flags = match.group(0), match["verb"], match["flags"]
    width = int(match["width"]) if match["width"] else None
    precision = None if match["precision"] is None else int(match["precision"] or 0)
    if verb not in "vtbdoxXeEfgGsq":
        raise FunctionError(f"unsupported format verb {verb!r} in {raw!r}")
    if arg is None and verb != "v":
        raise FunctionError(f"unsupported value for {raw!r}: null value cannot be formatted")
    unknown = _first_unknown(arg)
    if unknown is not None:
        return _format_unknown(raw, verb, flags, width, precision, arg, unknown)
    if verb == "v":
        if "#" in flags or not (isinstance(arg, str) or _is_num(arg)):
            return _pad(_jsonencode(arg), flags, width)
        return _pad(arg if isinstance(arg, str) else _go_g_shortest(arg), flags, width)
    if verb == "t":
        return "true" if _bool(arg) else "false"
    if verb in "bdoxX":
        number = _num(arg)
        if isinstance(number, float) and not number.is_integer():
            raise FunctionError(f"unsupported value for {raw!r}: an integer is required")
        return _go_int(int(number), verb, flags, width, precision)
    if verb in "eEfgG":
        return _go_float(_num(arg), verb, flags, width, precision)
    text = _str(arg)
    if precision:
        text = "".join(_graphemes(text)[:precision])
    return _pad(_jsonencode(text) if verb == "q" else text, flags, width)


def _format_unknown(raw: str, verb: str, flags: str, width: int | None, precision: int | None,
                    arg: Any, unknown: Any) -> Any:
    """An unknown argument becomes a part of the result where that is exact."""
    plain = width is None and precision is None
    if plain and verb in "sv" and "#" not in flags and isinstance(arg, (Unknown, Template)):
        return arg
    structured = isinstance(arg, (list, tuple, dict))
    as_json = verb == "q" or (verb == "v" and ("#" in flags or structured))
    if plain and as_json:
        if verb == "q" and not isinstance(arg, (Unknown, Template)):
            raise _Unknowable(unknown)
        return _jsonencode(arg)
    return Unknown(f"{_describe(unknown)} formatted with {raw}")


def _pad(text: str, flags: str, width: int | None) -> str:
    """Pad to `width` characters (grapheme clusters), as cty's formatPadWidth does."""
    if width is None:
        return text
    missing = width - len(_graphemes(text))
    if missing <= 0:
        return text
    pad = ("0" if "0" in flags else " ") * missing
    return text + pad if "-" in flags else pad + text


def _go_g_shortest(value: int | float, upper: bool = False) -> str:
    """Go's %g with the shortest exact digits (big.Float.Text('g', -1)): 1.5, 1.234567e+06."""
    if value == 0:
        return "0"
    if isinstance(value, float) and math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign, digits, exponent = _decimal(value).normalize().as_tuple()
    mantissa = "".join(str(d) for d in digits)
    exp10 = len(mantissa) + int(exponent) - 1
    prefix = "-" if sign else ""
    if exp10 < -4 or exp10 >= 6:
        head = mantissa[0] + ("." + mantissa[1:] if len(mantissa) > 1 else "")
        mark = "E" if upper else "e"
        return f"{prefix}{head}{mark}{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    return prefix + format(abs(_decimal(value)), "f")


def _go_int(number: int, verb: str, flags: str, width: int | None, precision: int | None) -> str:
    body = format(abs(number), {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}[verb])
    if precision is not None:
        body = body.zfill(precision)
    prefix = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(verb, "") if "#" in flags else ""
    sign = "-" if number < 0 else ("+" if "+" in flags else (" " if " " in flags else ""))
    text = sign + prefix + body
    if width is None or len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    if "0" in flags and precision is None:
        return sign + prefix + body.zfill(width - len(sign) - len(prefix))
    return text.rjust(width)


def _go_float(number: int | float, verb: str, flags: str, width: int | None,
              precision: int | None) -> str:
    if verb in "gG" and precision is None:
        text = _go_g_shortest(number, upper=verb == "G")
        if number >= 0 and ("+" in flags or " " in flags):
            text = ("+" if "+" in flags else " ") + text
        return _pad(text, flags.replace("0", "") if "-" in flags else flags, width)
    spec = "<" if "-" in flags else ""
    spec += "+" if "+" in flags else (" " if " " in flags else "")
    spec += "0" if "0" in flags and "-" not in flags else ""
    spec += str(width) if width else ""
    spec += f".{precision}" if precision is not None else ""
    return format(float(number), spec + verb)


# --------------------------------------------------------------------------------------------
# Encoding helpers
# --------------------------------------------------------------------------------------------


def _json_prepare(value: Any) -> Any:
    """Shape a value as Terraform's jsonencode sees it: sorted keys, whole numbers as ints."""
    if isinstance(value, (Unknown, Template, str)) or value is None or isinstance(value, bool):
        return value
    if _is_num(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise FunctionError("cannot encode an infinite number as JSON")
        return _num_out(value)
    if isinstance(value, (list, tuple)):
        return [_json_prepare(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_prepare(value[key]) for key in _str_keys(value)}
    raise FunctionError(f"cannot encode a {_type_name(value)} as JSON")


_HTML_ESCAPES = {
    "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029",
}
_HTML_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def _html_escape(text: str) -> str:
    """Go's encoder escapes these inside JSON strings; they cannot occur elsewhere in JSON."""
    return _HTML_ESCAPE_RE.sub(lambda m: _HTML_ESCAPES[m.group(0)], text)


def _jsonencode(value: Any) -> Any:
    encoded = encode_json(_json_prepare(value))
    if isinstance(encoded, Template):
        return make_template([_html_escape(p) if isinstance(p, str) else p for p in encoded.parts])
    return _html_escape(encoded)


def _normalize_numbers(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FunctionError("JSON numbers must be finite")
        return _num_out(value)
    if isinstance(value, list):
        return [_normalize_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalize_numbers(item) for key, item in value.items()}
    return value


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"invalid JSON value {name}")


@functools.lru_cache(maxsize=1)
def _yaml_loader() -> type:
    """A PyYAML loader resolving scalars as go-cty-yaml does (YAML 1.1 bools, no octal/hex)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    resolvers = yaml.SafeLoader.yaml_implicit_resolvers
    Loader.yaml_implicit_resolvers = {key: list(value) for key, value in resolvers.items()}
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
        list("-+0123456789"))

    def construct_bool(loader: Any, node: Any) -> bool:
        return loader.construct_scalar(node).lower() in ("y", "yes", "true", "on")

    def construct_int(loader: Any, node: Any) -> Any:
        text = loader.construct_scalar(node).replace("_", "")
        if re.fullmatch(r"[-+]?[0-9]+", text):
            return int(text, 10)
        if re.fullmatch(r"-?0b[01]+", text):
            return int(text.replace("0b", ""), 2)
        return loader.construct_scalar(node)  # 0x1F, 0o17, 1:20 stay strings in Terraform

    def construct_float(loader: Any, node: Any) -> Any:
        value = yaml.SafeLoader.construct_yaml_float(loader, node)
        if value != value:
            raise ValueError("floating point NaN is not supported")
        return _num_out(value)

    def construct_timestamp(loader: Any, node: Any) -> str:
        value = yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        if not hasattr(value, "hour"):
            return value.strftime("%Y-%m-%dT00:00:00Z")
        if value.tzinfo is None or value.utcoffset().total_seconds() == 0:
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.replace(microsecond=0).isoformat()

    def construct_binary(loader: Any, node: Any) -> str:
        text = loader.construct_scalar(node)
        base64.b64decode("".join(text.split()), validate=True)  # must be valid, stays text
        return text

    Loader.add_constructor("tag:yaml.org,2002:binary", construct_binary)
    Loader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    Loader.add_constructor("tag:yaml.org,2002:float", construct_float)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    return Loader


def _yaml_plain(value: Any, inside: tuple[int, ...] = ()) -> Any:
    """String keys (`1: a` has key "1"); an anchor used inside itself is an error, as in TF."""
    if isinstance(value, (dict, list)):
        if id(value) in inside:
            raise FunctionError("cannot refer to an anchor from inside its own definition")
        inside = (*inside, id(value))
    if isinstance(value, dict):
        return {("null" if key is None else _str(key, "key")): _yaml_plain(item, inside)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_yaml_plain(item, inside) for item in value]
    return value


# --------------------------------------------------------------------------------------------
# Paths and networks
# --------------------------------------------------------------------------------------------


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


def _parse_cidr(prefix: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    address, slash, length = prefix.partition("/")
    if not slash:
        raise FunctionError(f'invalid CIDR expression: "{prefix}"')
    if ":" not in address:
        octets = address.split(".")
        if len(octets) == 4 and all(o.isdigit() for o in octets):
            address = ".".join(str(int(o)) for o in octets)  # Terraform reads 010 as decimal 10
    try:
        return ipaddress.ip_network(f"{address}/{length}", strict=False)
    except ValueError:
        raise FunctionError(f'invalid CIDR expression: "{prefix}"') from None


# --------------------------------------------------------------------------------------------
# String functions
# --------------------------------------------------------------------------------------------


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


@_register("indent")
def _indent(spaces: Any, text: Any) -> str:
    return _str(text).replace("\n", "\n" + " " * _int(spaces, "spaces"))


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


@_register("regex")
def _regex(pattern: Any, text: Any) -> Any:
    regex = _compile_re2(_str(pattern))
    match = regex.search(_str(text))
    if match is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _regex_result(regex, match)


@_register("regexall")
def _regexall(pattern: Any, text: Any) -> list:
    regex = _compile_re2(_str(pattern))
    return [_regex_result(regex, match) for match in _go_matches(regex, _str(text))]


@_register("format")
def _format_function(spec: Any, *args: Any) -> Any:
    return _format(_str(spec, "format"), list(args))


@_register("formatlist")
def _formatlist(spec: Any, *args: Any) -> list:
    """format() once per element of the list arguments; other arguments repeat."""
    spec = _str(spec, "format")
    length: int | None = None
    for number, arg in enumerate(args, start=1):
        if isinstance(arg, Unknown):
            raise _Unknowable(arg)  # may be a list of unknown length
        if isinstance(arg, (list, tuple)):
            if length is None:
                length = len(arg)
            elif len(arg) != length:
                raise FunctionError(f"argument {number} has length {len(arg)}, which is "
                                    f"inconsistent with other list arguments of length {length}")
    results = []
    for index in range(1 if length is None else length):
        row = [arg[index] if isinstance(arg, (list, tuple)) else arg for arg in args]
        try:
            results.append(_format(spec, row))
        except FunctionError as exc:
            raise FunctionError(f"error on format iteration {index}: {exc}") from None
    return results


# --------------------------------------------------------------------------------------------
# Collection functions
# --------------------------------------------------------------------------------------------


@_register("length")
def _length(value: Any) -> int:
    """Items of a list or map (known even when items are unknown), or characters of a string."""
    if isinstance(value, (Unknown, Template)):
        raise _Unknowable(value)
    if isinstance(value, str):
        return len(_graphemes(value))
    if isinstance(value, (list, tuple, dict)):
        return len(value)
    if value is None:
        raise FunctionError("argument must not be null")
    raise FunctionError(f"argument must be a string, list or map, not {_type_name(value)}")


@_register("concat")
def _concat(*lists: Any) -> list:
    """Known lists keep their items (unknown ones too); an unknown list makes all unknown."""
    if not lists:
        raise FunctionError("at least one argument is required")
    result: list = []
    for number, items in enumerate(lists, start=1):
        result.extend(_seq(items, f"argument {number}"))
    return result


@_register("merge")
def _merge(*maps: Any) -> dict:
    """Shallow merge, later maps win; null arguments are skipped, unknown ones make all unknown."""
    result: dict = {}
    for number, mapping in enumerate(maps, start=1):
        if mapping is None:
            continue
        result.update(_mapping(mapping, f"argument {number}"))
    return result


@_register("lookup")
def _lookup(mapping: Any, key: Any, default: Any = _MISSING) -> Any:
    mapping = _mapping(mapping, "map")
    key = _str(key, "key")
    if key in mapping:
        return mapping[key]
    for other in mapping:
        if not isinstance(other, str):
            raise _Unknowable(other)  # an unknown key might be this one
    if default is _MISSING:
        raise FunctionError(f'the given object has no attribute "{key}"')
    return default


@_register("keys")
def _keys(mapping: Any) -> list[str]:
    return _str_keys(_mapping(mapping, "map"))


@_register("values")
def _values(mapping: Any) -> list:
    mapping = _mapping(mapping, "map")
    return [mapping[key] for key in _str_keys(mapping)]


@_register("element")
def _element(items: Any, index: Any) -> Any:
    """Item at `index`, wrapping around past the end."""
    items = _seq(items, "list")
    index = _int(index, "index")
    if index < 0:
        raise FunctionError("cannot use element function with a negative index")
    if not items:
        raise FunctionError("cannot use element function with an empty list")
    return items[index % len(items)]


@_register("index")
def _index(items: Any, value: Any) -> int:
    """Position of the first equal item; unknown items before it leave the position unknown."""
    for position, item in enumerate(_seq(items, "list")):
        verdict = _same(item, value)
        if verdict is True:
            return position
        if verdict is None:
            raise _Unknowable(_first_unknown(item) or _first_unknown(value))
    raise FunctionError("item not found")


@_register("contains")
def _contains(items: Any, value: Any) -> bool:
    items = _seq(items, "list")
    verdict = _member(value, items)
    if verdict is None:
        raise _Unknowable(_first_unknown(value) or _first_unknown(items))
    return verdict


@_register("coalesce")
def _coalesce(*values: Any) -> Any:
    """First argument that is neither null nor an empty string."""
    if not values:
        raise FunctionError("at least one argument is required")
    as_strings = any(isinstance(v, (str, Template)) for v in values)
    for value in values:
        if value is None or value == "":
            continue
        if isinstance(value, Unknown):
            raise _Unknowable(value)  # it might be null or ""
        if isinstance(value, Template):
            if any(isinstance(p, str) and p for p in value.parts):
                return value  # has literal text, so it is not empty
            raise _Unknowable(value)
        return _str(value) if as_strings and not isinstance(value, str) else value
    raise FunctionError("no non-null, non-empty-string arguments")


@_register("coalescelist")
def _coalescelist(*lists: Any) -> list:
    if not lists:
        raise FunctionError("at least one argument is required")
    for number, items in enumerate(lists, start=1):
        if items is None:
            continue
        items = _seq(items, f"argument {number}")
        if items:
            return items
    raise FunctionError("no non-null arguments")


@_register("compact")
def _compact(items: Any) -> list:
    """Drop null and empty-string items; an item that might be empty makes the result unknown."""
    result = []
    for item in _seq(items, "list"):
        if item is None or item == "":
            continue
        if isinstance(item, Unknown):
            raise _Unknowable(item)
        if isinstance(item, Template):
            if not any(isinstance(p, str) and p for p in item.parts):
                raise _Unknowable(item)
            result.append(item)
            continue
        result.append(_str(item, "element"))
    return result


@_register("distinct")
def _distinct(items: Any) -> list:
    """First occurrence of each value; exact only when no unknown item could equal another."""
    kept: list = []
    for item in _unify(_seq(items, "list")):
        verdict = _member(item, kept)
        if verdict is True:
            continue
        if verdict is None:
            raise _Unknowable(_first_unknown(item) or _first_unknown(kept))
        kept.append(item)
    return kept


@_register("flatten")
def _flatten(items: Any) -> list:
    """Nested lists become one list; an unknown item might be a list, so it makes all unknown."""
    result: list = []

    def walk(sequence: list) -> None:
        for item in sequence:
            if isinstance(item, Unknown):
                raise _Unknowable(item)
            if isinstance(item, (list, tuple)):
                walk(list(item))
            else:
                result.append(item)

    walk(_seq(items, "list"))
    return result


@_register("zipmap")
def _zipmap(keys: Any, values: Any) -> dict:
    keys, values = _seq(keys, "keys"), _seq(values, "values")
    if len(keys) != len(values):
        raise FunctionError(f"number of keys ({len(keys)}) does not match "
                            f"number of values ({len(values)})")
    result: dict = {}
    for index, (key, value) in enumerate(zip(keys, values)):
        if key is None:
            raise FunctionError(f"keys list has null value at index {index}")
        result[_str(key, "key")] = value
    return result


@_register("reverse")
def _reverse(items: Any) -> list:
    return list(reversed(_seq(items, "list")))


@_register("sort")
def _sort(items: Any) -> list[str]:
    """Lexicographic by Unicode code point; numbers sort as their strings."""
    strings = []
    for item in _known(_seq(items, "list")):
        if item is None:
            raise FunctionError("a null string cannot be sorted")
        strings.append(_str(item, "element"))
    return sorted(strings)


@_register("slice")
def _slice(items: Any, start: Any, end: Any) -> list:
    items = _seq(items, "list")
    start, end = _int(start, "start index"), _int(end, "end index")
    if start < 0:
        raise FunctionError("the start index must not be less than zero")
    if end > len(items):
        raise FunctionError("the end index must not be greater than the length of the list")
    if start > end:
        raise FunctionError("the start index must not be greater than the end index")
    return items[start:end]


@_register("one")
def _one(items: Any) -> Any:
    items = _seq(items, "list")
    if len(items) > 1:
        raise FunctionError("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


@_register("chunklist")
def _chunklist(items: Any, size: Any) -> list:
    items, size = _seq(items, "list"), _int(size, "size")
    if size < 0:
        raise FunctionError("the size argument must be positive")
    if size == 0:
        return [items]
    return [items[i:i + size] for i in range(0, len(items), size)]


@_register("matchkeys")
def _matchkeys(values: Any, keys: Any, searchset: Any) -> list:
    values, keys = _seq(values, "values"), _seq(keys, "keys")
    searchset = _seq(searchset, "searchset")
    if len(values) != len(keys):
        raise FunctionError("length of keys and values should be equal")
    result = []
    for value, key in zip(values, keys):
        verdict = _member(key, searchset)
        if verdict is None:
            raise _Unknowable(_first_unknown(key) or _first_unknown(searchset))
        if verdict:
            result.append(value)
    return result


@_register("transpose")
def _transpose(mapping: Any) -> dict:
    mapping = _mapping(mapping, "map")
    result: dict[str, list[str]] = {}
    for key in _str_keys(mapping):
        for item in _seq(mapping[key], f'element "{key}"'):
            result.setdefault(_str(item, "element"), []).append(key)
    return {key: result[key] for key in sorted(result)}


@_register("alltrue")
def _alltrue(items: Any) -> bool:
    unknown = None
    for item in _seq(items, "list"):
        if isinstance(item, (Unknown, Template)):
            unknown = unknown or item
        elif item is None or not _bool(item):
            return False
    if unknown is not None:
        raise _Unknowable(unknown)
    return True


@_register("anytrue")
def _anytrue(items: Any) -> bool:
    unknown = None
    for item in _seq(items, "list"):
        if isinstance(item, (Unknown, Template)):
            unknown = unknown or item
        elif item is not None and _bool(item):
            return True
    if unknown is not None:
        raise _Unknowable(unknown)
    return False


@_register("range")
def _range(*args: Any) -> list:
    """range(limit), range(start, limit) or range(start, limit, step); at most 1024 numbers."""
    numbers = [_decimal(_num(a)) for a in args]
    if len(numbers) == 1:
        start, limit, step = Decimal(0), numbers[0], Decimal(-1 if numbers[0] < 0 else 1)
    elif len(numbers) == 2:
        start, limit = numbers
        step = Decimal(-1 if limit < start else 1)
    elif len(numbers) == 3:
        start, limit, step = numbers
    else:
        raise FunctionError("must have one, two, or three arguments")
    if step == 0:
        raise FunctionError("step must not be zero")
    if step < 0 and limit > start:
        raise FunctionError("end must be less than start when step is negative")
    if step > 0 and limit < start:
        raise FunctionError("end must be greater than start when step is positive")
    result = []
    current = start
    while (current < limit) if step > 0 else (current > limit):
        if len(result) >= 1024:
            raise FunctionError("more than 1024 values were generated")
        result.append(_from_decimal(current))
        current += step
    return result


# --------------------------------------------------------------------------------------------
# Sets (sorted lists of unique elements)
# --------------------------------------------------------------------------------------------


def _as_set(items: list) -> list:
    """Unique elements, known ones sorted; unknown members are kept after them.

    As in Terraform, an unknown member stays a member even if it may later turn out equal to
    another one: every listed member is possible, only the count may shrink.
    """
    kept: list = []
    for item in _unify(items):
        if item is None:
            raise FunctionError("sets must not contain null values")
        if _member(item, kept) is not True:
            kept.append(item)
    known = [item for item in kept if is_known(item)]
    unknown = [item for item in kept if not is_known(item)]
    if all(isinstance(item, (str, int, float)) for item in known):
        known.sort(key=lambda item: (isinstance(item, str), item))
    return known + unknown


def _set_arg(value: Any, what: str) -> list:
    if isinstance(value, dict):
        raise FunctionError(f"{what} must be a set or list, not map")
    return _seq(value, what)


@_register("toset")
def _toset(value: Any) -> Any:
    if isinstance(value, Unknown) or value is None:
        return value
    return _as_set(_set_arg(value, "argument"))


@_register("setunion")
def _setunion(first: Any, *others: Any) -> list:
    items = _set_arg(first, "argument 1")
    for number, other in enumerate(others, start=2):
        items += _set_arg(other, f"argument {number}")
    return _as_set(items)


def _set_filter(first: list, others: list[list], keep_when: bool) -> list:
    """Members of `first` whose membership in every other set is `keep_when`, exactly."""
    result = []
    for item in _as_set(first):
        verdicts = [_member(item, other) for other in others]
        if any(v is (not keep_when) for v in verdicts):
            continue
        if any(v is None for v in verdicts):
            raise _Unknowable(_first_unknown(item) or _first_unknown(others))
        result.append(item)
    return result


@_register("setintersection")
def _setintersection(first: Any, *others: Any) -> list:
    sets = _unify_sets([first, *others])
    return _set_filter(sets[0], sets[1:], keep_when=True)


@_register("setsubtract")
def _setsubtract(a: Any, b: Any) -> list:
    sets = _unify_sets([a, b])
    return _set_filter(sets[0], sets[1:], keep_when=False)


def _unify_sets(values: list) -> list[list]:
    """Convert all sets to one element type (["a", 3] and [3] both hold strings)."""
    sets = [_set_arg(value, f"argument {n}") for n, value in enumerate(values, start=1)]
    flat = _unify([item for items in sets for item in items])
    out, start = [], 0
    for items in sets:
        out.append(flat[start:start + len(items)])
        start += len(items)
    return out


@_register("setproduct")
def _setproduct(*sets: Any) -> list:
    if len(sets) < 2:
        raise FunctionError("at least two arguments are required")
    product: list[list] = [[]]
    for number, items in enumerate(sets, start=1):
        elements = _unify(_set_arg(items, f"argument {number}"))
        product = [row + [item] for row in product for item in elements]
    return product


# --------------------------------------------------------------------------------------------
# Type conversions (an unknown converts to itself: its value is as unknown as before)
# --------------------------------------------------------------------------------------------


@_register("tostring")
def _tostring(value: Any) -> Any:
    if value is None or isinstance(value, (Unknown, Template)):
        return value
    if isinstance(value, (list, tuple, dict)):
        raise FunctionError(f"cannot convert {_type_name(value)} to string")
    return _str(value)


@_register("tonumber")
def _tonumber(value: Any) -> Any:
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        raise FunctionError("cannot convert bool to number")
    return _num_out(_num(value))


@_register("tobool")
def _tobool(value: Any) -> Any:
    if value is None or isinstance(value, Unknown):
        return value
    return _bool(value)


@_register("tolist")
def _tolist(value: Any) -> Any:
    if value is None or isinstance(value, Unknown):
        return value
    return _unify(_set_arg(value, "argument"))


@_register("tomap")
def _tomap(value: Any) -> Any:
    if value is None or isinstance(value, Unknown):
        return value
    mapping = _mapping(value)
    keys = list(mapping)
    return dict(zip(keys, _unify([mapping[key] for key in keys])))


# Values are never sensitive or ephemeral here, so these are identities.
@_register("sensitive", "nonsensitive", "ephemeralasnull")
def _identity(value: Any) -> Any:
    return value


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


@_register("abs")
def _abs(number: Any) -> int | float:
    return _num_out(abs(_num(number)))


@_register("ceil")
def _ceil(number: Any) -> int | float:
    value = _num(number)
    return value if isinstance(value, float) and math.isinf(value) else math.ceil(value)


@_register("floor")
def _floor(number: Any) -> int | float:
    value = _num(number)
    return value if isinstance(value, float) and math.isinf(value) else math.floor(value)


@_register("signum")
def _signum(number: Any) -> int:
    value = _num(number)
    return (value > 0) - (value < 0)


@_register("min")
def _min(*numbers: Any) -> int | float:
    if not numbers:
        raise FunctionError("must pass at least one number")
    return _num_out(min(_num(n) for n in numbers))


@_register("max")
def _max(*numbers: Any) -> int | float:
    if not numbers:
        raise FunctionError("must pass at least one number")
    return _num_out(max(_num(n) for n in numbers))


@_register("sum")
def _sum(items: Any) -> int | float:
    items = _seq(items, "list")
    if not items:
        raise FunctionError("cannot sum an empty list")
    return _from_decimal(sum((_decimal(_num(item, "element")) for item in items), Decimal(0)))


@_register("pow")
def _pow(number: Any, power: Any) -> int | float:
    try:
        return _num_out(math.pow(_num(number), _num(power)))
    except (OverflowError, ValueError) as exc:
        raise FunctionError(str(exc)) from None


@_register("log")
def _log(number: Any, base: Any) -> int | float:
    try:
        return _num_out(math.log(_num(number), _num(base)))
    except (ValueError, ZeroDivisionError) as exc:
        raise FunctionError(str(exc)) from None


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@_register("parseint")
def _parseint(number: Any, base: Any) -> int:
    """Digits in base 2 to 62 (letters are case-insensitive up to base 36, as in Go)."""
    text, base = _str(number), _int(base, "base")
    if not 2 <= base <= 62:
        raise FunctionError("base must be a whole number between 2 and 62 inclusive")
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.removeprefix("+"))
    value = 0
    for char in digits:
        digit = _DIGITS.find(char.lower() if base <= 36 else char)
        if digit < 0 or digit >= base:
            raise FunctionError(f"cannot parse {text!r} as a base {base} integer")
        value = value * base + digit
    if not digits:
        raise FunctionError(f"cannot parse {text!r} as a base {base} integer")
    return sign * value


# --------------------------------------------------------------------------------------------
# Encoding, hashing, ids and time
# --------------------------------------------------------------------------------------------


@_register("jsonencode")
def _jsonencode_function(value: Any) -> Any:
    """JSON text; unknown leaves stay unknown parts of a Template (Refs survive)."""
    return _jsonencode(value)


@_register("jsondecode")
def _jsondecode(text: Any) -> Any:
    if isinstance(text, Unknown):
        raise _Unknowable(text)
    if isinstance(text, Template):
        try:
            return _normalize_numbers(decode_json(text))
        except ValueError:
            raise _Unknowable(text) from None  # the unknown parts might complete the JSON
    try:
        return _normalize_numbers(json.loads(_str(text), parse_constant=_reject_constant))
    except ValueError as exc:
        raise FunctionError(f"invalid JSON: {exc}") from None


@_register("yamldecode")
def _yamldecode(text: Any) -> Any:
    import yaml

    try:
        documents = list(yaml.load_all(_str(text), Loader=_yaml_loader()))
    except (yaml.YAMLError, ValueError) as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FunctionError(f"invalid YAML: {problem}") from None
    if len(documents) > 1:
        raise FunctionError("unexpected extra content after value")
    return _yaml_plain(documents[0]) if documents else None


@_register("csvdecode")
def _csvdecode(text: Any) -> list[dict[str, str]]:
    rows = [row for row in csv.reader(io.StringIO(_str(text))) if row]
    if not rows:
        raise FunctionError("missing header line")
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise FunctionError(f"record on line {number}: wrong number of fields")
    return [dict(zip(header, row)) for row in rows[1:]]


@_register("base64encode")
def _base64encode(text: Any) -> str:
    return base64.b64encode(_str(text).encode()).decode("ascii")


@_register("base64decode")
def _base64decode(text: Any) -> str:
    try:
        raw = base64.b64decode(_str(text), validate=True)
    except ValueError:
        raise FunctionError("failed to decode base64 data") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError("the decoded bytes are not valid UTF-8") from None


@_register("urlencode")
def _urlencode(text: Any) -> str:
    return urllib.parse.quote_plus(_str(text), safe="")


def _hexdigest(algorithm: str) -> Callable[[Any], str]:
    def digest(text: Any) -> str:
        return hashlib.new(algorithm, _str(text).encode()).hexdigest()

    return digest


def _b64digest(algorithm: str) -> Callable[[Any], str]:
    def digest(text: Any) -> str:
        raw = hashlib.new(algorithm, _str(text).encode()).digest()
        return base64.b64encode(raw).decode("ascii")

    return digest


for _name in ("md5", "sha1", "sha256", "sha512"):
    _register(_name)(_hexdigest(_name))
for _name, _algorithm in (("base64sha256", "sha256"), ("base64sha512", "sha512")):
    _register(_name)(_b64digest(_algorithm))
del _name, _algorithm


_UUID_NAMESPACES = {"dns": _uuid.NAMESPACE_DNS, "url": _uuid.NAMESPACE_URL,
                    "oid": _uuid.NAMESPACE_OID, "x500": _uuid.NAMESPACE_X500}


@_register("uuidv5")
def _uuidv5(namespace: Any, name: Any) -> str:
    namespace = _str(namespace, "namespace")
    try:
        space = _UUID_NAMESPACES.get(namespace) or _uuid.UUID(namespace)
    except ValueError:
        raise FunctionError(f"uuidv5() doesn't support namespace {namespace}") from None
    return str(_uuid.uuid5(space, _str(name, "name")))


def _not_static(name: str) -> Callable[..., Any]:
    """Functions whose value only exists at plan/apply time (or per run)."""

    def impl(*args: Any) -> Unknown:
        return Unknown(f"{name}()")

    return impl


for _name in ("uuid", "timestamp", "plantimestamp", "bcrypt", "templatestring"):
    _register(_name)(_not_static(_name))
del _name


# --------------------------------------------------------------------------------------------
# Filesystem paths (string operations only) and networks
# --------------------------------------------------------------------------------------------


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


@_register("cidrsubnet")
def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    network = _parse_cidr(_str(prefix, "prefix"))
    newbits, netnum = _int(newbits, "newbits"), _int(netnum, "netnum")
    length = network.prefixlen + newbits
    if newbits < 0 or length > network.max_prefixlen:
        raise FunctionError(
            f"insufficient address space to extend prefix of {network.prefixlen} by {newbits}"
        )
    if netnum < 0 or netnum >= 1 << newbits:
        raise FunctionError(f"prefix extension of {newbits} does not accommodate "
                            f"a subnet numbered {netnum}")
    address = network.network_address + (netnum << (network.max_prefixlen - length))
    return f"{address}/{length}"


@_register("cidrhost")
def _cidrhost(prefix: Any, hostnum: Any) -> str:
    network = _parse_cidr(_str(prefix, "prefix"))
    hostnum = _int(hostnum, "hostnum")
    size = network.num_addresses
    if hostnum >= size or hostnum < -size:
        raise FunctionError(f"prefix of {network.prefixlen} does not accommodate "
                            f"a host numbered {hostnum}")
    return str(network.network_address + (hostnum if hostnum >= 0 else size + hostnum))


@_register("cidrnetmask")
def _cidrnetmask(prefix: Any) -> str:
    network = _parse_cidr(_str(prefix, "prefix"))
    if network.version != 4:
        raise FunctionError("only IPv4 networks are supported")
    return str(network.netmask)
