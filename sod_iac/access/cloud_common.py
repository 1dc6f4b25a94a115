"""Small helpers shared by the GCP, Azure and Kubernetes engines (not by AWS, which has its own).

- `Grant`: one way a principal holds a permission, with its level and evidence chain; the
  shape every engine's `members_with_permission` returns (see those modules' docstrings).
- `RoleHeld`: a role bound to a principal at a scope; the shape every engine's `roles_held` returns.
- `glob`: case-sensitive or -insensitive wildcard matching where `*` spans anything.
- `text_of`: the literal text of a value, or None when any part is unknown.
- `hop`: one evidence hop for a resource of the code; `statement_hop`: the hop of the grant as
  written (a binding, a role rule, an assignment), at its own block's lines when the loader
  recorded them.
- `unstated_principal`: the explicit name of a principal whose identity the code does not state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sod_iac.access.graph import Level
from sod_iac.core.model import Evidence, Resource
from sod_iac.core.values import Ref, Template, Unknown, as_list
from sod_iac.util.wildcard import glob_regex


@dataclass(frozen=True)
class Grant:
    """`principal` holds `permission` on `scope` at `level`; `evidence` explains how.

    `scope` is the address of the resource (or the scope text, e.g. `projects/acme-prod`,
    `/subscriptions/…/resourceGroups/rg`, `namespace:prod`) where the grant was made.
    """

    principal: str
    permission: str
    level: Level
    scope: str
    evidence: tuple[Evidence, ...] = field(default=())


@dataclass(frozen=True)
class RoleHeld:
    """`role` is bound to a principal at `scope` (GCP binding, Azure assignment or Key Vault
    access policy, Kubernetes role binding): what `sod-iac access` lists for these clouds."""

    role: str
    scope: str
    level: Level
    evidence: tuple[Evidence, ...] = field(default=())


@cache
def role_data(filename: str) -> dict[str, dict]:
    """The `roles` of a shipped data file (sod_iac/access/data/), read once per process."""
    import json
    from importlib import resources

    return json.loads(resources.files("sod_iac.access").joinpath("data", filename).read_bytes())["roles"]


def hop(resource: Resource | None, detail: str, address: str | None = None) -> Evidence:
    return Evidence(address=address or (resource.address if resource else "?"), detail=detail,
                    location=resource.location if resource else None)


def statement_hop(resource: Resource | None, detail: str, signature: str | None = None) -> Evidence:
    """The grant a reviewer must change (Evidence.kind `statement`): the resource itself, or the
    nested block of it whose statement site has `signature` (load/statement_sites.py)."""
    plain = hop(resource, detail)
    site = next((s for s in resource.statement_sites if s.signature == signature), None) \
        if resource is not None and signature is not None else None
    return plain.model_copy(update={"kind": "statement", **({"location": site.location} if site else {})})


def text_of(value: Any) -> str | None:
    """A str as is; anything unknown (Unknown, Ref, Template with unknown parts) gives None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return None


def first_block(value: Any) -> dict[str, Any]:
    """The first object of a nested block (`metadata { ... }` is a list of one object)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return {}


def refs_in(value: Any) -> list[Ref]:
    """Every Ref inside a value (a Ref itself, the parts of a Template, list items)."""
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, Template):
        return list(value.refs)
    if isinstance(value, (list, tuple)):
        return [r for item in value for r in refs_in(item)]
    return []


_NAMED_VALUE = re.compile(r"^(var|local)\.[A-Za-z_][\w-]*$")


def unstated_principal(value: Any, address: str, what: str = "member") -> str | None:
    """The explicit name of a principal the code does not state, "(unknown member of ADDRESS)",
    when `value` is wholly unknown and names nothing: a function over an unknown collection, an
    unknown index or for_each value, a value known after apply. Its text is the evaluator's,
    not an identity: two bindings with such values may be anyone, so each is its own possible
    principal, named after the binding. None when the value states an identity (a string, a
    template with known text) or names one (a reference, `var.x`, `local.x`: one name, one
    principal, as written)."""
    if isinstance(value, Unknown) and not isinstance(value, Ref) and not _NAMED_VALUE.match(value.reason):
        return f"(unknown {what} of {address})"
    return None


def is_unstated(principal: str) -> bool:
    """Is this a name unstated_principal gave (a principal held only "possibly")?"""
    return principal.startswith("(unknown ")


def is_unknown(value: Any) -> bool:
    return isinstance(value, (Unknown, Template))


def glob(pattern: str, text: str, *, case: bool = True) -> bool:
    """Whole-string wildcard match: `*` any run (also `.` and `/`), `?` one character."""
    if pattern == text:
        return True
    return bool(glob_regex(pattern, case_insensitive=not case).fullmatch(text))


def globs_overlap(a: str, b: str, *, case: bool = True) -> bool:
    """Can some text match both patterns? Exact when one has no wildcard; otherwise a
    conservative check on the literal prefixes and suffixes (errs toward True): a text matching
    both starts with both prefixes and ends with both suffixes."""
    if "*" not in a and "?" not in a:
        return glob(b, a, case=case)
    if "*" not in b and "?" not in b:
        return glob(a, b, case=case)
    if not case:
        a, b = a.lower(), b.lower()
    pa, pb = re.split(r"[*?]", a, maxsplit=1)[0], re.split(r"[*?]", b, maxsplit=1)[0]
    sa, sb = re.split(r"[*?]", a)[-1], re.split(r"[*?]", b)[-1]
    return (pa.startswith(pb) or pb.startswith(pa)) and (sa.endswith(sb) or sb.endswith(sa))


__all__ = ["Grant", "RoleHeld", "hop", "text_of", "as_list", "first_block", "refs_in", "is_unknown", "glob",
           "globs_overlap", "unstated_principal", "is_unstated"]
