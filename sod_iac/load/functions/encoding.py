"""Encoding, hashing, ids and time: JSON, YAML, CSV, base64, URL, digests, UUIDs, and the
functions whose value only exists at plan or apply time.
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import json
import math
import re
import urllib.parse
import uuid as _uuid
from collections.abc import Callable
from typing import Any, NoReturn

from sod_iac.core.values import Template, Unknown, decode_json, encode_json, make_template
from sod_iac.load.functions.arguments import _is_num, _num_out, _str, _str_keys, _type_name, _utf8
from sod_iac.load.functions.registry import FunctionError, _register, _Unknowable


def _json_prepare(value: Any) -> Any:
    """Shape a value as Terraform's jsonencode sees it: sorted keys, whole numbers as ints."""
    if isinstance(value, (Unknown, Template, str)) or value is None or isinstance(value, bool):
        return value
    if _is_num(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise FunctionError("cannot encode an infinite number as JSON")
        return _num_out(value)
    if isinstance(value, (list, tuple)):
        return [_json_prepare(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_prepare(value[key]) for key in _str_keys(value)}
    raise FunctionError(f"cannot encode a {_type_name(value)} as JSON")


_HTML_ESCAPES = {
    "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029",
}
_HTML_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def _html_escape(text: str) -> str:
    """Go's encoder escapes these inside JSON strings; they cannot occur elsewhere in JSON."""
    return _HTML_ESCAPE_RE.sub(lambda m: _HTML_ESCAPES[m.group(0)], text)


def _jsonencode(value: Any) -> Any:
    encoded = encode_json(_json_prepare(value))
    if isinstance(encoded, Template):
        return make_template([_html_escape(p) if isinstance(p, str) else p for p in encoded.parts])
    return _html_escape(encoded)


def _normalize_numbers(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FunctionError("JSON numbers must be finite")
        return _num_out(value)
    if isinstance(value, list):
        return [_normalize_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalize_numbers(item) for key, item in value.items()}
    return value


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"invalid JSON value {name}")


@functools.lru_cache(maxsize=1)
def _yaml_loader() -> type:
    """A PyYAML loader resolving scalars as go-cty-yaml does (YAML 1.1 bools, no octal/hex)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    resolvers = yaml.SafeLoader.yaml_implicit_resolvers
    Loader.yaml_implicit_resolvers = {key: list(value) for key, value in resolvers.items()}
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
        list("-+0123456789"))

    def construct_bool(loader: Any, node: Any) -> bool:
        return loader.construct_scalar(node).lower() in ("y", "yes", "true", "on")

    def construct_int(loader: Any, node: Any) -> Any:
        text = loader.construct_scalar(node).replace("_", "")
        if re.fullmatch(r"[-+]?[0-9]+", text):
            return int(text, 10)
        if re.fullmatch(r"-?0b[01]+", text):
            return int(text.replace("0b", ""), 2)
        return loader.construct_scalar(node)  # 0x1F, 0o17, 1:20 stay strings in Terraform

    def construct_float(loader: Any, node: Any) -> Any:
        value = yaml.SafeLoader.construct_yaml_float(loader, node)
        if value != value:
            raise ValueError("floating point NaN is not supported")
        return _num_out(value)

    def construct_timestamp(loader: Any, node: Any) -> str:
        value = yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        if not hasattr(value, "hour"):
            return value.strftime("%Y-%m-%dT00:00:00Z")
        if value.tzinfo is None or value.utcoffset().total_seconds() == 0:
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.replace(microsecond=0).isoformat()

    def construct_binary(loader: Any, node: Any) -> str:
        text = loader.construct_scalar(node)
        base64.b64decode("".join(text.split()), validate=True)  # must be valid, stays text
        return text

    Loader.add_constructor("tag:yaml.org,2002:binary", construct_binary)
    Loader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    Loader.add_constructor("tag:yaml.org,2002:float", construct_float)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    return Loader


def _yaml_plain(value: Any, inside: tuple[int, ...] = ()) -> Any:
    """String keys (`1: a` has key "1"); an anchor used inside itself is an error, as in TF."""
    if isinstance(value, (dict, list)):
        if id(value) in inside:
            raise FunctionError("cannot refer to an anchor from inside its own definition")
        inside = (*inside, id(value))
    if isinstance(value, dict):
        return {("null" if key is None else _str(key, "key")): _yaml_plain(item, inside)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_yaml_plain(item, inside) for item in value]
    return value


@_register("jsonencode")
def _jsonencode_function(value: Any) -> Any:
    """JSON text; unknown leaves stay unknown parts of a Template (Refs survive)."""
    return _jsonencode(value)


@_register("jsondecode")
def _jsondecode(text: Any) -> Any:
    if isinstance(text, Unknown):
        raise _Unknowable(text)
    if isinstance(text, Template):
        try:
            return _normalize_numbers(decode_json(text))
        except ValueError:
            raise _Unknowable(text) from None  # the unknown parts might complete the JSON
    try:
        return _normalize_numbers(json.loads(_str(text), parse_constant=_reject_constant))
    except ValueError as exc:
        raise FunctionError(f"invalid JSON: {exc}") from None


@_register("yamldecode")
def _yamldecode(text: Any) -> Any:
    import yaml

    try:
        documents = list(yaml.load_all(_str(text), Loader=_yaml_loader()))
    except (yaml.YAMLError, ValueError) as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FunctionError(f"invalid YAML: {problem}") from None
    if len(documents) > 1:
        raise FunctionError("unexpected extra content after value")
    return _yaml_plain(documents[0]) if documents else None


@_register("csvdecode")
def _csvdecode(text: Any) -> list[dict[str, str]]:
    rows = [row for row in csv.reader(io.StringIO(_str(text))) if row]
    if not rows:
        raise FunctionError("missing header line")
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise FunctionError(f"record on line {number}: wrong number of fields")
    return [dict(zip(header, row)) for row in rows[1:]]


@_register("base64encode")
def _base64encode(text: Any) -> str:
    return base64.b64encode(_utf8(text)).decode("ascii")


@_register("base64decode")
def _base64decode(text: Any) -> str:
    try:
        raw = base64.b64decode(_str(text), validate=True)
    except ValueError:
        raise FunctionError("failed to decode base64 data") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError("the decoded bytes are not valid UTF-8") from None


@_register("urlencode")
def _urlencode(text: Any) -> str:
    return urllib.parse.quote_plus(_utf8(text), safe="")


def _hexdigest(algorithm: str) -> Callable[[Any], str]:
    def digest(text: Any) -> str:
        return hashlib.new(algorithm, _utf8(text)).hexdigest()

    return digest


def _b64digest(algorithm: str) -> Callable[[Any], str]:
    def digest(text: Any) -> str:
        raw = hashlib.new(algorithm, _utf8(text)).digest()
        return base64.b64encode(raw).decode("ascii")

    return digest


for _name in ("md5", "sha1", "sha256", "sha512"):
    _register(_name)(_hexdigest(_name))
for _name, _algorithm in (("base64sha256", "sha256"), ("base64sha512", "sha512")):
    _register(_name)(_b64digest(_algorithm))
del _name, _algorithm


_UUID_NAMESPACES = {"dns": _uuid.NAMESPACE_DNS, "url": _uuid.NAMESPACE_URL,
                    "oid": _uuid.NAMESPACE_OID, "x500": _uuid.NAMESPACE_X500}


@_register("uuidv5")
def _uuidv5(namespace: Any, name: Any) -> str:
    namespace = _str(namespace, "namespace")
    try:
        space = _UUID_NAMESPACES.get(namespace) or _uuid.UUID(namespace)
    except ValueError:
        raise FunctionError(f"uuidv5() doesn't support namespace {namespace}") from None
    return str(_uuid.uuid5(space, _str(name, "name")))


def _not_static(name: str) -> Callable[..., Any]:
    """Functions whose value only exists at plan/apply time (or per run)."""

    def impl(*args: Any) -> Unknown:
        return Unknown(f"{name}()")

    return impl


for _name in ("uuid", "timestamp", "plantimestamp", "bcrypt", "templatestring"):
    _register(_name)(_not_static(_name))
del _name
