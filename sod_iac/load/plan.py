"""Loader for `terraform show -json` plan output (format_version 0.1 to 1.x).

A plan states the future state more exactly than HCL (counts, for_each keys and module
instances are expanded), but values computed by providers are still unknown at plan time.
Those become explicit `Unknown`/`Ref` objects, linked through the configuration's
`references`, so later layers can still follow a policy to its role. Sensitive values are
replaced before anything can print them. Bad shapes become `LoadError`s, never exceptions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sod_iac.core.model import LoadError, Location, Mode, ProviderConfig, Resource, Variable
from sod_iac.core.values import Ref, Unknown

MAX_DEPTH = 200
"""Deeper JSON is cut (treated as unknown), so every later recursive walk stays bounded."""

_PLAN_KEYS = ("planned_values", "resource_changes", "prior_state", "configuration")
_NAMED = ("var", "local")  # references that stand for a value we cannot see: Unknown("var.x")
_IGNORED = ("each", "count", "path", "terraform", "self")  # not objects of the state
_NAME = re.compile(r"[^\W\d][\w-]*")  # HCL identifiers: letters (any script), digits, _ and -
_KEY = re.compile(r'\[(?:(\d+)|("(?:[^"\\]|\\.)*"))\]')


def is_plan(data: object) -> bool:
    """A plan is known by its content, whatever the file is called."""
    return isinstance(data, dict) and "format_version" in data and any(k in data for k in _PLAN_KEYS)


def load_plan(
    data: dict, rel_path: str, locate: Callable[[str], Location | None] | None = None,
    depth: int | None = None,
) -> tuple[list[Resource], list[Variable], list[LoadError]]:
    """Resources and root variables of the planned future state, plus what could not be read.

    `depth`: how deep `data` nests (sod_iac.load.parse.json_depth), from a caller that hands
    the data over: the loader may then change it in place. Within MAX_DEPTH nothing needs
    cutting, so the values are used as they are instead of copied (most of a plan's load)."""
    loader = _PlanLoader(rel_path, locate, owned=depth is not None and depth <= MAX_DEPTH)
    try:
        return loader.run(data)
    except Exception as exc:  # last line of defence: a loader must never raise
        loader.error(f"plan could not be read: {type(exc).__name__}: {exc}")
        return loader.resources, loader.variables, loader.errors


def plan_providers(data: Any, rel_path: str) -> tuple[list[ProviderConfig], list[LoadError]]:
    """The provider configurations of a plan (`configuration.provider_config`), keyed as the
    resources' `provider_config_key` name them; arguments with references are unknown."""
    loader = _PlanLoader(rel_path, None)
    section = loader.section(data, "configuration", "provider_config") if isinstance(data, dict) else None
    out: list[ProviderConfig] = []
    for key, entry in (section or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            loader.error(f"configuration.provider_config.{_short(key, 60)}: expected an object with a \"name\"")
            continue
        expressions, cut = loader.bounded(entry.get("expressions"))
        if cut:
            loader.error(f"configuration.provider_config.{_short(key, 60)}: nested deeper than {MAX_DEPTH} levels")
        alias, module = entry.get("alias"), entry.get("module_address")
        out.append(ProviderConfig(key=key, name=entry["name"], alias=alias if isinstance(alias, str) else "",
                                  module=module if isinstance(module, str) else "", root=rel_path,
                                  values=_expression_values(expressions) if isinstance(expressions, dict) else {}))
    return out, loader.errors


def _expression_values(node: Any) -> Any:
    """Configuration `expressions` as values: a constant as is, an expression with references
    unknown (named after what it refers to), nested blocks as lists of objects."""
    if _is_expression(node):
        if "constant_value" in node:
            return node["constant_value"]
        subjects, named = _subjects(node)
        return Unknown(subjects[0][0] if subjects else named[0] if named else "known after apply")
    if isinstance(node, dict):
        return {k: _expression_values(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_expression_values(v) for v in node]
    return node


# --- addresses -------------------------------------------------------------------------


def _steps(text: str) -> list[tuple[Any, bool, int]]:
    """Split `module.a[0].aws_x.y["k"].attr` into (name or key, is_key, end offset) steps.

    Stops at the first part it cannot read; callers check how far it got.
    """
    steps: list[tuple[Any, bool, int]] = []
    pos = 0
    while pos < len(text):
        dot = 1 if steps and text[pos] == "." else 0
        name = _NAME.match(text, pos + dot) if (dot or not steps) else None
        if name:
            steps.append((name.group(0), False, name.end()))
            pos = name.end()
            continue
        key = _KEY.match(text, pos) if steps else None
        if not key:
            break
        if key.group(1) is not None:
            steps.append((int(key.group(1)), True, key.end()))
        else:
            try:
                steps.append((json.loads(key.group(2)), True, key.end()))
            except ValueError:
                break
        pos = key.end()
    return steps


def _split_address(address: str) -> tuple[str, Mode, str, str, Any] | None:
    """(module, mode, type, name, index) of an absolute resource instance address."""
    steps = _steps(address)
    if not steps or steps[-1][2] != len(address):
        return None
    i, module_end = 0, 0
    while steps[i][0] == "module" and i + 1 < len(steps) and not steps[i + 1][1]:
        j = i + 2 + (1 if i + 2 < len(steps) and steps[i + 2][1] else 0)
        if j + 2 > len(steps):
            break
        module_end, i = steps[j - 1][2], j
    rest = steps[i:]
    mode: Mode = "managed"
    if rest and rest[0][0] == "data" and not rest[0][1]:
        mode, rest = "data", rest[1:]
    if len(rest) not in (2, 3) or rest[0][1] or rest[1][1] or (len(rest) == 3 and not rest[2][1]):
        return None
    index = rest[2][0] if len(rest) == 3 else None
    return address[:module_end], mode, rest[0][0], rest[1][0], index


@lru_cache(maxsize=4096)
def _module_calls(module: str) -> tuple[str, ...]:
    """`module.a[0].module.b` -> ("a", "b"): the configuration is per call, not per instance."""
    names = [value for value, is_key, _ in _steps(module) if not is_key]
    return tuple(names[1::2])


@lru_cache(maxsize=65536)  # a plan repeats its references (var.env, a role's arn) many times
def _split_reference(ref: str) -> tuple[str, str, str, str] | None:
    """(kind, subject, subject without instance key, attribute) of a module-relative reference."""
    steps = _steps(ref)
    if not steps:
        return None
    head = steps[0][0]
    size = 3 if head in ("data", "ephemeral") else 2
    if len(steps) < size or any(is_key for _, is_key, _ in steps[:size]):
        return None
    base_end = steps[size - 1][2]
    end = steps[size][2] if len(steps) > size and steps[size][1] and head not in _NAMED else base_end
    if head in _NAMED:
        kind = "named"
    elif head in _IGNORED:
        kind = "ignored"
    else:
        kind = "object"  # a resource, data source or module call
    return kind, ref[:end], ref[:base_end], ref[end:].lstrip(".")


def _subjects(expression: dict) -> tuple[list[tuple[str, str]], list[str]]:
    """Objects an expression refers to, as (subject, most specific attribute), and var/local names.

    Terraform lists every reference with all its shorter prefixes (`a.b.arn`, `a.b`, and a
    keyless `a.b` after `a.b[0]`); the implied ones are dropped here.
    """
    refs = expression.get("references")
    objects: dict[str, str] = {}
    bases: dict[str, str] = {}
    named: list[str] = []
    for ref in refs if isinstance(refs, list) else []:
        parts = _split_reference(ref) if isinstance(ref, str) else None
        if parts is None or parts[0] == "ignored":
            continue
        kind, subject, base, attribute = parts
        if kind == "named":
            if subject not in named:
                named.append(subject)
        elif len(attribute) >= len(objects.get(subject, "")):
            objects[subject] = attribute
            bases[subject] = base
    keyed = {bases[s] for s in objects if s != bases[s]}
    return [(s, a) for s, a in objects.items() if s not in keyed], named


def _is_expression(node: Any) -> bool:
    """Expression objects hold `constant_value` and/or a `references` list; blocks hold arguments."""
    return (
        isinstance(node, dict)
        and bool(node)
        and set(node) <= {"constant_value", "references"}
        and isinstance(node.get("references", []), list)
    )


def _prefixed(prefix: str, subject: str) -> str:
    return f"{prefix}.{subject}" if prefix else subject


def _short(text: str, limit: int = 120) -> str:
    """Error messages stay one readable line, whatever the input holds."""
    text = repr(text)
    return text if len(text) <= limit else text[:limit] + "..."


# --- bounded JSON walks ------------------------------------------------------------------


def _bounded(value: Any) -> tuple[Any, bool]:
    """Copy JSON data without recursion; parts deeper than MAX_DEPTH become Unknown (cut=True)."""
    holder: list[Any] = [None]
    cut = False
    stack: list[tuple[Any, Any, Any, int]] = [(value, holder, 0, 0)]
    while stack:
        src, parent, key, depth = stack.pop()
        if isinstance(src, (dict, list)) and depth >= MAX_DEPTH:
            parent[key], cut = Unknown("nested too deeply"), True
        elif isinstance(src, dict):
            parent[key] = copied = dict.fromkeys(src)
            stack.extend((v, copied, k, depth + 1) for k, v in src.items())
        elif isinstance(src, list):
            parent[key] = items = [None] * len(src)
            stack.extend((v, items, i, depth + 1) for i, v in enumerate(src))
        else:
            parent[key] = src
    return holder[0], cut


def _get(container: Any, key: Any) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    return container[key] if isinstance(container, list) and key < len(container) else None


def _has_true(mark: Any) -> bool:
    if mark is True:
        return True
    items = mark.values() if isinstance(mark, dict) else mark if isinstance(mark, list) else ()
    return any(_has_true(m) for m in items)


def _mask(container: Any, key: Any, mark: Any) -> None:
    """Replace every value that `mark` (after_sensitive / sensitive_values) flags as sensitive."""
    value = _get(container, key)
    if mark is True and value is not None:
        container[key] = Unknown("sensitive")
    elif isinstance(mark, dict) and isinstance(value, dict):
        for k, m in mark.items():
            _mask(value, k, m)
    elif isinstance(mark, list) and isinstance(value, list):
        for i, m in enumerate(mark[: len(value)]):
            _mask(value, i, m)


def _fill(container: Any, key: Any, mark: Any, path: list[Any], resolve: Callable[..., Any], width: int) -> None:
    """Put an explicit unknown wherever `mark` (after_unknown) is true and the plan has no value."""
    value = _get(container, key)
    if mark is True:
        if value is None:
            container[key] = resolve(path, width)
    elif isinstance(mark, (dict, list)) and _has_true(mark):
        if value is None:
            value = container[key] = {} if isinstance(mark, dict) else []
        if isinstance(mark, dict) and isinstance(value, dict):
            for k, m in mark.items():
                _fill(value, k, m, path + [k], resolve, 0)
        elif isinstance(mark, list) and isinstance(value, list):
            value.extend([None] * (len(mark) - len(value)))
            for i, m in enumerate(mark):
                _fill(value, i, m, path + [i], resolve, len(mark))


# --- the loader --------------------------------------------------------------------------


def _as_is(value: Any) -> tuple[Any, bool]:
    """_bounded for data known to be shallow enough and ours to change: no copy, no cut."""
    return value, False


class _PlanLoader:
    def __init__(self, rel_path: str, locate: Callable[[str], Location | None] | None,
                 owned: bool = False) -> None:
        self.bounded = _as_is if owned else _bounded
        self.rel_path = rel_path
        self.locate = locate
        self.resources: list[Resource] = []
        self.variables: list[Variable] = []
        self.errors: list[LoadError] = []
        self.config: dict[tuple[Any, ...], dict] = {}
        self.root_variables: dict = {}

    def error(self, message: str) -> None:
        self.errors.append(LoadError(path=self.rel_path, message=message))

    def section(self, data: dict, *keys: str) -> Any:
        """The object at data[k1][k2]..., or None (with an error when a part has the wrong shape)."""
        node: Any = data
        where = ""
        for key in keys:
            where = f"{where}.{key}" if where else key
            node = node.get(key)
            if node is None:
                return None
            if not isinstance(node, dict):
                self.error(f"{where}: expected an object, got {type(node).__name__}")
                return None
        return node

    def run(self, data: Any) -> tuple[list[Resource], list[Variable], list[LoadError]]:
        if not isinstance(data, dict):
            self.error(f"plan: expected a JSON object, got {type(data).__name__}")
            return self.resources, self.variables, self.errors
        self.check_version(data.get("format_version"))
        self.read_configuration(self.section(data, "configuration", "root_module"))
        changes, deleted = self.read_changes(data.get("resource_changes"))
        seen: set[str] = set()

        def add(raw: Any, where: str, values_key: str, change: dict | None) -> None:
            address = raw.get("address") if isinstance(raw, dict) else None
            if isinstance(address, str) and (address in seen or address in deleted):
                return
            resource = self.build(raw, where, values_key, change)
            if resource is not None:
                seen.add(resource.address)
                self.resources.append(resource)

        planned = self.section(data, "planned_values", "root_module")
        for raw, where in self.module_resources(planned, "planned_values.root_module"):
            address = raw.get("address") if isinstance(raw, dict) else None
            add(raw, where, "values", changes.get(address) if isinstance(address, str) else None)
        prior = self.section(data, "prior_state", "values", "root_module")
        for raw, where in self.module_resources(prior, "prior_state.values.root_module"):
            add(raw, where, "values", None)
        for address, raw in changes.items():
            if address not in seen and isinstance(raw["change"].get("after"), dict):
                add(raw, f"resource_changes ({address})", "", raw)  # in no values section, e.g. a broken planned_values
        self.read_variables(data.get("variables"))
        return self.resources, self.variables, self.errors

    def check_version(self, version: Any) -> None:
        major = version.split(".")[0] if isinstance(version, str) else ""
        if not major.isdigit():
            self.error(f"format_version: expected a version string like \"1.2\", got {version!r}")
        elif int(major) > 1:
            self.error(f"format_version {version} is not supported (0.1 to 1.x); results may be incomplete")

    def read_changes(self, changes: Any) -> tuple[dict[str, dict], set[str]]:
        """Current-object changes by address, and the addresses that will be deleted."""
        by_address: dict[str, dict] = {}
        deleted: set[str] = set()
        if changes is None:
            return by_address, deleted
        if not isinstance(changes, list):
            self.error(f"resource_changes: expected a list, got {type(changes).__name__}")
            return by_address, deleted
        for i, raw in enumerate(changes):
            where = f"resource_changes[{i}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("address"), str):
                self.error(f'{where}: expected an object with an "address"')
                continue
            if raw.get("deposed"):
                continue  # a leftover object from an earlier replace; not the current one
            change = raw.get("change")
            if not isinstance(change, dict) or not isinstance(change.get("actions"), list):
                self.error(f"{where} ({raw['address']}): \"change\" has no list of actions")
                continue
            by_address[raw["address"]] = raw
            if change["actions"] == ["delete"]:
                deleted.add(raw["address"])
        return by_address, deleted

    def module_resources(self, root: Any, where: str) -> list[tuple[Any, str]]:
        """Resources of a values module and all its child modules, walked without recursion."""
        found: list[tuple[Any, str]] = []
        stack = [(root, where, 0)] if root is not None else []
        while stack:
            module, at, depth = stack.pop()
            if not isinstance(module, dict):
                self.error(f"{at}: expected an object, got {type(module).__name__}")
                continue
            if depth > MAX_DEPTH:
                self.error(f"{at[:80]}...: modules nested deeper than {MAX_DEPTH} levels; the rest is skipped")
                continue
            resources, children = module.get("resources", []), module.get("child_modules", [])
            for name, items in (("resources", resources), ("child_modules", children)):
                if not isinstance(items, list):
                    self.error(f"{at}.{name}: expected a list, got {type(items).__name__}")
            if isinstance(resources, list):
                found.extend((raw, f"{at}.resources[{i}]") for i, raw in enumerate(resources))
            if isinstance(children, list):
                stack.extend((c, f"{at}.child_modules[{i}]", depth + 1) for i, c in reversed(list(enumerate(children))))
        return found

    def read_configuration(self, root: Any) -> None:
        """Index resource configurations by (module calls, mode, type, name) for their references."""
        if root is None:
            return
        self.root_variables = root.get("variables") if isinstance(root.get("variables"), dict) else {}
        stack: list[tuple[tuple[str, ...], Any, str]] = [((), root, "configuration.root_module")]
        while stack:
            calls, module, at = stack.pop()
            if not isinstance(module, dict):
                self.error(f"{at}: expected an object, got {type(module).__name__}")
                continue
            if len(calls) > MAX_DEPTH:
                self.error(f"{at[:80]}...: module calls nested deeper than {MAX_DEPTH} levels; the rest is skipped")
                continue
            resources = module.get("resources", [])
            for i, raw in enumerate(resources if isinstance(resources, list) else []):
                if isinstance(raw, dict) and all(isinstance(raw.get(k), str) for k in ("type", "name")):
                    self.config[(calls, raw.get("mode", "managed"), raw["type"], raw["name"])] = raw
                else:
                    self.error(f"{at}.resources[{i}]: expected an object with \"type\" and \"name\"")
            module_calls = module.get("module_calls", {})
            if not isinstance(module_calls, dict):
                self.error(f"{at}.module_calls: expected an object, got {type(module_calls).__name__}")
                continue
            for name, call in module_calls.items():
                child = call.get("module", {}) if isinstance(call, dict) else None
                stack.append((calls + (name,), child, f"{at}.module_calls.{name}.module"))

    def build(self, raw: Any, where: str, values_key: str, change_entry: dict | None) -> Resource | None:
        """One Resource from a values-representation resource (or a change when that is all there is)."""
        address = raw.get("address") if isinstance(raw, dict) else None
        if not isinstance(address, str):
            self.error(f'{where}: expected a resource object with an "address"')
            return None
        parts = _split_address(address)
        if parts is None:
            self.error(f"{where}: cannot read resource address {_short(address)}")
            return None
        module, mode, rtype, name, index = parts
        change = change_entry.get("change") if change_entry else None
        change = change if isinstance(change, dict) else {}
        values, cut = self.bounded(raw.get(values_key) if values_key else None)
        if values is None:
            values, cut = self.bounded(change.get("after"))
        if not isinstance(values, dict):
            if values is not None:
                self.error(f"{where} ({address}): values: expected an object, got {type(values).__name__}")
            values = {}
        if cut:
            self.error(f"{address}: values nested deeper than {MAX_DEPTH} levels; deeper parts treated as unknown")

        for mark in (raw.get("sensitive_values"), change.get("after_sensitive")):
            mark, _ = self.bounded(mark)
            if mark is True:
                mark = {k: True for k in values}
            _mask({"": values}, "", mark)

        config = self.config.get((_module_calls(module), mode, rtype, name), {})
        expressions, _ = self.bounded(config.get("expressions"))
        expressions = expressions if isinstance(expressions, dict) else {}
        references: dict[str, set[str]] = {}
        self.collect_references(expressions, "", module, references)
        unknown, _ = self.bounded(change.get("after_unknown"))
        _fill({"": values}, "", unknown, [], lambda path, width: self.unknown_at(expressions, path, width, module), 0)

        provider = config.get("provider_config_key")
        try:
            return Resource(
                address=address, type=rtype, name=name, mode=mode, module=module, index=index,
                values=values, references={k: sorted(v) for k, v in sorted(references.items())},
                location=self.location(address), source="plan", provider=provider if isinstance(provider, str) else "",
            )
        except ValueError as exc:
            self.error(f"{address}: {exc}".splitlines()[0])
            return None

    def collect_references(self, block: dict, path: str, module: str, out: dict[str, set[str]]) -> None:
        """argument path ("statement.resources") -> referenced object addresses, with module prefix."""
        for key, node in block.items():
            where = f"{path}.{key}" if path else str(key)
            if _is_expression(node):
                subjects, _ = _subjects(node)
                if subjects:
                    out.setdefault(where, set()).update(_prefixed(module, s) for s, _ in subjects)
            elif isinstance(node, dict):
                self.collect_references(node, where, module, out)
            elif isinstance(node, list):
                for item in node:
                    if isinstance(item, dict):
                        self.collect_references(item, where, module, out)

    @staticmethod
    def unknown_at(expressions: dict, path: list[Any], width: int, module: str) -> Unknown:
        """The explicit unknown for a value at `path`: a Ref when its expression names one object."""
        node: Any = expressions
        rest: list[Any] = []
        for i, step in enumerate(path):
            if _is_expression(node):
                rest = path[i:]
                break
            fits = isinstance(node, dict) or (isinstance(node, list) and isinstance(step, int))
            node = _get(node, step) if fits else None
        if not _is_expression(node):
            return Unknown("known after apply")
        subjects, named = _subjects(node)
        if subjects and (len(subjects) == 1 or not rest):
            subject, attribute = subjects[0]
        elif subjects and len(rest) == 1 and width == len(subjects):
            subject, attribute = subjects[rest[0]]  # `[a.arn, b.arn]`: one reference per element
        elif named and not subjects:
            return Unknown(named[0])
        else:
            return Unknown("known after apply")
        return Ref(address=_prefixed(module, subject), attribute=attribute)

    def location(self, address: str) -> Location | None:
        if self.locate is None:
            return None
        try:
            return self.locate(address)
        except Exception as exc:  # the caller's mapper must not take the scan down
            self.error(f"{address}: could not locate in source: {type(exc).__name__}: {exc}")
            return None

    def read_variables(self, variables: Any) -> None:
        if variables is None:
            return
        if not isinstance(variables, dict):
            self.error(f"variables: expected an object, got {type(variables).__name__}")
            return
        for name, entry in variables.items():
            declared = self.root_variables.get(name)
            sensitive = isinstance(declared, dict) and declared.get("sensitive") is True
            if not isinstance(entry, dict):
                self.error(f'variables.{name}: expected an object with a "value"')
                continue
            value, cut = self.bounded(entry.get("value"))
            if cut:
                self.error(f"variables.{name}: value nested deeper than {MAX_DEPTH} levels")
            value = Unknown("sensitive") if sensitive else value
            self.variables.append(Variable(name=name, module="", value=value, sensitive=sensitive))
