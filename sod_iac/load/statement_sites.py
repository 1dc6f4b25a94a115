"""Where each policy statement is written, so that evidence can end at the statement a reviewer
must change (issue 17). The loader knows lines; the rendered policy does not keep them.

- a `data "aws_iam_policy_document"`: one site per `statement` block (its own lines; a
  `dynamic "statement"` gives its entries the dynamic block's lines);
- `policy = jsonencode({Statement = [{...}, ...]})`: one site per statement object, at its lines;
- another argument written as a policy (a heredoc, `templatefile`, a statement list built by an
  expression): one site per statement of its value, at the argument's lines. An argument that
  only refers to another resource's `.json` (or picks one of several references:
  `coalesce(var.policy, data.x.json)`) is not a site: the statements are written where it points;
- a policy or a statement written in a local value (`policy = local.trust`, `Statement =
  [local.send]`): the local is where it is written, so its lines (and file) are the site's;
- a grant written as a nested block of another cloud (a `binding` of `data "google_iam_policy"`,
  a `rule` of a Kubernetes role, an `access_policy` of a Key Vault): one site per block, its
  signature `TYPE#N` (its position among the rendered blocks), so the access layer quotes that
  block's lines;
- a policy argument whose statements cannot be read before evaluation (a template with an
  `%{ if }` on an unknown value): one site for all of them, at the argument's lines.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sod_iac.core.model import Location, StatementSite
from sod_iac.core.values import UNREAD_STATEMENTS, Template, Unknown, decode_json, grant_block_signature, statement_signature
from sod_iac.load.hcl_ast import (
    Attribute,
    Block,
    Call,
    GetAttr,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Splat,
    TemplateExpr,
    TupleExpr,
)

POLICY_ARGUMENTS = ("policy", "assume_role_policy", "content", "inline_policy")
"""Arguments of AWS resources that hold a policy document (IAM, resource and SCP policies)."""


Locals = Mapping[str, tuple[Attribute, str]]
"""A module's local values: name -> (its attribute, the file it is written in)."""


def statement_sites(block: Block, path: str, rtype: str, values: dict[str, Any],
                    local_values: Locals | None = None) -> list[StatementSite]:
    """The statement sites of one resource instance, from its block and evaluated values."""
    local_values = local_values or {}
    if rtype in GRANT_BLOCKS:
        return _grant_block_sites(block, path, GRANT_BLOCKS[rtype])
    if not rtype.startswith("aws_"):
        return []
    if rtype == "aws_iam_policy_document":
        return _document_sites(block, path, values)
    sites: list[StatementSite] = []
    for name in POLICY_ARGUMENTS:
        attr = block.body.attributes.get(name)
        if attr is None:
            continue
        attr, where = _through_local(attr, path, local_values)
        if isinstance(attr.expr, (Call, Lit, TemplateExpr)) and not _picks_a_reference(attr.expr):
            sites.extend(_argument_sites(attr, where, values.get(name), name, local_values))
    for inline, value in zip([b for b in block.body.blocks if b.type == "inline_policy"],
                             values.get("inline_policy") or []):  # aws_iam_role's inline_policy blocks
        attr = inline.body.attributes.get("policy")
        if attr is not None and isinstance(value, dict):
            attr, where = _through_local(attr, path, local_values)
            sites.extend(_argument_sites(attr, where, value.get("policy"), "inline_policy", local_values))
    return sites


_PICKING = ("coalesce", "try", "one")
"""Functions that return one of their arguments unchanged."""


def _picks_a_reference(expr: Any) -> bool:
    """`coalesce(var.policy, data.aws_iam_policy_document.this[0].json)`: the value is one of
    the references, so its statements are written where that one points, not here."""
    return isinstance(expr, Call) and expr.name in _PICKING and bool(expr.args) \
        and all(_is_reference(arg) for arg in expr.args)


def _is_reference(expr: Any) -> bool:
    while isinstance(expr, (GetAttr, Index, Splat)):
        expr = expr.obj
    return isinstance(expr, Name)


def _local_name(expr: Any) -> str | None:
    """NAME of an expression that is exactly `local.NAME`."""
    if isinstance(expr, GetAttr) and isinstance(expr.obj, Name) and expr.obj.name == "local":
        return expr.name
    return None


def _through_local(attr: Attribute, path: str, local_values: Locals) -> tuple[Attribute, str]:
    """The attribute where a value is written: `local.NAME` followed to its definition."""
    for _ in range(4):  # a local may name another local
        name = _local_name(attr.expr)
        if name is None or name not in local_values:
            break
        attr, path = local_values[name]
    return attr, path


GRANT_BLOCKS = {"google_iam_policy": "binding", "kubernetes_role": "rule", "kubernetes_role_v1": "rule",
                "kubernetes_cluster_role": "rule", "kubernetes_cluster_role_v1": "rule",
                "azurerm_key_vault": "access_policy"}
"""Resource types whose grants are nested blocks, and the block type that holds one grant."""


def _grant_block_sites(block: Block, path: str, block_type: str) -> list[StatementSite]:
    """One site per grant block; none when a `dynamic` block of that type makes positions uncertain."""
    if any(b.type == "dynamic" and b.labels[:1] == (block_type,) for b in block.body.blocks):
        return []
    plain = [b for b in block.body.blocks if b.type == block_type]
    return [StatementSite(signature=grant_block_signature(block_type, i), argument=block_type,
                          location=Location(path=path, start_line=b.start_line, end_line=b.end_line))
            for i, b in enumerate(plain)]


