"""Who administers which Cloud Identity group, from Terraform alone.

Per the Cloud Identity Groups API (`groups.memberships`, MembershipRole) and Google Groups'
roles, a group's OWNERs and MANAGERs add and remove its members; a MEMBER does not. Terraform
states these roles in `google_cloud_identity_group_membership` (`roles { name = ... }`, the
member in `preferred_member_key` or `member_key`: an email, without IAM's `kind:` prefix).

Not read, because the code cannot say: the Google Workspace admin roles (Groups Admin, Super
Admin), which the API honours but the google provider does not assign; and a group's creator
(`initial_group_config = "WITH_INITIAL_OWNER"` makes the caller, Terraform's own credential,
the owner).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sod_iac.access.cloud_common import Grant, first_block, refs_in, statement_hop, text_of
from sod_iac.access.graph import Level
from sod_iac.core.model import Resource

if TYPE_CHECKING:
    from sod_iac.access.gcp import GcpAccess

MEMBERSHIP_TYPE = "google_cloud_identity_group_membership"
GROUP_TYPE = "google_cloud_identity_group"


def group_roles(gcp: GcpAccess) -> dict[str, list[Grant]]:
    """Each principal's group roles, one Grant per (membership, role): `permission` the role
    (OWNER, MANAGER, MEMBER), `scope` the group, level "possible" when the role name is not
    stated; evidence the membership resource."""
    out: dict[str, list[Grant]] = defaultdict(list)
    for r in gcp.project.resources:
        if r.type != MEMBERSHIP_TYPE or r.mode != "managed":
            continue
        key_field = "preferred_member_key" if r.values.get("preferred_member_key") is not None else "member_key"
        value = first_block(r.values.get(key_field)).get("id")
        if value is None:
            continue
        member = _member(gcp, value, r.references.get(f"{key_field}.id", []))
        group = _group(gcp, r)
        roles = r.values.get("roles")
        names: list[tuple[str, Level]] = []
        for block in roles if isinstance(roles, (list, tuple)) else [None]:  # unknown: possibly any role
            name = text_of(block.get("name")) if isinstance(block, dict) else None
            names.append((name.upper(), "yes") if name else ("a role the code does not state", "possible"))
        held = _group_access(gcp, group)
        for name, level in names:
            detail = f"makes {value if isinstance(value, str) else member} {name} of group {group}{held}"
            out[member].append(Grant(member, name, level, group, (statement_hop(r, detail),)))
    return out


def _member(gcp: GcpAccess, value: Any, refs: list[str]) -> str:
    """The principal id (as IAM bindings name it) of a member key's email."""
    email = text_of(value)
    if email is None:
        return gcp.member_id(value, refs)[0]
    if email.endswith(".gserviceaccount.com"):
        return gcp.member_id(f"serviceAccount:{email}")[0]
    known = [f"{kind}:{email}" for kind in ("user", "group") if gcp.bindings_of(f"{kind}:{email}")]
    return known[0] if known else f"user:{email}"


def _group_access(gcp: GcpAccess, group: str) -> str:
    """What the group itself is granted in IAM (bound to `group:EMAIL`): whoever adds members
    hands them exactly that access, no setIamPolicy needed."""
    held = sorted({f"{r.role} on {r.scope}" for r in gcp.roles_held(f"group:{group}")})
    return f" (the group itself holds {', '.join(held)})" if held else ""


def _group(gcp: GcpAccess, r: Resource) -> str:
    """The group as a reviewer knows it: its email when the code states it, else as written."""
    for ref in refs_in(r.values.get("group")) or [None]:
        address = ref.address if ref is not None else next(iter(r.references.get("group", [])), None)
        group = gcp.project.resource(address) if address else None
        if group is not None and group.type == GROUP_TYPE:
            return text_of(first_block(group.values.get("group_key")).get("id")) or group.address
    return text_of(r.values.get("group")) or "a group the code does not state"
