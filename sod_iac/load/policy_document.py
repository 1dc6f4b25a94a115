"""Render `data "aws_iam_policy_document"` arguments to the policy JSON the AWS provider writes.

Policies are often built with this data source, and its `json` attribute is only known after
the provider runs. We rebuild it here so HCL-only scans see the same policy a plan would.
Every rule below mirrors hashicorp/terraform-provider-aws (internal/service/iam/
policy_document_data_source.go and policy_model.go, current provider) so that HCL and plan
input agree; the comments name the Go behaviour each one copies.

Values may be Unknown/Ref/Template (see `values.py`); they stay leaves of the result.
Where the provider would fail (invalid JSON, duplicate Sids, `&{` in a 2008-10-17 document)
we raise ValueError, so the loader can report the file instead of guessing.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from sod_iac.core.values import Template, Unknown, as_list, decode_json, encode_json, make_template

DEFAULT_VERSION = "2012-10-17"


def render_policy_document(args: dict) -> dict | Unknown:
    """The policy document as a dict (`json` decoded), or Unknown if its statements are."""
    blocks = _blocks(args.get("statement"))
    if isinstance(blocks, Unknown) or any(isinstance(b, Unknown) for b in blocks):
        return Unknown("policy document statements unknown")
    version = args.get("version") or DEFAULT_VERSION

    # Go: mergedDoc starts empty; sources merge in order, then this document, then overrides.
    merged: dict[str, Any] = {"Version": "", "Id": "", "Statement": []}
    sources, _ = _documents(args.get("source_policy_documents"))
    _check_unique_sids([s for doc in sources for s in doc["Statement"]], "source_policy_documents")
    for doc in sources:
        _merge(merged, doc)

    own = [_config_statement(b, version) for b in blocks]
    _check_unique_sids(own, "statement")
    _merge(merged, {"Version": version, "Id": args.get("policy_id") or "", "Statement": own})

    for doc in _documents(args.get("override_policy_documents"))[0]:
        _merge(merged, doc)
    # Go: Version, Id and Statement are all `omitempty`.
    return {key: value for key, value in merged.items() if value not in ("", [])}


def render_policy_json(args: dict) -> str | Template | Unknown:
    """What the `json` attribute holds (compact; the provider indents, same value)."""
    doc = render_policy_document(args)
    return doc if isinstance(doc, Unknown) else encode_json(doc)


def has_unknown_sources(args: dict) -> bool:
    """True when a source/override document could not be read, so the render may miss statements."""
    return (
        _documents(args.get("source_policy_documents"))[1]
        or _documents(args.get("override_policy_documents"))[1]
    )


# --- merging ---------------------------------------------------------------------------


def _merge(into: dict, doc: dict) -> None:
    """Go `iamPolicyDoc.Merge`: adopt a set Id, upgrade Version, replace same-Sid statements."""
    if doc["Id"] not in ("", None):
        into["Id"] = doc["Id"]
    new, old = doc["Version"], into["Version"]
    if new and (not isinstance(new, str) or not isinstance(old, str) or new > old):
        into["Version"] = new
    statements = into["Statement"]
    for statement in doc["Statement"]:
        sid = statement.get("Sid")
        same = [i for i, s in enumerate(statements) if sid and s.get("Sid") == sid]
        if same:
            statements[same[0]] = statement
        else:
            statements.append(statement)


def _check_unique_sids(statements: list[dict], where: str) -> None:
    """The provider rejects a Sid used twice within the sources, or twice in `statement`."""
    seen: set[str] = set()
    for statement in statements:
        sid = statement.get("Sid")
        if isinstance(sid, str) and sid:
            if sid in seen:
                raise ValueError(f"duplicate Sid ({sid}) in {where}")
            seen.add(sid)


# --- statements from the configuration ---------------------------------------------------


def _config_statement(block: dict, version: Any) -> dict:
    """One `statement` block, with the field order of Go's iamPolicyStatement."""
    out: dict[str, Any] = {}
    if block.get("sid"):
        out["Sid"] = block["sid"]
    out["Effect"] = block.get("effect") or "Allow"  # schema Default "Allow"
    # Go replaces `&{` by `${` in resources, principals and condition values, not in actions.
    for key, name, replace in (
        ("actions", "Action", False),
        ("not_actions", "NotAction", False),
        ("resources", "Resource", True),
        ("not_resources", "NotResource", True),
    ):
        value = _string_set(block.get(key), version if replace else None)
        if value is not None:
            out[name] = value
    for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        value = _config_principals(block.get(key), version)
        if value is not None:
            out[name] = value
    value = _config_conditions(block.get("condition"), version)
    if value is not None:
        out["Condition"] = value
    return out


