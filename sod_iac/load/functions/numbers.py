"""Number functions. Terraform has one number type: whole results come out as int."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from sod_iac.load.functions.arguments import (
    _decimal,
    _from_decimal,
    _int,
    _num,
    _num_out,
    _seq,
    _str,
)
from sod_iac.load.functions.registry import FunctionError, _register


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
