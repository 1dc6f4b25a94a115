"""Type conversions: an unknown converts to itself, as unknown as before."""

from __future__ import annotations

from typing import Any

from sod_iac.core.values import Template, Unknown
from sod_iac.load.functions.arguments import (
    _bool,
    _mapping,
    _num,
    _num_out,
    _str,
    _type_name,
    _unify,
)
from sod_iac.load.functions.registry import FunctionError, _register
from sod_iac.load.functions.sets import _set_arg


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
