"""The table of Terraform functions and the wrapper every call goes through.

Implementations register under their Terraform names and signal by raising: `FunctionError`
(Terraform rejects the call), `_Unknowable` (an unknown argument decides the result) or
`_CannotKnow` (valid, but not computable statically). The wrapper turns those into results.

The contract of a call, for any arguments whatever (unknowns, null, Refs, mixed types, wrong
arity): it returns a value, an `Unknown`, or a `CallError` (an Unknown that try()/can() see as
a failure). Any other exception is a defect of ours, not a property of the code scanned: it is
not turned into an unknown here, where nobody would see it, but propagates to the loader, which
takes that one argument as unknown and reports a warning with its file and line
(sod_iac.load.terraform.eval_attribute). tests/test_fuzz.py holds every function to this.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sod_iac.core.values import Template, Unknown, describe_unknown


@dataclass(frozen=True)
class CallError(Unknown):
    """A call Terraform would reject. Still an Unknown, so a failed call reads as "possible"."""


class FunctionError(Exception):
    """Raised inside an implementation when Terraform would fail the call."""


class _CannotKnow(Exception):
    """Valid Terraform whose result we cannot compute statically (home dir, \\p{Greek}, ...)."""


class _Unknowable(Exception):
    """An unknown argument (or part of one) decides the result; `value` names it in the reason."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


FUNCTIONS: dict[str, Callable[..., Any]] = {}
_MISSING: Any = object()  # default for optional parameters, distinct from null


def call_function(name: str, args: list) -> Any:
    """Call Terraform function `name`; an unmodelled function gives Unknown(f"{name}()")."""
    function = FUNCTIONS.get(name)
    if function is None:
        return Unknown(f"{name}()")
    return function(*args)


def _register(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an implementation under Terraform names, wrapped as the module docstring says."""

    def decorate(impl: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(impl)
        fewest, most = _arity(signature)
        for name in names:
            FUNCTIONS[name] = functools.partial(_invoke, name, impl, signature, fewest, most)
        return impl

    return decorate


def _arity(signature: inspect.Signature) -> tuple[float, float]:
    """How many positional arguments `signature.bind(*args)` accepts, at least and at most."""
    params = list(signature.parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    fewest: float = sum(1 for p in positional if p.default is p.empty)
    if any(p.kind is p.KEYWORD_ONLY and p.default is p.empty for p in params):
        fewest = float("inf")  # never bound by position alone
    most = float("inf") if any(p.kind is p.VAR_POSITIONAL for p in params) else len(positional)
    return fewest, most


def _invoke(name: str, impl: Callable[..., Any], signature: inspect.Signature, fewest: float,
            most: float, *args: Any) -> Any:
    failed = _find_call_error(args)
    if failed is not None:
        return failed
    if not fewest <= len(args) <= most:  # what signature.bind(*args) checks, without its cost
        return CallError(f"{name}(): {_arity_text(signature, len(args))}")
    try:
        return impl(*args)
    except _Unknowable as exc:
        return Unknown(f"{name}({describe_unknown(exc.value)})")
    except FunctionError as exc:
        return CallError(f"{name}(): {exc}")
    except _CannotKnow as exc:
        return Unknown(f"{name}(): {exc}")
    except RecursionError:
        return Unknown(f"{name}(): value nested too deeply")


def _arity_text(signature: inspect.Signature, given: int) -> str:
    params = list(signature.parameters.values())
    variadic = any(p.kind is p.VAR_POSITIONAL for p in params)
    positional = [p for p in params if p.kind is not p.VAR_POSITIONAL]
    required = sum(1 for p in positional if p.default is p.empty)
    if variadic:
        expected = f"at least {required}"
    elif required == len(positional):
        expected = str(required)
    else:
        expected = f"{required} to {len(positional)}"
    noun = "argument" if expected == "1" else "arguments"
    return f"expected {expected} {noun}, got {given}"


def _find_call_error(value: Any) -> CallError | None:
    if type(value) is str:  # most leaves
        return None
    if isinstance(value, CallError):
        return value
    if isinstance(value, Template):
        return _find_call_error(value.parts)
    if isinstance(value, dict):
        return _find_call_error(list(value.keys())) or _find_call_error(list(value.values()))
    if isinstance(value, (list, tuple)):
        for item in value:
            found = _find_call_error(item)
            if found is not None:
                return found
    return None
