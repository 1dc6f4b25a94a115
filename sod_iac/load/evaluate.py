"""Static, safe evaluation of HCL expressions (hcl_ast) over what the code states.

Never executes anything and never touches the network. What cannot be known becomes an
explicit `Unknown` (or a `Ref` to another object's attribute), never an empty string.
Root names (`var`, `local`, `aws_iam_role`, `module`, ...) are resolved by a `Scope`.

An expression Terraform itself would reject on known values (index out of range, a missing
attribute, null in a template) evaluates to a `CallError`: still an Unknown for consumers, but
`try()`/`can()` see a failure and move on, as Terraform does. An unknown never counts as one.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from typing import Any, Protocol

from sod_iac.core.arguments import number
from sod_iac.core.values import (
    MAX_OPTIONS,
    OneOf,
    Ref,
    SetValue,
    Template,
    Unknown,
    alternatives,
    describe_unknown,
    is_known,
    make_template,
    one_of,
)
from sod_iac.load.functions import CallError, call_function
from sod_iac.load.hcl_ast import (
    BinOp,
    Call,
    Conditional,
    ForExpr,
    GetAttr,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Splat,
    TemplateExpr,
    TupleExpr,
    UnaryOp,
    Unsupported,
)

MAX_DEPTH = 200
# Functions whose result Terraform types as a set: `for`/`dynamic` key its elements by value.
SET_FUNCTIONS = frozenset({"toset", "setunion", "setintersection", "setsubtract"})


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


class ModuleValue(Lazy):
    """A module call's outputs seen from an expression (`module.m`). `collection`: it stands
    for every instance of a call whose count/for_each is unknown, so `module.m["k"]` is it."""

    def __init__(self, getter: Callable[[str], Any], label: str, names: Callable[[], list[str]],
                 collection: bool = False) -> None:
        super().__init__(getter, label)
        self.names, self.collection = names, collection

    def as_object(self) -> dict[str, Any]:
        """The outputs as the object Terraform passes to functions (`keys(module.m)`)."""
        return {name: self.get(name) for name in self.names()}


class ResourceValue:
    """A resource instance seen from an expression: its arguments where the code sets them,
    a `Ref` to `address.attribute` for everything the provider computes (arn, id, ...) and for
    arguments whose value is unknown: `role = aws_iam_role.r.name` must still name `r`.
    `collection`: it stands for every instance of a resource whose count/for_each is unknown,
    so that `aws_iam_role.r[each.key]` is it; an instance indexed by a string is `r.name`."""

    def __init__(self, address: str, values: Callable[[], dict[str, Any]], collection: bool = False) -> None:
        self.address = address
        self._values = values
        self.collection = collection

    def instance(self) -> ResourceValue:
        return ResourceValue(self.address, self._values) if self.collection else self

    def get(self, name: str) -> Any:
        values = self._values()
        value = values.get(name)
        if value is None or isinstance(value, Unknown) and not isinstance(value, Ref):
            return Ref(address=self.address, attribute=name)
        if isinstance(value, list):  # nested blocks: their computed attributes are Refs too
            return [BlockObject(item, self.address, f"{name}[{i}]") if isinstance(item, dict) else item
                    for i, item in enumerate(value)]
        return value


class BlockObject(dict):
    """A nested block of a resource seen from an expression: the arguments the code sets, and a
    Ref for what it leaves to the provider (`aws_eks_cluster.c.vpc_config[0].cluster_security_group_id`)."""

    def __init__(self, values: dict[str, Any], address: str, path: str) -> None:
        super().__init__(values)
        self.address, self.path = address, path

    def attribute(self, name: str) -> Any:
        value = self.get(name)
        if value is None or isinstance(value, Unknown) and not isinstance(value, Ref):
            return Ref(address=self.address, attribute=f"{self.path}.{name}")
        return value


class Evaluator:
    """Evaluates expressions in one scope; `with_vars` makes a child for `for` and `dynamic`."""

    def __init__(self, scope: Scope, local_vars: dict[str, Any] | None = None) -> None:
        self.scope = scope
        self.local_vars = local_vars or {}
        self.depth = 0

    def with_vars(self, **values: Any) -> Evaluator:
        child = Evaluator(self.scope, {**self.local_vars, **values})
        return child

    def eval(self, expr: Any) -> Any:
        kind = type(expr)
        depth = self.depth
        if depth >= MAX_DEPTH:
            return Unknown("expression nested too deeply")
        if kind is Lit:  # the most common node, and a leaf
            return expr.value
        self.depth = depth + 1
        try:
            return _DISPATCH[kind](self, expr)
        finally:
            self.depth = depth

    # --- leaves ---------------------------------------------------------------------------
    def _lit(self, expr: Lit) -> Any:
        return expr.value

    def _template(self, expr: TemplateExpr) -> Any:
        parts = []
        for part in expr.parts:
            if isinstance(part, str):
                parts.append(part)
                continue
            value = _map_options(self.eval(part), _template_part)
            if isinstance(value, CallError):
                return value
            parts.append(value)
        return make_template(parts)

    def _tuple(self, expr: TupleExpr) -> Any:
        return [self.eval(item) for item in expr.items]

    def _object(self, expr: ObjectExpr) -> Any:
        out: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = self.eval(key_expr)
            if not isinstance(key, str):
                key = _scalar_text(key) or key
            if not isinstance(key, str):
                return key if isinstance(key, Unknown) else CallError("object key is not a string")
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
        # HCL applies a splat to a non-sequence as to a one-item list, and to null as to []
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
                if isinstance(last, Unknown):
                    return _keep_failure(last, f"{name}(...) over an unknown list")
                return CallError(f"{name}(...): expanding a value that is not a list")
            args.extend(last)
        args = [_plain(arg) for arg in args]
        choices = [alternatives(arg) for arg in args]
        count = math.prod(len(options) for options in choices)
        if count == 1 or count > MAX_OPTIONS:
            return self._call_once(name, args, expr.args)
        # an argument that is one of several values: the result is one of the results
        results = [self._call_once(name, list(combo), expr.args) for combo in itertools.product(*choices)]
        return _choose(results, next(arg.reason for arg in args if isinstance(arg, OneOf)))

    def _call_once(self, name: str, args: list[Any], exprs: tuple[Any, ...]) -> Any:
        special = self.scope.call(name, args, exprs)
        if special is not None:
            return special
        result = call_function(name, args)
        if name in SET_FUNCTIONS and type(result) is list:
            return SetValue(result)
        return result

    def _try_can(self, name: str, arg_exprs: tuple[Any, ...]) -> Any:
        """`try` returns the first argument that does not fail; `can` says whether it fails."""

        for arg in arg_exprs:
            value = self.eval(arg)
            if failure_in(value) is not None:
                if name == "can":
                    return False
                continue
            if name == "can":
                return True if is_known(value) else Unknown("can()")
            return value
        return Unknown(f"{name}(): every argument fails")

    def _conditional(self, expr: Conditional) -> Any:
        cond = self.eval(expr.cond)
        if isinstance(cond, CallError):
            return cond
        if cond is True:
            return self.eval(expr.then)
        if cond is False:
            return self.eval(expr.otherwise)
        then, otherwise = self.eval(expr.then), self.eval(expr.otherwise)
        if then == otherwise and is_known(then):
            return then
        # a template's `%{ if }` is a conditional too: each branch is a possible rendering
        return one_of((then, otherwise), f"depends on {describe_unknown(cond)}")

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
            return _operand_problem(op, left, right)
        if op in ("==", "!="):
            same = _equal(left, right)
            if same is None:
                return _operand_problem(op, left, right)
            return same if op == "==" else not same
        if not (is_known(left) and is_known(right)):
            return _operand_problem(op, left, right)
        a, b = number(left), number(right)
        if a is None or b is None:
            return CallError(f"non-number operand of {op}")
        try:
            result = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                      "/": lambda: a / b, "%": lambda: math.fmod(a, b),
                      "<": lambda: a < b, ">": lambda: a > b, "<=": lambda: a <= b,
                      ">=": lambda: a >= b}[op]()
        except ZeroDivisionError:
            return CallError(f"division by zero in {op}")
        except KeyError:
            return Unknown(f"cannot compute {op}")
        if isinstance(result, float) and result.is_integer() and op != "/":
            return int(result)
        return result

    def _unary(self, expr: UnaryOp) -> Any:
        value = self.eval(expr.operand)
        if expr.op == "!" and isinstance(value, bool):
            return not value
        operand = None if expr.op == "!" else number(value)
        if operand is not None:
            return -operand
        if isinstance(value, Unknown):
            return _keep_failure(value, f"unknown operand of {expr.op}")
        return CallError(f"wrong type of operand for {expr.op}")

    def _for(self, expr: ForExpr) -> Any:
        return _map_options(self.eval(expr.collection), lambda coll: self._for_over(expr, coll))

    def _for_over(self, expr: ForExpr, coll: Any) -> Any:
        pairs = iteration_pairs(coll)
        if pairs is None:
            if not isinstance(coll, Unknown):
                return CallError("for over a value that is not a collection")
            if not isinstance(coll, CallError) and self._filter_rejects_all(expr):
                return [] if expr.key_expr is None else {}
            if not isinstance(coll, CallError) and expr.key_expr is None:
                return self._representative_list(expr)
            return _keep_failure(coll, "for over an unknown collection")
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
                    if isinstance(keep, Unknown):
                        return _keep_failure(keep, "for filter depends on an unknown value")
                    return CallError("for filter is not a bool")
            if expr.key_expr is None:
                tuple_out.append(inner.eval(expr.value_expr))
                continue
            out_key = inner.eval(expr.key_expr)
            if not isinstance(out_key, str):
                out_key = _scalar_text(out_key) or out_key
            if not isinstance(out_key, str):
                if isinstance(out_key, Unknown):
                    return _keep_failure(out_key, "for with an unknown key")
                return CallError("for key is not a string")
            out_value = inner.eval(expr.value_expr)
            if expr.grouping:
                object_out.setdefault(out_key, []).append(out_value)
            else:
                object_out[out_key] = out_value
        return tuple_out if expr.key_expr is None else object_out

    def _representative_list(self, expr: ForExpr) -> Any:
        """`[for x in <unknown> : ...]` (and a template's `%{ for }`, a join over one) as one
        of: no element, or one element made from an unknown key and value. More elements
        repeat that shape, whose unknown parts already stand for any element, so readers that
        take every option as possible (policy documents) miss nothing; any other consumer
        sees an Unknown, as before."""
        names = {expr.value_var: Unknown(f"{expr.value_var} of an unknown collection")}
        if expr.key_var:
            names[expr.key_var] = Unknown(f"{expr.key_var} of an unknown collection")
        inner = self.with_vars(**names)
        keep = True if expr.cond is None else inner.eval(expr.cond)
        if keep is False:
            return []
        element = inner.eval(expr.value_expr)
        if failure_in(element) is not None:
            return []  # Terraform fails for any element: only the empty collection evaluates
        return OneOf("for over an unknown collection", ([], [element]))

    def _filter_rejects_all(self, expr: ForExpr) -> bool:
        """True when the `if` is false whatever the elements are (`... if var.create` with
        create = false): the result is empty even though the collection is unknown."""
        if expr.cond is None:
            return False
        names = {expr.value_var: Unknown(f"{expr.value_var} of an unknown collection")}
        if expr.key_var:
            names[expr.key_var] = Unknown(f"{expr.key_var} of an unknown collection")
        return self.with_vars(**names).eval(expr.cond) is False


def iteration_pairs(collection: Any) -> list[tuple[Any, Any]] | None:
    """(key, value) pairs as `for` and `dynamic` see them: a map in lexical key order, a list by
    index, a set with each element as its own key; None when it is not a collection."""
    if isinstance(collection, dict):
        return sorted(collection.items())
    if isinstance(collection, SetValue):
        return [(item, item) for item in collection]
    if isinstance(collection, list):
        return list(enumerate(collection))
    return None


def get_attr(base: Any, name: str) -> Any:
    """`base.name` over our value kinds; a Ref grows its attribute path."""
    if isinstance(base, OneOf):
        return _map_options(base, lambda option: get_attr(option, name))
    if isinstance(base, (Lazy, ResourceValue)):
        return base.get(name)
    if isinstance(base, Ref):
        attribute = f"{base.attribute}.{name}" if base.attribute else name
        return Ref(address=base.address, attribute=attribute)
    if isinstance(base, Unknown):
        return base
    if isinstance(base, BlockObject):
        return base.attribute(name)
    if isinstance(base, dict):
        return base[name] if name in base else CallError(f"no attribute {name}")
    if isinstance(base, list):
        return CallError(f"attribute {name} of a list (use [*].{name} or an index)")
    return CallError(f"attribute {name} of {'null' if base is None else 'a non-object'}")


def index(base: Any, key: Any) -> Any:
    """`base[key]`; indexing a resource whose instances are unknown gives that resource.

    Any index of an unknown, or by an unknown key, is unknown, as in Terraform; a Ref stays a
    Ref to the same object, its path naming the key as written (`tags[var.team]`)."""
    if isinstance(key, CallError):
        return key
    if isinstance(base, OneOf) or isinstance(key, OneOf):
        return _choose([index(b, k) for b in alternatives(base) for k in alternatives(key)],
                       "index that depends on an unknown condition")
    if isinstance(base, ResourceValue):
        if base.collection or not isinstance(key, str):
            return base.instance()
        return base.get(key)  # an instance is an object: r["arn"] is r.arn
    if isinstance(base, ModuleValue) and base.collection:
        return ModuleValue(base.get, base.label, base.names)
    if key is None:
        return CallError("index with a null key")
    if isinstance(base, Ref):
        return Ref(address=base.address, attribute=f"{base.attribute}[{_key_text(key)}]")
    if isinstance(base, Unknown):
        return base
    if isinstance(key, (Unknown, Template)):
        return Unknown("unknown index")
    if isinstance(base, Lazy):
        return base.get(str(key))
    if isinstance(base, list):
        i = number(key)
        if i is None or int(i) != i or not 0 <= int(i) < len(base):
            return CallError(f"index {key!r} out of range")
        return base[int(i)]
    if isinstance(base, dict):
        k = key if isinstance(key, str) else _scalar_text(key)
        if k is None:
            return CallError("a map key must be a string")
        return base[k] if k in base else CallError(f"no key {key!r}")
    return CallError(f"index of {'null' if base is None else 'a non-collection'}")


def _scalar_text(value: Any) -> str | None:
    """A number or bool as Terraform converts it to a string; None for any other value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    return None


def _key_text(key: Any) -> str:
    """A key as it reads in a Ref's path: `["k"]`, `[0]`, `[var.team]`."""
    if isinstance(key, str):
        return json.dumps(key)
    text = _scalar_text(key)
    return describe_unknown(key) if text is None else text


def failure_in(value: Any) -> CallError | None:
    """The CallError anywhere inside a value: one failing part fails the whole expression."""
    if isinstance(value, CallError):
        return value
    if isinstance(value, Template):
        return failure_in(list(value.parts))
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = failure_in(item)
        if found is not None:
            return found
    return None


def _template_part(value: Any) -> Any:
    """A value as a template part: text, or an unknown part; a CallError where Terraform fails."""
    if isinstance(value, (Unknown, Template, str)):
        return value
    text = _scalar_text(value)
    if text is not None:
        return text
    return CallError("null in a template" if value is None else "a list or object in a template")


def _map_options(value: Any, function: Callable[[Any], Any]) -> Any:
    """`function` applied to a value, or to each option of a OneOf (see `_choose`)."""
    if not isinstance(value, OneOf):
        return function(value)
    return _choose([function(option) for option in value.options], value.reason)


def _choose(results: list[Any], reason: str) -> Any:
    """One of `results`: those Terraform would fail on cannot be the value, unless all fail."""
    kept = [result for result in results if failure_in(result) is None]
    if not kept:
        return results[0]
    return one_of(kept, reason)


def _plain(value: Any) -> Any:
    """A value as functions take it: a module's outputs as an object; a resource as a Ref to it,
    an object whose attributes are mostly the provider's (`jsonencode(aws_iam_role.r)` is
    unknown, not a failure, and `one([aws_iam_role.r]).arn` still names `r`). The same object
    comes back when nothing inside changes."""
    if isinstance(value, ResourceValue):
        return Ref(address=value.address)
    if isinstance(value, ModuleValue):
        return _plain(value.as_object())
    if isinstance(value, dict) and not isinstance(value, BlockObject):
        items = {key: _plain(item) for key, item in value.items()}
        return items if any(items[key] is not value[key] for key in value) else value
    if isinstance(value, list):
        listed = [_plain(item) for item in value]
        return type(value)(listed) if any(a is not b for a, b in zip(listed, value)) else value
    return value


def _keep_failure(value: Unknown, reason: str) -> Unknown:
    """A failure stays a failure (try() must see it); any other unknown gets `reason`."""
    return value if isinstance(value, CallError) else Unknown(reason)


def _operand_problem(op: str, left: Any, right: Any) -> Unknown:
    """Why an operator has no result: a failing operand fails it, else it is unknown."""
    for side in (left, right):
        if isinstance(side, CallError):
            return side
    return Unknown(f"unknown operand of {op}")


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _equal(left: Any, right: Any) -> bool | None:
    """Terraform's `==`; None when unknown. Some answers come before every part is known, as in
    cty: collections of different lengths or keys differ (`var.list == []` with unknown items)."""
    if isinstance(left, (Unknown, Template)) or isinstance(right, (Unknown, Template)):
        return None
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return False
        pairs: Any = zip(left, right)
    elif isinstance(left, dict) and isinstance(right, dict):
        if left.keys() != right.keys():
            return False
        pairs = ((left[key], right[key]) for key in sorted(left))
    elif isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
        return False
    elif isinstance(left, bool) or isinstance(right, bool):
        return left is right
    else:
        return left == right
    for a, b in pairs:
        same = _equal(a, b)
        if same is not True:
            return same  # a difference, or the first part cty cannot decide yet
    return True


_DISPATCH: dict[type, Callable[[Evaluator, Any], Any]] = {
    Lit: Evaluator._lit, TemplateExpr: Evaluator._template, TupleExpr: Evaluator._tuple,
    ObjectExpr: Evaluator._object, Name: Evaluator._name, GetAttr: Evaluator._get_attr,
    Index: Evaluator._index, Splat: Evaluator._splat, Call: Evaluator._call,
    Conditional: Evaluator._conditional, BinOp: Evaluator._binop, UnaryOp: Evaluator._unary,
    ForExpr: Evaluator._for, Unsupported: Evaluator._unsupported,
}
