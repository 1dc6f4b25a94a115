"""Set functions. Sets are sorted lists of unique elements."""

from __future__ import annotations

from typing import Any

from sod_iac.core.values import Unknown, is_known
from sod_iac.load.functions.arguments import _first_unknown, _seq, _unify
from sod_iac.load.functions.equality import _member
from sod_iac.load.functions.registry import FunctionError, _register, _Unknowable


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
