"""The head hop of an AWS duty holding, said as a sentence a reviewer reads once (issue 17):
`can change infrastructure: ec2:RunInstances (in ec2:*) on any ec2 image`, not
`write: ec2:RunInstances on any resource arn:*:ec2:*::image/*`.

- the duty's title from the catalog, as what the principal can do;
- the action, with the pattern of the granting statement that covers it when that is not the
  action itself (`ec2:*`);
- the resource: one of the code when the holding is about it; else the resources the granting
  statement names, as written; else, for a statement on `*`, the kind of resource the action
  acts on (`any ec2 image`), not its raw ARN format.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sod_iac.access.aws_policy import Statement, action_pattern_matches
from sod_iac.core.model import Evidence
from sod_iac.core.wording import as_written, listing

RESOURCES_NAMED = 3
"""How many resources of a statement the sentence names before "and N more"."""


def duty_sentence(title: str, action: str, target: Any, granting: Statement | None) -> str:
    """`can TITLE: ACTION (in PATTERN) on RESOURCE` for one holding (see the module docstring)."""
    doing = title[:1].lower() + title[1:]
    pattern = _covering_pattern(granting, action) if granting is not None else None
    within = f" (in {pattern})" if pattern and pattern.lower() != action.lower() else ""
    return f"can {doing}: {action}{within} on {_resource(target, granting)}"


def granting_statement(hops: Sequence[Evidence], grants: Sequence[Any]) -> Statement | None:
    """The Allow statement whose hop is the first statement hop of a decision's evidence."""
    hop = next((e for e in hops if e.kind == "statement"), None)
    if hop is None:
        return None
    return next((g.statement for g in grants if g.statement.hop == hop and g.statement.effect == "Allow"), None)


def _covering_pattern(st: Statement, action: str) -> str | None:
    if st.actions is None:  # NotAction: every action but those listed
        return "every action but " + listing([str(a) for a in st.not_actions or ()], RESOURCES_NAMED)
    return next((p for p in st.actions if isinstance(p, str) and action_pattern_matches(p, action)), None)


def _resource(target: Any, granting: Statement | None) -> str:
    if target.address:
        return target.address
    named = [as_written(r) for r in (granting.resources or ()) if r != "*"] if granting is not None else []
    if named:
        return listing(named, RESOURCES_NAMED)
    return _kind_of(target.arn) or target.label or target.arn or "any resource"


def _kind_of(arn: str | None) -> str | None:
    """`any ec2 image` for the ARN format `arn:*:ec2:*::image/*`; None for a resource of the code."""
    parts = (arn or "").split(":", 5)
    if len(parts) < 6:
        return None
    service, resource = parts[2], parts[5]
    kind = resource.replace(":", "/").split("/", 1)[0]
    if not kind or "*" in kind or "$" in kind:
        return f"any {service} resource"
    return f"any {service} {kind}"
