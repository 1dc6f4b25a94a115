"""Safe YAML loaders that record 1-based line numbers, for errors that name `file:line`.

Every YAML input of sod-iac (the config, the rule/duty/escalation catalogs, Atlantis files) is
read here, with YAML 1.2 booleans: only true/false (any case) are booleans, so `on:` (the
documented key of a duty clause), `yes`, `no`, `off`, `y` stay strings. Built on libyaml
(`yaml.CSafeLoader`) when PyYAML has it, else on the pure-Python `yaml.SafeLoader`; both build
the same data. Two ways of keeping lines, for the two shapes of consumer:

- `LineLoader`: every mapping gets a `__line__` key (data that travels on as plain dicts:
  Project.documents, the catalogs).
- `TrackedLineLoader`: mappings are `LineMapping` (`.line`, `.key_lines`, a duplicate key is an
  error), sequences are `LineSequence` (`.line`, `.item_lines`): for validators that name the line of a key.

Read with `load_yaml(text, loader)`: when libyaml rejects the text, the pure-Python twin reads it
again, so errors (problem, mark, message) are exactly those of `yaml.SafeLoader`. The resolver
and constructor tables are copied onto each class: no other loader, `yaml.safe_load` included,
changes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_FAST_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"


class LineMapping(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[Any, int]


class LineSequence(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int
    item_lines: list[int]


def _strict_bools(loader: Any) -> None:
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _build(base: Any) -> tuple[Any, Any]:
    class Keyed(base):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            mapping = super().construct_mapping(node, deep=deep)
            mapping["__line__"] = node.start_mark.line + 1
            return mapping

    class Tracked(base):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineMapping:
            mapping = LineMapping()
            mapping.line = node.start_mark.line + 1
            mapping.key_lines = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError as exc:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        "found an unhashable key", key_node.start_mark) from exc
                if key in mapping:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"found duplicate key {key!r}", key_node.start_mark)
                mapping[key] = self.construct_object(value_node, deep=True)
                mapping.key_lines[key] = key_node.start_mark.line + 1
            return mapping

        def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineSequence:
            sequence = LineSequence(self.construct_object(child, deep=True) for child in node.value)
            sequence.line = node.start_mark.line + 1
            sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
            return sequence

    _strict_bools(Keyed)
    _strict_bools(Tracked)
    Tracked.add_constructor("tag:yaml.org,2002:map", lambda loader, node: loader.construct_mapping(node))
    Tracked.add_constructor("tag:yaml.org,2002:seq", lambda loader, node: loader.construct_sequence(node))
    return Keyed, Tracked


LineLoader, TrackedLineLoader = _build(_FAST_BASE)
_PURE: dict[Any, Any] = (
    dict(zip((LineLoader, TrackedLineLoader), _build(yaml.SafeLoader), strict=True))
    if _FAST_BASE is not yaml.SafeLoader else {})


def pure_python(loader: Any) -> Any:
    """The pure-Python (yaml.SafeLoader based) twin of one of the loaders above."""
    return _PURE.get(loader, loader)


def load_yaml(text: str, loader: Any) -> Any:
    """`yaml.load(text, Loader=loader)`; a YAML error is raised by the pure-Python twin."""
    twin = pure_python(loader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader (or CSafeLoader) subclass
    except yaml.YAMLError:
        if twin is loader:
            raise
    return yaml.load(text, Loader=twin)  # noqa: S506 - a SafeLoader subclass
