"""The line-recording YAML loaders (sod_iac/util/yaml_lines.py): lines, booleans, isolation, C = Python."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sod_iac.util import yaml_lines
from sod_iac.util.yaml_lines import (
    LineLoader,
    LineMapping,
    LineSequence,
    TrackedLineLoader,
    load_yaml,
    pure_python,
)

RULESETS = Path(yaml_lines.__file__).resolve().parent.parent / "rulesets"
CATALOGS = sorted(RULESETS.glob("*.yaml"))
LOADERS = [LineLoader, TrackedLineLoader]
TEXT = "top: 1\nitems:\n  - name: a\n    on: push\n  - name: b\n"
SCALARS = "a: on\nb: yes\nc: no\nd: true\ne: False\nf: off\ng: Y\n"


def _shape(value):
    """The data with its types and recorded lines, comparable with ==."""
    if isinstance(value, dict):
        return ("map", getattr(value, "line", None), sorted(getattr(value, "key_lines", {}).items()),
                [(key, type(key), _shape(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("seq", getattr(value, "line", None), [_shape(item) for item in value])
    return (type(value), value)


def test_catalogs_are_found():
    assert {path.name for path in CATALOGS} >= {"aws_escalation.yaml", "catalog.yaml", "default.yaml"}


def test_every_mapping_gets_its_line():
    data = load_yaml(TEXT, LineLoader)
    assert data["__line__"] == 1
    assert [item["__line__"] for item in data["items"]] == [3, 5]


def test_tracked_loader_records_mapping_sequence_and_key_lines():
    data = load_yaml(TEXT, TrackedLineLoader)
    assert isinstance(data, LineMapping) and data.line == 1
    assert data.key_lines == {"top": 1, "items": 2}
    assert isinstance(data["items"], LineSequence) and data["items"].line == 3
    assert [item.line for item in data["items"]] == [3, 5]
    assert data["items"][0].key_lines == {"name": 3, "on": 4}
    assert "__line__" not in data


def test_tracked_loader_rejects_a_duplicate_key_at_its_line():
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'on'") as caught:
        load_yaml("a: 1\non: x\non: y\n", TrackedLineLoader)
    assert caught.value.problem_mark.line + 1 == 3


@pytest.mark.parametrize("loader", LOADERS)
def test_only_true_and_false_are_booleans(loader):
    """YAML 1.2 (core schema) booleans for every YAML input: a duty clause's `on:` stays a key."""
    data = load_yaml(SCALARS, loader)
    assert {key: data[key] for key in "abcdefg"} == {
        "a": "on", "b": "yes", "c": "no", "d": True, "e": False, "f": "off", "g": "Y"}
    assert load_yaml("on: push\n", loader) == ({"on": "push", "__line__": 1} if loader is LineLoader
                                              else {"on": "push"})


def test_line_loaders_leave_other_loaders_unchanged():
    before = yaml.safe_load(SCALARS)
    tables = {cls: (dict(cls.yaml_implicit_resolvers), dict(cls.yaml_constructors))
              for cls in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader))}
    for loader in LOADERS:
        load_yaml(SCALARS, loader)
        load_yaml(SCALARS, pure_python(loader))
    after = yaml.safe_load(SCALARS)
    assert after == before == {"a": True, "b": True, "c": False, "d": True, "e": False, "f": False, "g": "Y"}
    assert yaml.load(SCALARS, Loader=yaml.SafeLoader) == before
    assert not isinstance(yaml.safe_load("a: 1\n"), LineMapping)
    assert "__line__" not in yaml.safe_load("a: 1\n")
    for cls, (resolvers, constructors) in tables.items():
        assert cls.yaml_implicit_resolvers == resolvers
        assert cls.yaml_constructors == constructors
    assert yaml.SafeLoader.yaml_implicit_resolvers is not LineLoader.yaml_implicit_resolvers
    assert yaml.SafeLoader.yaml_implicit_resolvers is not TrackedLineLoader.yaml_implicit_resolvers


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
def test_loaders_use_libyaml_when_available():
    for loader in LOADERS:
        assert issubclass(loader, yaml.CSafeLoader)
        assert issubclass(pure_python(loader), yaml.SafeLoader)
        assert not issubclass(pure_python(loader), yaml.CSafeLoader)


@pytest.mark.parametrize("loader", LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.name)
def test_c_and_pure_python_build_the_same_catalog_data(path, loader):
    text = path.read_text(encoding="utf-8")
    assert _shape(load_yaml(text, loader)) == _shape(yaml.load(text, Loader=pure_python(loader)))


@pytest.mark.parametrize("loader", LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("text", ["rules: [\n", "a:\n\t- x\n", "k: @x\n", "a: 1\n b: 2\n"])
def test_errors_are_those_of_the_pure_python_loader(loader, text):
    with pytest.raises(yaml.YAMLError) as fast:
        load_yaml(text, loader)
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.load(text, Loader=pure_python(loader))
    assert str(fast.value) == str(pure.value)
    assert fast.value.problem_mark.line == pure.value.problem_mark.line
