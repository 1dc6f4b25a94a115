"""Which IAM permission grants a principal may make to *other* principals (SOD112's question).

An IAM action that writes or attaches a policy, or changes a group's members or a role's trust,
hands permissions to whoever the target is (IAM User Guide, "Managed policies and inline
policies"; Service Authorization Reference, "Actions defined by AWS IAM"). The grant is judged
here with the engine's own evaluation (`AwsAccess.can`: Denies, boundaries, role chaining,
conditions); the rule only words the answer.

- Targets are the users, roles, groups and customer policies of the code, plus "any one outside
  the code": `arn:aws:iam::ACCOUNT:user/*sod-iac-unnamed`, a name no literal ARN writes out, in the
  principal's own account when its provider states it (IAM has no resource policies: its writes
  act in the caller's account only). A wildcard reaches it (`user/*` for certain, `user/app/*`
  possibly; `role/aws-service-role/*` not at all: service-linked roles take no customer
  policy, UNMODIFIABLE); a literal ARN naming one user or role (usually a principal of the code, or the
  principal itself) does not. What the principal can do to *itself* (its own user or role, a role it can assume, a
  group it is in, a policy attached to it) is escalation, SOD110's question, and is left out.
- Writing or attaching a policy grants whatever the principal writes, so the grant is unbounded
  unless a condition bounds it: `iam:PermissionsBoundary` (the target must carry a named
  boundary, which caps what any policy gives it) or `iam:PolicyARN` (which policies may be
  attached); likewise a user or role of the code that carries a permissions boundary. The
  condition judge classifies both as restricting; `iam:PolicyARN` is then judged
  against AdministratorAccess, as the request would carry it: a condition that admits it
  (`arn:aws:iam::aws:policy/*`) bounds nothing. A condition naming only other policies counts
  as bounded, even if a named policy happens to grant more than the principal holds (not
  judged: cheap; it may miss such a grant, never reports a bounded one; PRECISION.md says so).
- Adding a user to a group, or rewriting a role's trust, grants what the group or role holds:
  a grant only when it holds an action the principal lacks (`EscalationFinder.more_privileged`).
- A principal that can assume a full administrator role grants with that role's power, which it
  then holds: nothing it grants exceeds what it holds (SOD111 reports the role, SOD110 the way).
- iam:PassRole and sts:AssumeRole give the principal itself the role's power: escalation, not
  a grant to another principal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sod_iac.access.aws import AwsAccess, Target, resource_targets
from sod_iac.access.aws_targets import SERVICE_LINKED_ROLES
from sod_iac.access.graph import HELD, Level, best, weakest
from sod_iac.core.model import Evidence, unique_evidence

GRANTING: dict[str, str] = {
    "iam:AttachUserPolicy": "user", "iam:PutUserPolicy": "user",
    "iam:AttachRolePolicy": "role", "iam:PutRolePolicy": "role", "iam:UpdateAssumeRolePolicy": "role",
    "iam:AttachGroupPolicy": "group", "iam:PutGroupPolicy": "group", "iam:AddUserToGroup": "group",
    "iam:CreatePolicyVersion": "policy",
}
"""The actions that hand permissions to another principal, and the kind of resource they act on."""
CARRY_POLICY_ARN = frozenset({"iam:AttachUserPolicy", "iam:AttachRolePolicy", "iam:AttachGroupPolicy"})
"""Requests that carry iam:PolicyARN (Service Authorization Reference, IAM condition keys)."""
GRANTS_WHAT_TARGET_HOLDS = frozenset({"iam:AddUserToGroup", "iam:UpdateAssumeRolePolicy"})
"""Actions that give the target's own permissions rather than a policy the principal writes."""
UNMODIFIABLE = {"role": SERVICE_LINKED_ROLES}
"""Where no customer can grant: a service-linked role takes no policy, attachment or trust change
from anyone (aws_targets.SERVICE_LINKED_ROLES), so a grant only there reaches nobody."""
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
UNNAMED = "sod-iac-unnamed"
TYPES = {"user": "aws_iam_user", "role": "aws_iam_role", "group": "aws_iam_group", "policy": "aws_iam_policy"}


@dataclass
class LateralGrant:
    """One granting action a principal may perform on others: how surely, on which targets
    (labels, "any user outside the code" for a wildcard), and the statements that allow it."""

    action: str
    level: Level
    targets: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


