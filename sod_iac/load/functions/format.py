"""format() and formatlist(): Go's fmt verbs as cty implements them."""

from __future__ import annotations

import math
import re
from typing import Any

from sod_iac.core.values import Template, Unknown, describe_unknown, make_template
from sod_iac.load.functions.arguments import _bool, _decimal, _first_unknown, _is_num, _num, _str
from sod_iac.load.functions.characters import _graphemes
from sod_iac.load.functions.encoding import _jsonencode
from sod_iac.load.functions.registry import FunctionError, _register, _Unknowable

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
    return Unknown(f"{describe_unknown(unknown)} formatted with {raw}")


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
