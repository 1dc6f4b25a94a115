"""Apply a variable's `type` constraint to its value, as Terraform does before the module sees it.

What matters for evaluation is what conversion adds or removes: `optional(T, default)` object
attributes that the caller left out (or set to null) take their default, or null; attributes the
type does not declare are dropped; primitives are converted (`1` for a `string` is `"1"`).
Without this, `each.value.x` on a typed map of objects would fail where Terraform reads null.

Lenient by design: a value that does not fit its type is left as it is (Terraform would reject
the configuration; we keep analysing), and unknown values pass through untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sod_iac.core.values import SetValue, Unknown
from sod_iac.load.functions import FUNCTIONS
from sod_iac.load.hcl_ast import Call, Lit, Name, ObjectExpr, TupleExpr

_PRIMITIVES = {"string": "tostring", "number": "tonumber", "bool": "tobool"}


def convert(value: Any, type_expr: Any, evaluate: Callable[[Any], Any]) -> Any:
    """`value` converted to the type written as `type_expr`; `evaluate` reads optional() defaults."""
    if isinstance(value, Unknown) or value is None:
        return value
    if isinstance(type_expr, Name):
        return _primitive(value, type_expr.name)
    if not isinstance(type_expr, Call) or not type_expr.args:
        return value
    kind, args = type_expr.name, type_expr.args
    if kind in ("list", "set") and isinstance(value, list):
        items = [convert(item, args[0], evaluate) for item in value]
        if kind == "list":
            return items
        unique = FUNCTIONS["toset"](items)
        return SetValue(unique) if isinstance(unique, list) else items
    if kind == "map" and isinstance(value, dict):
        return {key: convert(item, args[0], evaluate) for key, item in value.items()}
    if kind == "tuple" and isinstance(value, list) and isinstance(args[0], TupleExpr):
        types = args[0].items
        if len(types) != len(value):
            return value
        return [convert(item, item_type, evaluate) for item, item_type in zip(value, types)]
    if kind == "object" and isinstance(value, dict) and isinstance(args[0], ObjectExpr):
        return _object(value, args[0], evaluate)
    return value


def _primitive(value: Any, name: str) -> Any:
    if name not in _PRIMITIVES or not isinstance(value, (str, int, float, bool)):
        return value  # `any`, or a value Terraform would reject: leave it
    converted = FUNCTIONS[_PRIMITIVES[name]](value)
    return value if isinstance(converted, Unknown) else converted


def _object(value: dict[str, Any], type_expr: ObjectExpr, evaluate: Callable[[Any], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_expr, attr_type in type_expr.items:
        if not isinstance(key_expr, Lit) or not isinstance(key_expr.value, str):
            return value
        name = key_expr.value
        optional = isinstance(attr_type, Call) and attr_type.name == "optional" and attr_type.args
        if optional:
            inner = attr_type.args[0]
            item = value.get(name)
            if item is None and len(attr_type.args) > 1:
                item = evaluate(attr_type.args[1])  # null or absent: the default applies
            out[name] = convert(item, inner, evaluate)
        elif name in value:
            out[name] = convert(value[name], attr_type, evaluate)
        # a required attribute the caller left out stays absent: Terraform rejects the call
    return out
