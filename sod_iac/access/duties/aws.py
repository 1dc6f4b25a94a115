"""AWS's answers about duties: for each catalog clause, the actions (patterns expanded with the
IAM database, or every action of the listed access levels) that appear in the principal's
statements (own, groups', roles it can assume, resource policies naming it) are tried with
`AwsAccess.can` on each target: every resource of the clause's types in the code plus one
"outside the code" ARN pattern (`on: any` asks about any resource). Denies, boundaries and role
chaining come from the engine; nothing is re-implemented here.

Holdings are per target (per_target): rules ask about principals one after the other, so what
is kept for one principal (`_per_principal`) is dropped when the next is asked about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sod_iac.access.aws_actions import resource_arns
from sod_iac.access.aws_allow_index import arn_service
from sod_iac.access.aws_arns import arn_of, bucket_named
from sod_iac.access.aws_targets import SERVICE_LINKED_ROLES, Target, resource_targets
from sod_iac.access.duties.catalog import AwsClause, Duty, Ruleset, aws_clause_actions
from sod_iac.access.duties.holding import CloudDuties, Holding, tag_hops
from sod_iac.access.duty_sentence import duty_sentence, granting_statement
from sod_iac.access.graph import Level
from sod_iac.access.telling import rank_actions
from sod_iac.core.model import Evidence

AWS_OUTSIDE = {"aws_kms_key": "arn:aws:kms:*:*:key/*", "aws_iam_role": "arn:aws:iam::*:role/*",
               "aws_secretsmanager_secret": "arn:aws:secretsmanager:*:*:secret:*",
               "aws_ssm_parameter": "arn:aws:ssm:*:*:parameter/*", "aws_s3_bucket": "arn:aws:s3:::*"}


class AwsDuties(CloudDuties):
    cloud = "aws"
    per_target = True

    def __init__(self, access: Any, ruleset: Ruleset) -> None:
        super().__init__(access, ruleset)
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._memo_of: str | None = None
        self._code_targets: list[Target] | None = None
        self._targets_by_action: dict[str, list[Target]] = {}
        self._tags: dict[tuple[int, str], tuple[Evidence, Evidence]] = {}
        self._targets_by_types: dict[Any, list[Target]] = {}
        self._clause_candidates: dict[tuple[int, frozenset[str], frozenset[str]], tuple[Any, list[str]]] = {}
        self._written_of: dict[str, frozenset[str]] = {}
        self._written_sets: dict[frozenset[str], frozenset[str]] = {}

    def holdings(self, principal: str, spec: Duty, excluded: Duty | None, *,
                 until_yes: bool = False, skip: frozenset[str] = frozenset()) -> list[Holding]:
        out: list[Holding] = []
        for holding in self.each_holding(principal, spec, excluded, skip=skip):
            out.append(holding)
            if until_yes and holding.level == "yes":
                break
        return out

    def same_resource(self, a: Holding, b: Holding) -> Level:
        """Holdings are per target: different targets are different resources, and one ARN
        pattern with a wildcard is one resource only when both holdings are certain."""
        if a.scope != b.scope:
            return "no"
        if a.scope.startswith("arn:") and "*" in a.scope:
            return "yes" if a.level == "yes" and b.level == "yes" else "no"
        return "yes"

    def may_hold(self, principal: str, spec: Duty, excluded: Duty | None) -> bool:
        return any(True for _ in self._clauses(principal, spec, excluded))

    def each_holding(self, principal: str, spec: Duty, excluded: Duty | None,
                     scope: str | None = None, skip: frozenset[str] = frozenset()) -> Iterator[Holding]:
        """The principal's holdings of the duty, clause by clause and target by target, made
        as they are asked for. With `scope`, only those on that scope (targets grouped once
        per clause: see _by_scope); `skip`: roles whose sessions do not count (AwsAccess.can)."""
        for clause, candidates in self._clauses(principal, spec, excluded):
            if clause.on == "any":
                # any resource of the kind each action acts on, in the code or outside it (an
                # action never acts on a bucket just because a statement grants `*` on it)
                for held in self._any(principal, spec.name, tuple(candidates), skip):
                    if scope is None or held.scope == scope:
                        yield held
                continue
            universe = aws_clause_actions(clause, self.ruleset.read_only)
            if scope is None:
                yield from self._tries(principal, spec.name, candidates, self._targets(clause.on), universe, skip=skip)
            else:
                reached = self._by_scope(principal, universe, clause.on).get(scope, [])
                yield from self._tries(principal, spec.name, candidates, reached, universe, reached=True, skip=skip)

    def first_on(self, principal: str, duty: str, targets: list[Target]) -> Holding | None:
        """The first way the principal holds `duty` on one of `targets`, or None: for questions
        about particular resources (e.g. those of one environment)."""
        spec = self.ruleset.duties[duty]
        if self.engine is None or not spec.aws or not targets:
            return None
        reach = self._reachable(principal)
        for clause in spec.aws:
            universe = aws_clause_actions(clause, self.ruleset.read_only)
            candidates = rank_actions(universe & reach, self._written(principal))
            if candidates:
                found = self._try(principal, duty, candidates, targets, first=True, universe=universe)
                if found:
                    return found[0]
        return None

    def _clauses(self, principal: str, spec: Duty, excluded: Duty | None) -> Iterator[tuple[AwsClause, list[str]]]:
        """The duty's clauses with the actions of each that the principal may be allowed."""
        if self.engine is None:
            return
        reach = self._reachable(principal)
        read_only = self.ruleset.read_only
        not_wanted = frozenset(a for clause in (excluded.aws if excluded else ())
                               for a in aws_clause_actions(clause, read_only))
        for clause in spec.aws:
            # reach sets are interned (AwsAccess.interned): principals holding the same policies
            # share one, so the ranked candidates are made once per distinct set and written
            # actions (access.telling ranks the principal's own literal actions first)
            written = self._written(principal)
            key = (id(clause), reach, not_wanted, written)
            candidates = self._clause_candidates.get(key)
            if candidates is None or candidates[0] is not clause:
                candidates = self._clause_candidates[key] = (
                    clause, rank_actions((aws_clause_actions(clause, read_only) & reach) - not_wanted, written))
            if candidates[1]:
                yield clause, candidates[1]

    def _any(self, principal: str, duty: str, candidates: tuple[str, ...],
             skip: frozenset[str] = frozenset()) -> list[Holding]:
        """An `on: any` clause: the first target reached by the first action that reaches one.
        Every candidate is asked, in order, until one answers: no cap, so the answer does not
        depend on how many actions sort before the one that holds (candidates come from
        AwsAccess.reachable_actions, which leaves out what can never answer)."""
        memo = self._per_principal(principal)
        key = ("any", duty, candidates, skip)
        if key not in memo:
            memo[key] = []
            for action in candidates:
                found = self._try(principal, duty, [action], self._any_targets(action), first=True,
                                  universe=frozenset((action,)), skip=skip)
                if found:
                    memo[key] = found
                    break
        return memo[key]

    def _by_scope(self, principal: str, universe: frozenset[str], on: tuple[str, ...] | str) -> dict[str, list[Target]]:
        """The targets of a clause the principal may reach, by the scope a holding on each has."""
        memo = self._per_principal(principal)
        key = ("scoped", universe, on)
        if key not in memo:
            grouped: dict[str, list[Target]] = defaultdict(list)
            for target in self.engine.allows.reached(principal, universe, self._targets(on), by_service=True):
                grouped[target.address or target.arn or "*"].append(target)
            memo[key] = grouped
        return memo[key]

    def _per_principal(self, principal: str) -> dict[tuple[Any, ...], Any]:
        """Memos of the lazy same-resource path, for one principal at a time (rules ask about
        principals one after the other): they stay bounded however large the estate."""
        if self._memo_of != principal:
            self._memo, self._memo_of = {}, principal
        return self._memo

    def _any_targets(self, action: str) -> list[Target]:
        """The resources of the code the action acts on, then its ARN formats (outside)."""
        if action not in self._targets_by_action:
            self._targets_by_action[action] = self._find_any_targets(action)
        return self._targets_by_action[action]

    def _find_any_targets(self, action: str) -> list[Target]:
        aws = self.engine
        if self._code_targets is None:
            self._code_targets = [Target(arn, r.address, r.address) for r in aws.project.resources
                                  if r.mode == "managed" and r.type.startswith("aws_") and (arn := arn_of(r))]
        inside = [t for t in self._code_targets if aws.applies_to(action, t)] \
            if resource_arns(action) else []
        return inside + _outside_targets(action)

    def _try(self, principal: str, duty: str, actions: list[str], targets: list[Target], *,
             first: bool = False, universe: frozenset[str] | None = None,
             skip: frozenset[str] = frozenset()) -> list[Holding]:
        """One holding per target: the first action the principal may perform on it (with
        `first`, only the first target the principal reaches). `universe`, a superset of
        `actions` shared by every principal, lets the targets be narrowed once for all."""
        out: list[Holding] = []
        for holding in self._tries(principal, duty, actions, targets, universe, skip=skip):
            out.append(holding)
            if first:
                break
        return out

    def _tries(self, principal: str, duty: str, actions: list[str], targets: list[Target],
               universe: frozenset[str] | None, reached: bool = False,
               skip: frozenset[str] = frozenset()) -> Iterator[Holding]:
        """_try's holdings, made one target at a time; `reached`: `targets` are already
        those the principal may reach (AllowIndex.reached)."""
        aws = self.engine
        by_service: dict[str, list[str]] = {}
        for action in actions:
            by_service.setdefault(action.split(":", 1)[0], []).append(action)
        if not reached:
            targets = aws.allows.reached(principal, universe or frozenset(actions), targets, by_service=True)
        for target in targets:
            service = arn_service(target.arn)
            pool = by_service.get(service, []) if service else actions
            for action in (a for a in pool if aws.applies_to(a, target)):  # every one: no cap
                decision = aws.can(principal, action, target, skip=skip)
                if decision.held:
                    granting = granting_statement(decision.evidence, aws.grants(principal))
                    head = Evidence(address=target.address or principal, duty=duty,
                                    detail=duty_sentence(self.ruleset.duties[duty].title, action, target, granting))
                    hops = (head, *tag_hops(decision.evidence, duty, self._tags))
                    yield Holding(principal, duty, "aws", action, decision.level,
                                  target.address or target.arn or "*", hops)
                    break

    def _written(self, principal: str) -> frozenset[str]:
        """The actions the principal's Allow statements name literally (lowercased): the most
        telling names for what it holds (access.telling)."""
        written = self._written_of.get(principal)
        if written is None:
            made = frozenset(
                a.lower() for g in self.engine.grants(principal) if g.statement.effect == "Allow"
                for a in g.statement.actions or () if isinstance(a, str) and "*" not in a and "?" not in a)
            # kept for every principal (each rule asks about every principal in turn), and
            # interned: principals holding the same policies share one set
            written = self._written_of[principal] = self._written_sets.setdefault(made, made)
        return written

    def _reachable(self, principal: str) -> frozenset[str]:
        return self.engine.reachable_actions(principal, without_context=True)  # duties fix no request values

    def _targets(self, on: tuple[str, ...] | str) -> list[Target]:
        if on not in self._targets_by_types:
            self._targets_by_types[on] = self._find_targets(on)
        return self._targets_by_types[on]

    def _find_targets(self, on: tuple[str, ...] | str) -> list[Target]:
        aws = self.engine
        if on == "audit-log-buckets":
            return _audit_buckets(aws)
        if on == "role-mapped-user-pools":
            return _role_mapped_pools(aws)
        targets = resource_targets(aws.project, on)
        for rtype in on:
            if rtype in AWS_OUTSIDE:
                targets.append(Target(AWS_OUTSIDE[rtype], None, f"any {rtype} outside the code",
                                      not_under=SERVICE_LINKED_ROLES if rtype == "aws_iam_role" else ()))
        return targets