def _string_set(value: Any, version: Any) -> Any:
    """Go `policyDecodeConfigStrings`: one item renders as a string, more sort descending.

    Unknown items cannot be placed in the sort; they follow the known ones. None means
    "not set" (the provider skips empty sets). `version` None: no `&{` replacement.
    """
    if isinstance(value, (Unknown, Template)):
        return value
    items = _distinct([v for v in as_list(value) if v is not None])
    if not items:
        return None
    return _single_or_list(_replace_vars(_descending(items), version))


def _config_principals(value: Any, version: Any) -> Any:
    """`principals` blocks in the SDK's set order, merged by Go's principal marshaller."""
    blocks = _blocks(value)
    if isinstance(blocks, Unknown):
        return blocks
    if not all(isinstance(b, dict) for b in blocks):
        return Unknown("principals unknown")
    pairs = []
    for block in _sdk_set(blocks, _hash_principal):
        # an unknown list acts as one identifier; an empty set renders as []
        ids = _string_set(block.get("identifiers"), version)
        pairs.append((block.get("type"), [] if ids is None else ids))
    return _marshal_principals(pairs)


def _config_conditions(value: Any, version: Any) -> Any:
    """`condition` blocks in the SDK's set order; values keep their order (a list in the schema)."""
    blocks = _blocks(value)
    if isinstance(blocks, Unknown):
        return blocks
    if not all(isinstance(b, dict) for b in blocks):
        return Unknown("condition unknown")
    triples = []
    for block in _sdk_set(blocks, _hash_condition):
        values = block.get("values")
        if not isinstance(values, (Unknown, Template)):  # an unknown list acts as one value
            values = _single_or_list(_replace_vars(as_list(values), version))
        triples.append((block.get("test"), block.get("variable"), values))
    return _marshal_conditions(triples)


def _replace_vars(items: list, version: Any) -> list:
    """Go `dataSourcePolicyDocumentReplaceVarsInList`: `&{` becomes `${` (IAM policy variables)."""
    if version is None:
        return items
    out = []
    for item in items:
        parts = item.parts if isinstance(item, Template) else (item,)
        if version == "2008-10-17" and any(isinstance(p, str) and "&{" in p for p in parts):
            raise ValueError(f"found &{{ sequence in ({item}), not supported in 2008-10-17")
        out.append(make_template([p.replace("&{", "${") if isinstance(p, str) else p for p in parts]))
    return out


# --- statements from source/override documents -------------------------------------------


def _documents(value: Any) -> tuple[list[dict], bool]:
    """Parse JSON documents as Go's json.Unmarshal into iamPolicyDoc does.

    Returns the readable documents and whether some could not be known (skipped).
    """
    if isinstance(value, Unknown):
        return [], True
    docs, unknown = [], False
    for item in as_list(value):
        if item is None:  # Go: nil entries are skipped
            continue
        if isinstance(item, Unknown):
            unknown = True
            continue
        try:
            data = decode_json(item)
        except ValueError:
            if isinstance(item, Template):  # unknown parts outside strings: cannot tell
                unknown = True
                continue
            raise
        if not isinstance(data, dict):
            raise ValueError("policy document is not a JSON object")
        raw_statements = _field(data, "Statement")
        if isinstance(raw_statements, Unknown):
            unknown, raw_statements = True, None
        if raw_statements is not None and not isinstance(raw_statements, list):
            raise ValueError("policy document Statement is not a list")  # Go: into a slice
        statements = []
        for raw in raw_statements or []:
            if isinstance(raw, (Unknown, Template)):
                unknown = True
            elif isinstance(raw, dict):
                statements.append(_json_statement(raw))
            else:
                raise ValueError("policy document statement is not an object")
        docs.append(
            {"Version": _field(data, "Version") or "", "Id": _field(data, "Id") or "",
             "Statement": statements}
        )
    return docs, unknown


