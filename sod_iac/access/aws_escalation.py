"""Which escalation paths of the catalog (rulesets/aws_escalation.yaml) a principal holds.

A path is held when the principal's combined effective permissions (all its policies, its
groups', the roles it can assume) allow every required action on a resource that makes the
path exploitable: its own policy, another user, a role more privileged than itself that a
service will run with, ... PassRole limited to a harmless role, or CreatePolicyVersion on a
policy attached to nobody, are not exploitable and do not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING

from sod_iac.access.aws_targets import ANY, SERVICE_LINKED_ROLES, Target, resource_targets
from sod_iac.access.escalation import ROLE_IN_USE_RESOURCES, EscalationPath, PathHit, load_escalation_catalog
from sod_iac.access.graph import HELD, Level, best, weakest
from sod_iac.core.model import Evidence, unique_evidence

if TYPE_CHECKING:
    from sod_iac.access.aws import AwsAccess

ROLE_IN_USE = {service: tuple(rtype for rtype, _ in entries)
               for service, entries in ROLE_IN_USE_RESOURCES.items()}
OUTSIDE = {"lambda": "arn:aws:lambda:*:*:function:*", "ec2": "arn:aws:ec2:*:*:*",
           "glue": "arn:aws:glue:*:*:*", "codebuild": "arn:aws:codebuild:*:*:project/*",
           "ecs": "arn:aws:ecs:*:*:*", "cloudformation": "arn:aws:cloudformation:*:*:stack/*",
           "sagemaker": "arn:aws:sagemaker:*:*:notebook-instance/*",
           "apprunner": "arn:aws:apprunner:*:*:service/*",
           "bedrock-agentcore": "arn:aws:bedrock-agentcore:*:*:code-interpreter/*"}
PERMISSION_ADMIN = frozenset({
    "iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:PutRolePolicy",
    "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup", "iam:PutRolePermissionsBoundary",
    "iam:PutUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"})
"""IAM permission administration: the actions that change what a principal may do (write or
attach its policies, lift its boundary, change who may assume it, add it to a group). A role
that holds one of them is worth reaching; one that does not is a peer (lateral access)."""
STRONGER_ROLE = "stronger-role"
_NO_CUT = 1 << 30  # EscalationFinder._cut when no cycle was cut
WILDCARD_ARN = {"role": "arn:aws:iam::*:role/*", "user": "arn:aws:iam::*:user/*",
                "group": "arn:aws:iam::*:group/*", "policy": "arn:aws:iam::*:policy/*"}


def outside(kind: str) -> Target:
    """Any resource of a kind that the code does not define (accounts have more than the code)."""
    return Target(WILDCARD_ARN[kind], None, f"any {kind} outside the code",
                  not_under=SERVICE_LINKED_ROLES if kind == "role" else ())


class EscalationFinder:
    def __init__(self, aws: AwsAccess) -> None:
        self.aws = aws
        self.project = aws.project
        self._privileges: dict[str, frozenset[str]] = {}
        self._held: dict[str, list[PathHit]] = {}
        self._by_kind: dict[tuple[str, bool], list[PathHit]] = {}
        self._admin_actions: dict[str, frozenset[str]] = {}
        self._covers: dict[tuple[int, int], bool] = {}
        self._reach: dict[tuple[str, str, str], bool] = {}
        self._typed: dict[tuple[str, ...], list[Target]] = {}
        self._policy_types: set[str] | None = None
        self._service_roles: dict[str, list[Target]] = {}
        self._open: list[tuple[str, bool]] = []  # _paths keys being computed, outermost first
        self._cut = _NO_CUT  # lowest depth in _open a cycle was cut at, since the last reset
        self._provisional: dict[tuple[str, bool], tuple[list[PathHit], int]] = {}  # (hits, cut depth)

    def held_paths(self, principal: str) -> list[PathHit]:
        if principal not in self._held:
            order = {path.id: i for i, path in enumerate(load_escalation_catalog().paths)}
            hits = self._paths(principal, own=True) + self._paths(principal, own=False)
            self._held[principal] = sorted(hits, key=lambda hit: order[hit.path.id])  # catalog order
        return list(self._held[principal])

    def _paths(self, principal: str, own: bool) -> list[PathHit]:
        """The held paths that do (`own=False`) or do not need a stronger role. Those that do
        ask `gives_power` of the roles the principal can assume, which asks only for their
        own paths: no cycle when roles may assume each other. Passable roles are asked
        `gives_power` too, and roles may pass each other: a key met again while it is being
        computed counts as holding nothing (power cannot come from the cycle itself), and an
        answer that relied on that is kept only until the key it relied on is done."""
        key = (principal, own)
        if key in self._by_kind:
            return self._by_kind[key]
        if key in self._open:  # roles that may pass each other: power must start somewhere else
            self._cut = min(self._cut, self._open.index(key))
            return []
        if key in self._provisional:  # computed while a key below is open: valid until it closes
            hits, cut = self._provisional[key]
            self._cut = min(self._cut, cut)
            return hits
        depth, outer_cut = len(self._open), self._cut
        self._open.append(key)
        self._cut = _NO_CUT
        try:
            hits = []
            reachable = self.aws.reachable_actions(principal)
            for path in load_escalation_catalog().paths:
                if own == any(need.on == STRONGER_ROLE for need in path.requires):
                    continue
                if any(need.action not in reachable for need in path.requires):
                    continue  # no Allow the principal may benefit from names that action
                hit = self.path_held(principal, path)
                if hit is not None:
                    hits.append(hit)
        finally:
            self._open.pop()
        # answers that assumed a key at this depth or deeper had no path are stale now it is done
        self._provisional = {k: v for k, v in self._provisional.items() if v[1] < depth}
        if self._cut >= depth:  # no cycle cut above this key: the answer is final
            self._by_kind[key] = hits
            self._cut = outer_cut
        else:  # it assumed an open key had no path: provisional until that key is done
            self._provisional[key] = (hits, self._cut)
            self._cut = min(outer_cut, self._cut)
        return hits

    def chain_roles(self, principal: str) -> frozenset[str]:
        """The stronger roles a held path reaches by becoming them (`stronger-role` targets the
        principal may act on): what the principal holds through their sessions is the power its
        SOD110 finding already reports, not a duty it holds itself."""
        roles: set[str] = set()
        for hit in self.held_paths(principal):
            for need in hit.path.requires:
                if need.on == STRONGER_ROLE:
                    roles.update(t.address for t in self.targets(principal, need.on, need.action)
                                 if self.aws.can(principal, need.action, t).held)
        return frozenset(roles)

    def gives_power(self, role: str, principal: str) -> bool:
        """Would a session of `role` (exactly the role's permissions) raise the principal's
        power? Yes when the role is a full administrator, holds an escalation path of its own,
        or administers IAM permissions the principal cannot administer itself. A role with
        different but not greater power is lateral access (DESIGN.md: escalation is about
        power, not difference); roles it can assume in turn are judged on their own, since
        the principal can assume them too (AwsAccess.assumable is transitive)."""
        if self.aws.full_admin(role) is not None or self._paths(role, own=True):
            return True
        return not self._permission_admin(role) <= self._permission_admin(principal)

    def _permission_admin(self, who: str) -> frozenset[str]:
        """The PERMISSION_ADMIN actions `who` itself (no role chaining) may perform somewhere."""
        if who not in self._admin_actions:
            named = PERMISSION_ADMIN & self.aws.reachable_actions(who)
            self._admin_actions[who] = frozenset(
                a for a in named if self.aws.can(who, a, ANY, chain=False).held)
        return self._admin_actions[who]

    def path_held(self, principal: str, path: EscalationPath) -> PathHit | None:
        level: Level = "yes"
        hops: list[Evidence] = []
        targets: list[str] = []
        for need in path.requires:
            got, need_hops, label = self._best(principal, need.action, need.on)
            if got not in HELD:
                return None
            level = weakest(level, got)
            hops.extend(need_hops)
            if label:
                targets.append(f"{need.action} on {label}")
        return PathHit(path, level, unique_evidence(hops), targets)

    def _best(self, principal: str, action: str, on: str) -> tuple[Level, list[Evidence], str]:
        best_level: Level = "no"
        best_hops: list[Evidence] = []
        label = ""
        kind, _, service = on.partition(":")
        context = {"iam:passedtoservice": service} if kind == "passable-role" else {}
        if kind != "any" and not self._reaches(principal, action, kind, context):
            # Not allowed on any resource at all: then on no particular resource either,
            # except through that resource's own policy (AwsAccess.can is monotone in the
            # target otherwise). Only targets with a resource policy can still say more.
            if not self._may_have_resource_policy(principal, kind, service):
                return best_level, best_hops, label
            candidates: Iterable[Target] = (t for t in self.targets(principal, on, action)
                                            if t.policy_owner in self.aws.model.resource_policies)
        else:
            candidates = self.targets(principal, on, action)
        for target in candidates:
            decision = self.aws.can(principal, action, target, context=context)
            level = decision.level
            if target.address is None and target.arn is not None:
                level = "possible" if level == "yes" else "no"  # only a wildcard reaches the unknown
            if best(level, best_level) != best_level:
                best_level, best_hops, label = level, decision.evidence, target.label
                if best_level == "yes":
                    break  # nothing ranks above "yes": later targets cannot replace it
        return best_level, best_hops, label

    def _reaches(self, principal: str, action: str, kind: str, context: dict[str, str]) -> bool:
        """Whether the principal (or a role it can assume) may do the action on some resource."""
        key = (principal, action, context.get("iam:passedtoservice", ""))
        if key not in self._reach:
            self._reach[key] = self.aws.can(principal, action, ANY, context=context).level != "no"
        return self._reach[key]

    def _may_have_resource_policy(self, principal: str, kind: str, service: str) -> bool:
        """Could a target of this kind carry a resource policy (model.resource_policies)?"""
        owners = self.aws.model.resource_policies
        if not owners:
            return False
        if self._policy_types is None:
            self._policy_types = {r.type for a in owners if (r := self.project.resource(a)) is not None}
        if kind == "self":
            return principal in owners
        types = {"own-policy": ("aws_iam_policy",), "any-policy": ("aws_iam_policy",),
                 "own-role": ("aws_iam_role",), "any-role": ("aws_iam_role",), STRONGER_ROLE: ("aws_iam_role",),
                 "passable-role": ("aws_iam_role",), "other-user": ("aws_iam_user",),
                 "any-group": ("aws_iam_group",), "role-in-use": ROLE_IN_USE.get(service, ())}.get(kind)
        return types is None or bool(self._policy_types.intersection(types))

    def _resource_targets(self, types: tuple[str, ...]) -> list[Target]:
        """resource_targets, once per type list (the project does not change); the same list
        each time, which callers do not change (AllowIndex.reached keys its tables by it)."""
        if types not in self._typed:
            self._typed[types] = resource_targets(self.project, types)
        return self._typed[types]

    # --- targets of each `on` kind ------------------------------------------------------
    def targets(self, principal: str, on: str, action: str) -> Iterable[Target]:
        """The resources `on` names for the principal to do `action` on, in a fixed order; roles
        and resources it could not be allowed that action on are left out early (AllowIndex).
        Lazy where each costs a check: the caller stops at the first it may act on."""
        aws = self.aws
        kind, _, arg = on.partition(":")
        if kind == "any":
            return [ANY]
        if kind == "self":
            return [Target(aws.arn(principal), principal, "itself")]
        if kind == "own-policy":
            return self._own_policies(principal)
        if kind == "any-policy":
            return self._resource_targets(("aws_iam_policy",)) + [outside("policy")]
        if kind == "own-role":
            roles = [r for r, _, _ in aws.assumable(principal)]
            if aws.model.kinds.get(principal) == "role":
                roles.append(principal)
            return [Target(aws.arn(r), r, r) for r in roles]
        if kind == STRONGER_ROLE:  # a role reached only under a condition it cannot meet gives nothing
            return (Target(aws.arn(r), r, r) for r, level, _ in aws.assumable(principal)
                    if level in HELD and self.gives_power(r, principal))
        if kind == "other-user":
            users = [t for t in self._resource_targets(("aws_iam_user",)) if t.address != principal]
            return users + [outside("user")]
        if kind == "any-group":
            return self._resource_targets(("aws_iam_group",)) + [outside("group")]
        if kind == "any-role":
            return self._resource_targets(("aws_iam_role",)) + [outside("role")]
        if kind == "passable-role":
            return chain(self._passable_roles(principal, arg, action), [outside("role")])
        if kind == "role-in-use":
            return self._roles_in_use(principal, arg, action)
        raise ValueError(f"unknown escalation target kind {on!r}")

    def _own_policies(self, principal: str) -> list[Target]:
        model = self.aws.model
        owners = [principal] + [g for g, _ in model.groups_of.get(principal, [])]
        owners += [r for r, _, _ in self.aws.assumable(principal)]
        addresses = sorted({p for owner in owners for p in model.attached_policies.get(owner, ())})
        out = []
        for address in addresses:
            resource = self.project.resource(address)
            if resource is not None:
                out.extend(t for t in self._resource_targets(("aws_iam_policy",)) if t.address == address)
        return out

    def more_privileged(self, role: str, principal: str) -> bool:
        """Does the role hold an action the principal (with its roles) does not?"""
        mine = self._held_actions(principal, with_roles=True)
        theirs = self._held_actions(role, with_roles=False)
        if any(g.statement.unknown for g in self.aws.grants(role)):
            return True
        key = (id(theirs), id(mine))  # interned sets: many principals hold the same actions
        if key not in self._covers:
            self._covers[key] = not theirs <= mine
        return self._covers[key]

    def _held_actions(self, principal: str, with_roles: bool) -> frozenset[str]:
        key = f"{principal}|{with_roles}"
        if key not in self._privileges:
            actions = set(self.aws.allowed_actions(principal))
            if with_roles:
                for role, _, _ in self.aws.assumable(principal):
                    actions |= self.aws.allowed_actions(role)
            actions_set = frozenset(actions)
            self._privileges[key] = self.aws.interned(actions_set)
        return self._privileges[key]

    def _passable_roles(self, principal: str, service: str, action: str) -> Iterator[Target]:
        """Roles the principal may pass to the service whose sessions would raise its power
        (`gives_power`, as for roles it assumes: a passed role is a session it runs code in)."""
        targets = self.aws.allows.reached(principal, frozenset((action,)), self._trusting_service(service))
        return (t for t in targets if t.address != principal and self.gives_power(t.address, principal))

    def _trusting_service(self, service: str) -> list[Target]:
        """Roles whose trust policy allows the service, in address order (once per service:
        it does not depend on the principal)."""
        if service not in self._service_roles:
            self._service_roles[service] = [
                Target(self.aws.arn(role), role, role) for role, trust in sorted(self.aws.model.trust.items())
                if any(st.effect == "Allow" and any(_text_eq(s, service)
                                                    for s in (st.principals or {}).get("Service", ()))
                       for st in trust.statements)]
        return self._service_roles[service]

    def _roles_in_use(self, principal: str, service: str, action: str) -> Iterator[Target]:
        """Resources of the code whose code runs with a role more privileged than the principal,
        plus any such resource outside the code (reached only by a wildcard)."""
        targets = self._resource_targets(tuple(ROLE_IN_USE.get(service, ())))
        for target in self.aws.allows.reached(principal, frozenset((action,)), targets):
            roles = self.aws.model.runs_as.get(target.address or "", [])
            if any(self.more_privileged(role, principal) for role, _ in roles if role != principal):
                yield target
        yield Target(OUTSIDE.get(service, "*"), None, f"any {service} resource outside the code")


def _text_eq(value: object, text: str) -> bool:
    return isinstance(value, str) and value.lower() == text.lower()

