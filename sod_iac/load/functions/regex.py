"""RE2 patterns (regex, regexall, replace with /pattern/) run with Python's `re`.

Python's syntax and semantics differ from RE2's (ASCII classes, `$`, scoped flags, Go's rules
for empty matches), so patterns are translated and matches walked the way Go walks them.
"""

from __future__ import annotations

import functools
import re
import warnings
from typing import Any

from sod_iac.load.functions.arguments import _str
from sod_iac.load.functions.registry import FunctionError, _CannotKnow, _register

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
            scoped = scopes[-1]
            out.append(")" * len(scoped) + "|" + "".join(f"(?{f}:" for f in scoped))
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
