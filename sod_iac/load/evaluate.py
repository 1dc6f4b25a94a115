"""Static, safe evaluation of HCL expressions (hcl_ast) over what the code states.

Never executes anything and never touches the network. What cannot be known becomes an
explicit `Unknown` (or a `Ref` to another object's attribute), never an empty string.
Root names (`var`, `local`, `aws_iam_role`, `module`, ...) are resolved by a `Scope`.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Protocol

from sod_iac.load.hcl_ast import (
    BinOp, Call, Conditional, ForExpr, GetAttr, Index, Lit, Name, ObjectExpr, Splat,
    TemplateExpr, TupleExpr, UnaryOp, Unsupported,
)
from sod_iac.values import Ref, Template, Unknown, is_known, make_template

MAX_DEPTH = 200


class Scope(Protocol):
    def lookup(self, name: str) -> Any: ...
    def call(self, name: str, args: list[Any], exprs: tuple[Any, ...]) -> Any | None: ...


class Lazy:
    """An object whose attributes are computed on demand (locals, resource types, modules)."""

    def __init__(self, getter: Callable[[str], Any], label: str) -> None:
        self._getter = getter
        self.label = label

    def get(self, name: str) -> Any:
        return self._getter(name)


class ResourceValue:
    """A resource instance seen from an expression: its arguments where the code sets them,
    a `Ref` to `address.attribute` for everything the provider computes (arn, id, ...)."""

    def __init__(self, address: str, values: Callable[[], dict[str, Any]]) -> None:
        self.address = address
        self._values = values

    def get(self, name: str) -> Any:
        values = self._values()
        if name in values and values[name] is not None:
            return values[name]
        return Ref(address=self.address, attribute=name)


class Evaluator:
    """Evaluates expressions in one scope; `with_vars` makes a child for `for` and `dynamic`."""

    def __init__(self, scope: Scope, local_vars: dict[str, Any] | None = None) -> None:
        self.scope = scope
        self.local_vars = local_vars or {}
        self.depth = 0

    def with_vars(self, **values: Any) -> "Evaluator":
        child = Evaluator(self.scope, {**self.local_vars, **values})
        return child

    def eval(self, expr: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return Unknown("expression nested too deeply")
            return _DISPATCH[type(expr)](self, expr)
        finally:
            self.depth -= 1

    # --- leaves ---------------------------------------------------------------------------
    def _lit(self, expr: Lit) -> Any:
        return expr.value

    def _template(self, expr: TemplateExpr) -> Any:
        parts = []
        for part in expr.parts:
            if isinstance(part, str):
                parts.append(part)
                continue
            value = self.eval(part)
            if isinstance(value, (Unknown, Template, str)):
                parts.append(value)
            elif isinstance(value, bool):
                parts.append("true" if value else "false")
            elif isinstance(value, (int, float)):
                parts.append(_number_text(value))
            elif value is None:
                parts.append(Unknown("null in template"))
            else:
                parts.append(Unknown("non-string in template"))
        return make_template(parts)

    def _tuple(self, expr: TupleExpr) -> Any:
        return [self.eval(item) for item in expr.items]

    def _object(self, expr: ObjectExpr) -> Any:
        out: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = self.eval(key_expr)
            if isinstance(key, (int, float)) and not isinstance(key, bool):
                key = _number_text(key)
            if not isinstance(key, str):
                return Unknown("object with unknown key")
            out[key] = self.eval(value_expr)
        return out

    def _name(self, expr: Name) -> Any:
        if expr.name in self.local_vars:
            return self.local_vars[expr.name]
        return self.scope.lookup(expr.name)

    def _unsupported(self, expr: Unsupported) -> Any:
        return Unknown(expr.text)

    # --- traversals -----------------------------------------------------------------------
    def _get_attr(self, expr: GetAttr) -> Any:
        return get_attr(self.eval(expr.obj), expr.name)

    def _index(self, expr: Index) -> Any:
        return index(self.eval(expr.obj), self.eval(expr.key))

    def _splat(self, expr: Splat) -> Any:
        base = self.eval(expr.obj)
        if isinstance(base, Unknown):
            return base
        if isinstance(base, dict):
            return Unknown("splat over a map")
        items = base if isinstance(base, list) else ([] if base is None else [base])
        out = []
        for item in items:
            for kind, arg in expr.ops:
                item = get_attr(item, arg) if kind == "attr" else index(item, self.eval(arg))
            out.append(item)
        return out

    # --- operators ------------------------------------------------------------------------
    def _call(self, expr: Call) -> Any:
        name = expr.name
        if name in ("try", "can"):
            return self._try_can(name, expr.args)
        args = [self.eval(a) for a in expr.args]
        if expr.expand_last and args:
            last = args.pop()
            if not isinstance(last, list):
                return Unknown(f"{name}(...) over an unknown list")
            args.extend(last)
        special = self.scope.call(name, args, expr.args)
        if special is not None:
            return special
        from sod_iac.load.functions import call_function

        return call_function(name, args)

    def _try_can(self, name: str, arg_exprs: tuple[Any, ...]) -> Any:
        """`try` returns the first argument that does not fail; `can` says whether it fails."""
        from sod_iac.load.functions import CallError

        for arg in arg_exprs:
            value = self.eval(arg)
            if isinstance(value, CallError) or (isinstance(value, Unknown) and "no attribute" in value.reason):
                if name == "can":
                    return False
                continue
            if name == "can":
                return True if is_known(value) else Unknown("can()")
            return value
        return Unknown(f"{name}(): every argument fails")

    def _conditional(self, expr: Conditional) -> Any:
        cond = self.eval(expr.cond)
        if cond is True:
            return self.eval(expr.then)
        if cond is False:
            return self.eval(expr.otherwise)
        then, otherwise = self.eval(expr.then), self.eval(expr.otherwise)
        if then == otherwise and is_known(then):
            return then
        return Unknown("depends on an unknown condition")

    def _binop(self, expr: BinOp) -> Any:
        op = expr.op
        left = self.eval(expr.left)
        if op == "&&" and left is False or op == "||" and left is True:
            return left
        right = self.eval(expr.right)
        if op in ("&&", "||"):
            if op == "&&" and right is False or op == "||" and right is True:
                return right
            if isinstance(left, bool) and isinstance(right, bool):
                return left and right if op == "&&" else left or right
            return Unknown(f"unknown operand of {op}")
        if not (is_known(left) and is_known(right)):
            return Unknown(f"unknown operand of {op}")
        if op == "==":
            return _equal(left, right)
        if op == "!=":
            return not _equal(left, right)
        a, b = _number(left), _number(right)
        if a is None or b is None:
            return Unknown(f"non-number operand of {op}")
        try:
            result = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                      "/": lambda: a / b, "%": lambda: math.fmod(a, b),
                      "<": lambda: a < b, ">": lambda: a > b, "<=": lambda: a <= b,
                      ">=": lambda: a >= b}[op]()
        except (ZeroDivisionError, KeyError):
            return Unknown(f"cannot compute {op}")
        if isinstance(result, float) and result.is_integer() and op != "/":
            return int(result)
        return result

    def _unary(self, expr: UnaryOp) -> Any:
        value = self.eval(expr.operand)
        if expr.op == "!":
            return (not value) if isinstance(value, bool) else Unknown("unknown operand of !")
        number = _number(value)
        return -number if number is not None else Unknown("unknown operand of -")

    def _for(self, expr: ForExpr) -> Any:
        coll = self.eval(expr.collection)
        if isinstance(coll, dict):
            pairs = sorted(coll.items())  # Terraform iterates maps in lexical key order
        elif isinstance(coll, list):
            pairs = list(enumerate(coll))
        else:
            return Unknown("for over an unknown collection")
        tuple_out: list[Any] = []
        object_out: dict[str, Any] = {}
        for key, value in pairs:
            names = {expr.value_var: value}
            if expr.key_var:
                names[expr.key_var] = key
            inner = self.with_vars(**names)
            if expr.cond is not None:
                keep = inner.eval(expr.cond)
                if keep is False:
                    continue
                if keep is not True:
                    return Unknown("for filter depends on an unknown value")
            if expr.key_expr is None:
                tuple_out.append(inner.eval(expr.value_expr))
                continue
            out_key = inner.eval(expr.key_expr)
            if isinstance(out_key, (int, float)) and not isinstance(out_key, bool):
                out_key = _number_text(out_key)
            if not isinstance(out_key, str):
                return Unknown("for with an unknown key")
            out_value = inner.eval(expr.value_expr)
            if expr.grouping:
                object_out.setdefault(out_key, []).append(out_value)
            else:
                object_out[out_key] = out_value
        return tuple_out if expr.key_expr is None else object_out


def get_attr(base: Any, name: str) -> Any:
    """`base.name` over our value kinds; a Ref grows its attribute path."""
    if isinstance(base, (Lazy, ResourceValue)):
        return base.get(name)
    if isinstance(base, Ref):
        attribute = f"{base.attribute}.{name}" if base.attribute else name
        return Ref(address=base.address, attribute=attribute)
    if isinstance(base, Unknown):
        return base
    if isinstance(base, dict):
        return base.get(name, Unknown(f"no attribute {name}"))
    if isinstance(base, list) and len(base) == 1 and isinstance(base[0], dict):
        return Unknown(f"attribute {name} of a list")
    return Unknown(f"attribute {name} of a non-object")


def index(base: Any, key: Any) -> Any:
    """`base[key]`; indexing a resource whose instances are unknown gives that resource."""
    if isinstance(base, ResourceValue):
        return base
    if isinstance(base, Ref):
        return Ref(address=base.address, attribute=f"{base.attribute}[{json.dumps(key)}]")
    if isinstance(base, Unknown) or isinstance(key, (Unknown, Template)):
        return base if isinstance(base, Unknown) else Unknown("unknown index")
    if isinstance(base, Lazy):
        return base.get(str(key))
    if isinstance(base, list):
        i = _number(key)
        if i is None or int(i) != i or not -len(base) <= int(i) < len(base) or int(i) < 0:
            return Unknown(f"index {key!r} out of range")
        return base[int(i)]
    if isinstance(base, dict):
        k = _number_text(key) if isinstance(key, (int, float)) and not isinstance(key, bool) else key
        return base.get(k, Unknown(f"no key {key!r}"))
    return Unknown("index of a non-collection")


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() and "." not in value else number
    return None


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return left == right


_DISPATCH: dict[type, Callable[[Evaluator, Any], Any]] = {
    Lit: Evaluator._lit, TemplateExpr: Evaluator._template, TupleExpr: Evaluator._tuple,
    ObjectExpr: Evaluator._object, Name: Evaluator._name, GetAttr: Evaluator._get_attr,
    Index: Evaluator._index, Splat: Evaluator._splat, Call: Evaluator._call,
    Conditional: Evaluator._conditional, BinOp: Evaluator._binop, UnaryOp: Evaluator._unary,
    ForExpr: Evaluator._for, Unsupported: Evaluator._unsupported,
}
