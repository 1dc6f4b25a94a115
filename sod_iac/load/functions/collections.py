"""Collection functions over lists and maps; unknown items stay where the answer allows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sod_iac.core.values import Template, Unknown
from sod_iac.load.functions.arguments import (
    _bool,
    _decimal,
    _first_unknown,
    _from_decimal,
    _int,
    _known,
    _mapping,
    _num,
    _seq,
    _str,
    _str_keys,
    _type_name,
    _unify,
)
from sod_iac.load.functions.characters import _graphemes
from sod_iac.load.functions.equality import _member, _same
from sod_iac.load.functions.registry import _MISSING, FunctionError, _register, _Unknowable


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
    result: list[Any] = []
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
    result: list[Any] = []
    current = start
    while (current < limit) if step > 0 else (current > limit):
        if len(result) >= 1024:
            raise FunctionError("more than 1024 values were generated")
        result.append(_from_decimal(current))
        current += step
    return result