def _outside_targets(action: str) -> list[Target]:
    """Targets standing for "any resource this action acts on": its ARN formats, or `*` for an
    action without resource types (IAM then needs `Resource: "*"` to allow it)."""
    formats = resource_arns(action)
    if not formats:
        service = action.split(":", 1)[0]
        return [Target(f"arn:aws:{service}:*:*:*", None, f"any {service} resource")]
    return [Target(f, None, f"any resource {f}") for f in formats]


def _audit_buckets(aws: Any) -> list[Target]:
    """The S3 buckets (and their objects) CloudTrail trails of the code deliver to."""
    out = []
    for trail in aws.project.by_type("aws_cloudtrail"):
        value = trail.values.get("s3_bucket_name")
        bucket = None
        for address in trail.references.get("s3_bucket_name", []):
            resource = aws.project.resource(address)
            if resource is not None and resource.type == "aws_s3_bucket":
                bucket = resource
        if bucket is None and isinstance(value, str):
            bucket = bucket_named(aws.project, value)
        if bucket is not None:
            arn = arn_of(bucket) or "arn:aws:s3:::*"
            out += [Target(arn, bucket.address, bucket.address), Target(f"{arn}/*", bucket.address, bucket.address)]
        elif isinstance(value, str):
            out += [Target(f"arn:aws:s3:::{value}", None, value), Target(f"arn:aws:s3:::{value}/*", None, value)]
    return out


def _role_mapped_pools(aws: Any) -> list[Target]:
    """The Cognito user pools of the code with a group that carries an IAM role
    (`aws_cognito_user_group.role_arn`): adding a user to such a group hands it that role's
    credentials through an identity pool. A pool given by literal id (not in the code) is
    named by it."""
    out: dict[str, Target] = {}
    for group in aws.project.by_type("aws_cognito_user_group"):
        if group.mode != "managed" or group.values.get("role_arn") is None:
            continue
        pools = [r for a in group.references.get("user_pool_id", [])
                 if (r := aws.project.resource(a)) is not None and r.type == "aws_cognito_user_pool"]
        literal = group.values.get("user_pool_id")
        if pools:
            pool = pools[0]
            out[pool.address] = Target(arn_of(pool) or "arn:aws:cognito-idp:*:*:userpool/*", pool.address, pool.address)
        elif isinstance(literal, str) and literal:
            out[literal] = Target(f"arn:aws:cognito-idp:*:*:userpool/{literal}", None, literal)
    return list(out.values())