class LateralFinder:
    """The question "which principals can P grant permissions to?" for one AWS engine."""

    def __init__(self, aws: AwsAccess) -> None:
        self.aws = aws
        self._typed: dict[str, list[Target]] = {}
        self._members: dict[str, set[str]] | None = None
        self._holders: dict[str, set[str]] | None = None

    def grants(self, principal: str) -> list[LateralGrant]:
        """The granting actions `principal` may perform on other principals, in GRANTING order."""
        if any(level in HELD and self.aws.full_admin(role) is not None
               for role, level, _ in self.aws.assumable(principal)):
            return []  # it grants with an administrator's power: SOD111 reports the role, SOD110 the way
        reachable = self.aws.reachable_actions(principal)
        out = []
        for action, kind in GRANTING.items():
            if action not in reachable:
                continue  # no Allow the principal may benefit from names it
            grant = self._grant(principal, action, kind)
            if grant is not None:
                out.append(grant)
        return out

    def _grant(self, principal: str, action: str, kind: str) -> LateralGrant | None:
        aws = self.aws
        context = {"iam:policyarn": self._policy_arn_judge()} if action in CARRY_POLICY_ARN else {}
        own = self._own(principal, kind)
        code = [t for t in aws.allows.reached(principal, frozenset((action,)), self._targets(kind))
                if t.address not in own]
        level: Level = "no"
        labels: list[str] = []
        evidence: list[Evidence] = []
        for target in [*code, self._outside(principal, kind)]:
            decision = aws.can(principal, action, target, context=context)
            if not decision.held:
                continue
            got = weakest(decision.level, self._target_level(principal, action, kind, target))
            if got not in HELD:
                continue
            labels.append(target.label)
            if best(got, level) != level:
                level, evidence = got, decision.evidence
        if level == "no":
            return None
        hops = [Evidence(address=t, detail=self._on_it(action, kind, t), location=r.location)
                for t in labels if (r := aws.project.resource(t)) is not None]
        return LateralGrant(action, level, labels, unique_evidence([*evidence, *hops]))

    def _outside(self, principal: str, kind: str) -> Target:
        """Any resource of the kind that the code does not name (module docstring)."""
        account = self.aws.model.accounts.get(principal) or "*"
        return Target(f"arn:aws:iam::{account}:{kind}/*{UNNAMED}", None, f"any {kind} outside the code",
                      not_under=UNMODIFIABLE.get(kind, ()))

    def _on_it(self, action: str, kind: str, target: str) -> str:
        """A target's hop: the action, and for a policy whom it reaches."""
        holders = sorted(self.holders().get(target, ())) if kind == "policy" else []
        return f"{action} on it" + (f" (attached to {', '.join(holders)})" if holders else "")

    def _target_level(self, principal: str, action: str, kind: str, target: Target) -> Level:
        """How surely acting on the target hands permissions to someone else."""
        if target.address is None:
            # outside the code: a user or role is a principal; a group's members, a policy's
            # holders, a group's or role's permissions are not known
            return "yes" if kind in ("user", "role") and action not in GRANTS_WHAT_TARGET_HOLDS else "possible"
        if action in GRANTS_WHAT_TARGET_HOLDS:
            finder = self.aws.escalation
            return "yes" if finder.more_privileged(target.address, principal) else "no"
        if self.aws.model.boundaries.get(target.address):
            return "no"  # a permissions boundary caps whatever it is given, as the condition would
        if kind == "group":
            return "yes" if self.members().get(target.address, set()) - {principal} else "possible"
        if kind == "policy":
            return "yes" if self.holders().get(target.address) else "no"
        return "yes"

    def _own(self, principal: str, kind: str) -> set[str]:
        """Targets of this kind that are the principal itself (SOD110 judges those)."""
        model = self.aws.model
        roles = {r for r, _, _ in self.aws.assumable(principal)}
        groups = {g for g, _ in model.groups_of.get(principal, [])}
        if kind == "policy":
            return {p for owner in {principal, *roles, *groups} for p in model.attached_policies.get(owner, ())}
        return {principal} | (roles if kind == "role" else groups if kind == "group" else set())

    def _targets(self, kind: str) -> list[Target]:
        """The code's resources of a kind, one list per engine (AllowIndex.reached keys by it)."""
        if kind not in self._typed:
            self._typed[kind] = resource_targets(self.aws.project, (TYPES[kind],))
        return self._typed[kind]

    def members(self) -> dict[str, set[str]]:
        """Group -> the users the code puts in it."""
        if self._members is None:
            self._members = {}
            for user, groups in self.aws.model.groups_of.items():
                for group, _ in groups:
                    self._members.setdefault(group, set()).add(user)
        return self._members

    def holders(self) -> dict[str, set[str]]:
        """Customer policy -> the principals the code attaches it to."""
        if self._holders is None:
            self._holders = {}
            for owner, policies in self.aws.model.attached_policies.items():
                for policy in policies:
                    self._holders.setdefault(policy, set()).add(owner)
        return self._holders

    def _policy_arn_judge(self) -> Any:
        """iam:PolicyARN judged for the worst request: attaching AdministratorAccess."""
        return self.aws.resolver.arn_condition(ADMINISTRATOR_ACCESS)