def _json_statement(raw: dict) -> dict:
    """Re-marshal one statement through Go's struct: known fields only, in struct order."""
    out: dict[str, Any] = {}
    for name in ("Sid", "Effect"):  # strings, omitempty
        if _field(raw, name):
            out[name] = _field(raw, name)
    for name in ("Action", "NotAction", "Resource", "NotResource"):  # `any`: kept as written
        if _field(raw, name) is not None:
            out[name] = _field(raw, name)
    for name in ("Principal", "NotPrincipal"):
        value = _json_principals(_field(raw, name))
        if value is not None:
            out[name] = value
    value = _json_conditions(_field(raw, "Condition"))
    if value is not None:
        out["Condition"] = value
    return out


def _json_principals(value: Any) -> Any:
    """Go principal UnmarshalJSON: any string means everyone ("*"); map lists sort ascending."""
    if value is None:
        return None
    if isinstance(value, (str, Template)):  # a Template is a string whatever its parts
        return "*"
    if isinstance(value, Unknown):  # may have stood for a map: keep it
        return value
    if not isinstance(value, dict):
        raise ValueError(f"unsupported Principal {value!r}")
    pairs: list[tuple[Any, Any]] = []
    for kind, ids in value.items():
        if isinstance(ids, list):
            if not all(isinstance(i, (str, Unknown, Template)) for i in ids):
                raise ValueError(f"Principal {kind} identifiers must be strings")
            pairs.append((kind, list(ids)))
        elif isinstance(ids, (str, Unknown, Template)):
            pairs.append((kind, ids))
        else:
            raise ValueError(f"unsupported Principal {kind} value {ids!r}")
    return _marshal_principals(pairs)


def _json_conditions(value: Any) -> Any:
    """Go condition UnmarshalJSON: strings and lists kept, bools become "true"/"false".

    Numbers (and nulls) match no case in the provider and are dropped; we copy that.
    """
    if value is None or isinstance(value, (Unknown, Template)):
        return value
    if not isinstance(value, dict):
        raise ValueError("Condition must be an object")
    triples: list[tuple[Any, Any, Any]] = []
    for test, variables in value.items():
        if variables is None:
            continue
        if not isinstance(variables, dict):
            raise ValueError(f"Condition {test} must be an object")
        for variable, values in variables.items():
            if isinstance(values, bool):
                triples.append((test, variable, "true" if values else "false"))
            elif isinstance(values, (str, Unknown, Template)):
                triples.append((test, variable, [values]))
            elif isinstance(values, list):
                if not all(isinstance(v, (str, Unknown, Template)) for v in values):
                    raise ValueError(f"Condition {test} {variable} values must be strings")
                triples.append((test, variable, list(values)))
    return _marshal_conditions(triples)


# --- Go marshallers shared by both paths -------------------------------------------------


def _marshal_principals(pairs: list[tuple[Any, Any]]) -> Any:
    """Go principal MarshalJSON: {"*": "*"} alone becomes "*"; same types concatenate.

    A list from one block sorts descending; a single identifier stays a string unless
    another block of the same type joins it. Keys sort (Go map encoding).
    """
    if not pairs:
        return None
    if any(not isinstance(kind, str) for kind, _ in pairs):
        return Unknown("principal type unknown")
    if len(pairs) == 1 and pairs[0][0] == "*" and pairs[0][1] in ("*", ["*"]):
        return "*"
    raw: dict[str, Any] = {}
    for kind, ids in pairs:
        current = raw.get(kind)
        if isinstance(ids, list):
            head = [] if current is None else current if isinstance(current, list) else [current]
            raw[kind] = head + _descending(ids)
        elif current is None:
            raw[kind] = ids
        else:
            raw[kind] = (current if isinstance(current, list) else [current]) + [ids]
    return {kind: raw[kind] for kind in sorted(raw)}


