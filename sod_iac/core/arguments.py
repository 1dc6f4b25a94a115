"""Reading Terraform arguments in plan-JSON shape (nested blocks are lists of objects), for every
layer that reads them: a stated boolean, the objects of a nested block, and whether an argument
designates another resource (by reference or by its literal name).

Here, below the access layer and the rules, so that the engines' storage questions
(access/storage_*.py) and the approval rules read arguments the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sod_iac.core.model import Project, Resource
from sod_iac.core.values import Ref, Template, as_list


def flag(value: Any) -> bool | None:
    """A boolean argument: True/False when the code states it, None when absent or unknown."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def number(value: Any) -> float | int | None:
    """A number argument: a number, or a string that is one (`"2"` -> 2, `"1.5"` -> 1.5), as the
    loaders' arithmetic and comparisons read it; None otherwise (a bool is not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return None
        return int(parsed) if parsed.is_integer() and "." not in value else parsed
    return None


def blocks(value: Any) -> list[dict[str, Any]]:
    """The objects of a nested block (a list of objects in plan-JSON shape, or one object)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, (list, tuple)):
        return [item for item in value if isinstance(item, dict)]
    return []


def refers_to(resource: Resource, argument: str, address: str) -> bool:
    """Whether `resource.argument` references the resource at `address` (any attribute)."""
    if address in resource.references.get(argument, []):
        return True
    for item in as_list(resource.values.get(argument)):
        if isinstance(item, Ref) and item.address == address:
            return True
        if isinstance(item, Template) and any(ref.address == address for ref in item.refs):
            return True
    return False


def names_resource(resource: Resource, argument: str, target: Resource, names: Iterable[Any]) -> bool:
    """Whether `resource.argument` designates `target`: by reference, or by one of its
    literal names (a bucket name, an id, an ARN ending in the name)."""
    if refers_to(resource, argument, target.address):
        return True
    wanted = {n for n in names if isinstance(n, str) and n}
    if not wanted:
        return False
    for item in as_list(resource.values.get(argument)):
        if isinstance(item, str):
            candidate = item
            if candidate in wanted or candidate.rsplit("/", 1)[-1] in wanted \
                    or candidate.rsplit(":", 1)[-1] in wanted:
                return True
    return False


def managed(project: Project, *types: str) -> list[Resource]:
    """The managed resources of these types, in project order."""
    return [r for r in project.resources if r.type in types and r.mode == "managed"]
