"""Terraform's pure built-in functions, over statically evaluated values.

The evaluator calls `call_function(name, args)` (or `FUNCTIONS[name](*args)`) with arguments it
has already evaluated: str, int, float, bool, None, list, dict, and possibly `Unknown`, `Ref` or
`Template` anywhere inside. Semantics follow Terraform's documentation and the cty/Terraform
implementations behind it. Functions that need the evaluator (can, try, file, templatefile) are
not here.

Unknown handling ("unknown means possible", DESIGN.md): a call whose result depends on an unknown
argument returns an `Unknown`, never a guess and never an empty string. The exception is a partial
answer that is exact whatever the unknown turns out to be: `format("arn:aws:s3:::%s/*", ref)` is a
`Template` holding the Ref, `concat` keeps unknown items, `length` of a list with unknown items is
known, `contains` is true once a known item matches, `jsonencode` keeps Refs as Template parts.

Terraform's failures are values, never exceptions. A call that Terraform itself would reject (wrong
arity, wrong type, a missing key) returns a `CallError`, an Unknown subclass, so consumers that only
ask "known or not" treat it as possible while the evaluator's try()/can() can tell a failure from an
unknown. A CallError argument anywhere in a call is passed through unchanged: the whole expression
fails in Terraform. An exception out of a call is a defect of ours (see registry.py).
"""

from __future__ import annotations

# Function modules, one per theme: importing one registers its functions in FUNCTIONS.
from sod_iac.load.functions import (  # noqa: F401 - imported to register their functions, not used by name
    collections,
    conversions,
    encoding,
    format,
    network,
    numbers,
    paths,
    regex,
    sets,
    strings,
)
from sod_iac.load.functions.registry import (  # noqa: F401 - the package's interface: evaluate.py imports these from here
    FUNCTIONS,
    CallError,
    FunctionError,
    call_function,
)

__all__ = ["FUNCTIONS", "CallError", "call_function"]