def _marshal_conditions(triples: list[tuple[Any, Any, Any]]) -> Any:
    """Go condition MarshalJSON: values of the same test and variable concatenate in order;
    a single value renders as a string. Keys sort (Go map encoding)."""
    if not triples:
        return None
    if any(not isinstance(t, str) or not isinstance(v, str) for t, v, _ in triples):
        return Unknown("condition test or variable unknown")
    raw: dict[str, dict[str, list]] = {}
    for test, variable, values in triples:
        items = raw.setdefault(test, {}).setdefault(variable, [])
        items.extend(values) if isinstance(values, list) else items.append(values)
    return {
        test: {var: _single_or_list(raw[test][var]) for var in sorted(raw[test])}
        for test in sorted(raw)
    }


# --- the plugin SDK's set order ----------------------------------------------------------


def _sdk_set(items: list, serialize: Callable[[Any], str | None]) -> list:
    """Order and dedupe set items as terraform-plugin-sdk's schema.Set.List() does.

    The SDK keys each item by crc32 of its serialization (SerializeResourceForHash) and lists
    items by that key's decimal text, sorted as strings. This decides which `principals`
    block's identifiers come first. Items with unknown parts cannot be hashed: they follow.
    """
    keyed: dict[str, Any] = {}
    rest: list = []
    for item in items:
        text = serialize(item)
        if text is None:
            if item not in rest:
                rest.append(item)
        else:
            keyed.setdefault(str(zlib.crc32(text.encode("utf-8"))), item)
    return [keyed[k] for k in sorted(keyed)] + rest


def _hash_principal(block: Any) -> str | None:
    """SDK serialization of a principals block: `identifiers:{a;b;};type:AWS;`."""
    if not isinstance(block, dict):
        return None
    kind, ids = block.get("type"), block.get("identifiers")
    if isinstance(ids, (Unknown, Template)):
        return None
    ids = [i for i in as_list(ids) if i is not None]
    if not isinstance(kind, str) or not all(isinstance(v, str) for v in ids):
        return None
    ordered = _sdk_set(_distinct(ids), lambda s: s + ";")
    return "identifiers:{" + "".join(s + ";" for s in ordered) + "};type:" + kind + ";"


def _hash_condition(block: Any) -> str | None:
    """SDK serialization of a condition block: `test:T;values:(a;b;);variable:V;`."""
    if not isinstance(block, dict):
        return None
    test, variable, values = block.get("test"), block.get("variable"), block.get("values")
    if isinstance(values, (Unknown, Template)):
        return None
    values = as_list(values)
    if not all(isinstance(v, str) for v in [test, variable, *values]):
        return None
    return f"test:{test};values:(" + "".join(v + ";" for v in values) + f");variable:{variable};"


# --- small helpers -----------------------------------------------------------------------


def _blocks(value: Any) -> list | Unknown:
    """Nested blocks as a list; an Unknown collection stays Unknown."""
    if isinstance(value, (Unknown, Template)):
        return value if isinstance(value, Unknown) else Unknown("blocks unknown")
    return [b for b in as_list(value) if b is not None]


def _distinct(items: list) -> list:
    """Set semantics: drop repeats, keep first occurrence."""
    out: list = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _descending(items: list) -> list:
    """Go sorts then reverses: known strings descending (byte order); unknown ones after."""
    known = sorted((i for i in items if isinstance(i, str)), reverse=True)
    return known + [i for i in items if not isinstance(i, str)]


def _single_or_list(items: list) -> Any:
    return items[0] if len(items) == 1 else items


def _field(obj: dict, name: str) -> Any:
    """Go's json matches struct fields case-insensitively; the last matching key wins."""
    found = None
    for key, value in obj.items():
        if key.lower() == name.lower():
            found = value
    return found