def _argument_sites(attr: Attribute, path: str, value: Any, argument: str,
                    local_values: Locals) -> list[StatementSite]:
    """One site per statement of a policy argument: its object's lines when written out in a
    `jsonencode` (in place or in a local), else the argument's."""
    where = Location(path=path, start_line=attr.start_line, end_line=attr.end_line)
    signatures = _signatures(value)
    if not signatures and value is not None:  # statements not readable before evaluation
        return [StatementSite(signature=UNREAD_STATEMENTS, argument=argument, location=where)]
    spans = _element_spans(attr.expr, path, local_values)
    if len(spans) != len(signatures):  # a statement list that is not written out: the argument
        spans = [None] * len(signatures)
    return [StatementSite(signature=signature, argument=argument, actions=actions,
                          location=where if span is None else span)
            for (signature, actions), span in zip(signatures, spans)]


def _element_spans(expr: Any, path: str, local_values: Locals) -> list[Location | None]:
    """Where each statement object of `jsonencode({Statement = [{...}, ...]})` is written: its
    own lines, or those of the local an element names."""
    if not (isinstance(expr, Call) and expr.name == "jsonencode" and len(expr.args) == 1
            and isinstance(expr.args[0], ObjectExpr)):
        return []
    body = next((v for k, v in expr.args[0].items if isinstance(k, Lit) and k.value == "Statement"), None)
    items = [body] if isinstance(body, ObjectExpr) else list(body.items) if isinstance(body, TupleExpr) else []
    spans: list[Location | None] = []
    for item in items:
        written, where = _through_local(Attribute("", item, 0, 0), path, local_values)
        lines = written.expr.lines if isinstance(written.expr, ObjectExpr) else None
        spans.append(Location(path=where, start_line=lines[0], end_line=lines[1]) if lines else None)
    return spans


def _document_sites(block: Block, path: str, values: dict[str, Any]) -> list[StatementSite]:
    rendered = values.get("statement")
    if not isinstance(rendered, list):
        return []
    plain = [b for b in block.body.blocks if b.type == "statement"]
    dynamic = [b for b in block.body.blocks if b.type == "dynamic" and b.labels[:1] == ("statement",)]
    # values list plain and dynamic entries in block order; lines follow that order
    spans: list[Block] = []
    extra = len(rendered) - len(plain)
    for b in block.body.blocks:
        if b.type == "statement":
            spans.append(b)
        elif b in dynamic:
            share = extra if len(dynamic) == 1 else 0
            spans.extend([b] * max(share, 0))
    if len(spans) != len(rendered):  # several dynamic blocks: told apart by their literal sids,
        spans = _spans_by_sid(block, rendered)  # those after the first without one: the data block's lines
        spans = spans[:len(rendered)] + [block] * (len(rendered) - len(spans))
    out = []
    for entry, span in zip(rendered, spans):
        if not isinstance(entry, dict):
            continue
        negated = entry.get("actions") is None and entry.get("not_actions") is not None
        signature = statement_signature(entry.get("sid") or None, entry.get("effect") or "Allow",
                                        entry.get("not_actions") if negated else entry.get("actions"), negated)
        written = _written(entry.get("not_actions") if negated else entry.get("actions"))
        out.append(StatementSite(signature=signature, argument="statement", actions=written,
                                 location=Location(path=path, start_line=span.start_line, end_line=span.end_line)))
    return out


def _spans_by_sid(block: Block, rendered: list[Any]) -> list[Block]:
    """The block each rendered statement comes from, in block order: a `statement` block gives
    one; a `dynamic "statement"` whose content states a literal `sid` gives the entries that
    carry it (0 or more). Stops at a dynamic block without one (its count is unknowable), or
    at a `statement` block whose entry is not next (then the order is not what we assumed)."""
    spans: list[Block] = []
    for b in block.body.blocks:
        if b.type == "statement":
            sid = b.body.attributes.get("sid")
            entry = rendered[len(spans)] if len(spans) < len(rendered) else None
            if sid is not None and isinstance(sid.expr, Lit) and isinstance(entry, dict) \
                    and entry.get("sid") != sid.expr.value:
                break
            spans.append(b)
        elif b.type == "dynamic" and b.labels[:1] == ("statement",):
            content = next((c for c in b.body.blocks if c.type == "content"), None)
            sid = content.body.attributes.get("sid") if content is not None else None
            if sid is None or not isinstance(sid.expr, Lit) or not isinstance(sid.expr.value, str):
                break
            while len(spans) < len(rendered) and isinstance(rendered[len(spans)], dict) \
                    and rendered[len(spans)].get("sid") == sid.expr.value:
                spans.append(b)
    return spans


def _written(patterns: Any) -> tuple[str, ...]:
    """Action patterns in the order written (a single string is one pattern)."""
    items = [patterns] if isinstance(patterns, str) else patterns if isinstance(patterns, list) else []
    return tuple(item for item in items if isinstance(item, str))


def _signatures(document: Any) -> list[tuple[str, tuple[str, ...]]]:
    """Signatures of the statements of a policy value (a dict, JSON text or a Template), each
    with its action patterns in the order written."""
    if isinstance(document, (str, Template)):
        try:
            document = decode_json(document) if isinstance(document, Template) else json.loads(document)
        except ValueError:
            return []
    if not isinstance(document, dict):
        return []
    body = document.get("Statement")
    items = [body] if isinstance(body, dict) else body if isinstance(body, list) else []
    out = []
    for raw in items:
        if isinstance(raw, dict) and not isinstance(raw, Unknown):
            negated = "Action" not in raw and "NotAction" in raw
            patterns = raw.get("NotAction") if negated else raw.get("Action")
            out.append((statement_signature(raw.get("Sid"), raw.get("Effect"), patterns, negated),
                        _written(patterns)))
    return out
