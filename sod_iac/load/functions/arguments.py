"""Arguments as Terraform converts them: strings, numbers, bools, lists and maps.

An unknown argument that decides the result raises `_Unknowable`; a value Terraform would
reject raises `FunctionError`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from sod_iac.core.values import Template, Unknown
from sod_iac.load.functions.registry import FunctionError, _CannotKnow, _Unknowable


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
    if not value.is_finite():
        return float(value)
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


def _utf8(value: Any, what: str = "argument") -> bytes:
    """A known string's UTF-8 bytes, for functions over bytes (hashes, base64, URLs). A lone
    surrogate (an HCL `\\ud800` escape) has no UTF-8 form; what Terraform makes of it is not
    known here, so the result is unknown rather than a guess."""
    text = _str(value, what)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise _CannotKnow(f"{what} is not valid Unicode (a lone surrogate)") from None


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
        if value != value:  # only an earlier failure (inf - inf) makes one: cty has no NaN
            raise FunctionError(f"{what} is not a number (NaN)")
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
