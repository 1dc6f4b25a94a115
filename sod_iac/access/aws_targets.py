"""What an AWS question is asked about: a resource as an ARN pattern (`Target`), any resource
at all (`ANY`), or every resource of some types the code defines (`resource_targets`).

Why a module of its own: the engine (aws.py), its escalation finder and its trust index all
ask about targets; kept below them, none of those needs to import another to name one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sod_iac.access.aws_arns import account_of, arn_of
from sod_iac.core.model import Project


@dataclass(frozen=True)
class Target:
    """A resource an action is asked about: `arn` is a pattern; `address` when in the code.
    `arn=None` asks about any resource at all ("is the action allowed somewhere?")."""

    arn: str | None
    address: str | None = None
    label: str = ""
    holder: str | None = None
    """The resource whose resource policy governs the target when it is not one itself:
    the bucket of an object (`arn:aws:s3:::b/key`)."""
    not_under: tuple[str, ...] = ()
    """ARN patterns the target is known to lie outside of (a path AWS reserves, such as the
    service-linked roles' `role/aws-service-role/`): a Resource entry that covers only ARNs
    under one of them does not reach the target, however `arn`'s wildcards could be filled."""

    @property
    def any(self) -> bool:
        return self.arn is None

    @property
    def policy_owner(self) -> str | None:
        return self.holder or self.address


ANY = Target(None, None, "any resource")

SERVICE_LINKED_ROLES = ("arn:*:iam::*:role/aws-service-role/*",)
"""Roles no customer can change, assume or create (the path `/aws-service-role/` is reserved to
service-linked roles: IAM User Guide, "Using service-linked roles"; their trust policy names only
the service and IAM answers UnmodifiableEntity to policy, attachment and trust changes): a
grant confined to them reaches none of the roles an account's principals could administer,
assume or act as. The `not_under` of every "any role outside the code" target."""


def resource_targets(project: Project, types: Iterable[str]) -> list[Target]:
    """Targets for every resource of the given types that the code defines."""
    out = []
    for resource in project.resources:
        if resource.type in types and resource.mode == "managed":
            arn = arn_of(resource, account_of(project, resource))
            if arn:
                out.append(Target(arn, resource.address, resource.address))
    return out
