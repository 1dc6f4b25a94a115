"""Who could possibly be allowed an action on a resource, found through indexes.

Questions such as "who reads this secret?" or "on which keys does this role hold key-admin?"
would otherwise ask the engine about every principal and every resource: an all-pairs scan
that grows with the square of the estate. An Allow can only come from an identity statement
whose Action and Resource could match, or from the target's own resource policy. This module
finds those statements by action service and by the literal start of their resource
patterns, so each question costs what it finds. Its answers are supersets (never misses a
principal the engine would allow); the engine (sod_iac.access.aws) still decides.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

from sod_iac.access.aws_policy import Statement, statement_action_match
from sod_iac.values import Ref

if TYPE_CHECKING:
    from sod_iac.access.aws import AwsAccess, Target


class AllowIndex:
    """The identity-policy Allows of every identity of one AwsAccess, by service and resource."""

    def __init__(self, aws: AwsAccess) -> None:
        from sod_iac.access.aws import _services, statement_actions

        self._statement_actions = statement_actions
        self.aws = aws
        self._wild: dict[str, list[tuple[str, Statement]]] = defaultdict(list)
        self._by_address: dict[str, dict[str, list[tuple[str, Statement]]]] = defaultdict(lambda: defaultdict(list))
        self._by_head: dict[str, dict[str, list[tuple[str, Statement]]]] = defaultdict(lambda: defaultdict(list))
        self._heads: dict[str, list[str]] = {}
        self._memo: dict[tuple[str | frozenset[str], str | None, str | None], frozenset[str]] = {}
        self._assumers: dict[str, set[str]] | None = None
        self._expanded: dict[int, tuple[Statement, frozenset[str]]] = {}
        self._unknown_actions: dict[frozenset[str], tuple[str, ...]] = {}
        self._owners_naming: dict[str, set[str]] | None = None
        self._named: dict[str, frozenset[str]] = {}
        self._by_arn_resource: dict[str | None, list[str]] | None = None
        for identity in sorted(aws.model.principals):
            for grant in aws.grants(identity):
                st = grant.statement
                if st.effect != "Allow":
                    continue
                for service in _services(st):
                    self._add(service, identity, st)
        self._heads = {service: sorted(heads) for service, heads in self._by_head.items()}

    def _add(self, service: str, identity: str, st: Statement) -> None:
        if st.unknown or st.resources is None:
            self._wild[service].append((identity, st))
            return
        for item in st.resources:
            if isinstance(item, Ref) and item.attribute in ("arn", "id") \
                    and self.aws.project.resource(item.address) is not None:
                self._by_address[service][item.address].append((identity, st))
                continue
            pattern, _ = self.aws.resolver.value(item)
            head = _arn_head(pattern)
            if head is None or head[0] is None:
                self._wild[service].append((identity, st))
            else:
                self._by_head[service][f"{head[0]}:{head[1]}"].append((identity, st))

    def actors(self, actions: str | frozenset[str], target: Target) -> frozenset[str]:
        """Identities (roles, users, groups, permission sets) with an identity-policy Allow that
        may cover the action (or one of the actions) on `target`, statements the code does not
        state included. A principal outside this set can be allowed only by the target's
        resource policy (`named_by_policy`)."""
        key = (actions, target.arn, target.address)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = frozenset(self._actors(actions, target))
        return found

    def _actors(self, actions: str | frozenset[str], target: Target) -> set[str]:
        names = (actions,) if isinstance(actions, str) else actions
        out: set[str] = set()
        for bucket in sorted({a.split(":", 1)[0].lower() for a in names} | {"*"}):
            for identity, st in self._candidates(bucket, target):
                if identity not in out and (st.unknown or self._covers(st, actions)):
                    out.add(identity)
        return out

    def _covers(self, st: Statement, actions: str | frozenset[str]) -> bool:
        if isinstance(actions, str):
            return statement_action_match(st, actions)
        known = self._expanded.get(id(st))
        if known is None or known[0] is not st:
            known = self._expanded[id(st)] = (st, self._statement_actions(st))
        if not known[1].isdisjoint(actions):
            return True
        return any(statement_action_match(st, a) for a in self._unlisted(actions))

    def _unlisted(self, actions: frozenset[str]) -> tuple[str, ...]:
        """Actions the action database does not know: matched pattern by pattern."""
        found = self._unknown_actions.get(actions)
        if found is None:
            from sod_iac.access.aws_actions import all_actions

            known = frozenset(all_actions())
            found = self._unknown_actions[actions] = tuple(a for a in actions if a not in known)
        return found

    def named_by_policy(self, owner: str | None) -> frozenset[str]:
        """Principals the resource policies of `owner` may name directly in an Allow (a superset
        of those AwsAccess.principal_level finds there)."""
        if not owner:
            return frozenset()
        found = self._named.get(owner)
        if found is None:
            names: set[str] = set()
            for src in self.aws.model.resource_policies.get(owner, []):
                for st in src.statements:
                    if st.effect == "Allow":
                        names |= self._named_in(st)
            found = self._named[owner] = frozenset(names)
        return found

    def _named_in(self, st: Statement) -> set[str]:
        if st.principals is None:
            return set()
        entries = st.principals.get("AWS", ()) + st.principals.get("*", ())
        out = {item.address for item in entries if isinstance(item, Ref) and item.address in self.aws.model.principals}
        texts = []
        for item in entries:
            text, certain = self.aws.resolver.value(item)
            if not ((text == "*" and certain) or text.isdigit() or text.endswith(":root")):
                texts.append(text)  # the others name an account: IAM policies decide there
        if not texts:
            return out
        for principal in sorted({p for text in texts for p in self._principals_matching(text)}):
            if principal not in out and self.aws.principal_level(st, principal)[0] != "no":
                out.add(principal)
        return out

    def _principals_matching(self, text: str) -> list[str]:
        """Principals whose ARN `text` may match: by the ARN's resource part (`role/x`) when
        both are literal there, else every principal."""
        if self._by_arn_resource is None:
            self._by_arn_resource = defaultdict(list)
            for principal in sorted(self.aws.model.principals):
                head = _arn_head(self.aws.arn(principal))
                key = head[2] if head is not None and head[2] is not None else None
                self._by_arn_resource[key].append(principal)  # None: its ARN has a wildcard
        head = _arn_head(text)
        if head is None or head[2] is None:
            return [p for ps in self._by_arn_resource.values() for p in ps]
        return self._by_arn_resource.get(head[2], []) + self._by_arn_resource.get(None, [])

    def owners_naming(self, principals: Iterable[str]) -> set[str]:
        """Resources whose resource policy may name one of the principals in an Allow."""
        if self._owners_naming is None:
            found: dict[str, set[str]] = defaultdict(set)
            for owner in self.aws.model.resource_policies:
                for principal in self.named_by_policy(owner):
                    found[principal].add(owner)
            self._owners_naming = found
        return {owner for p in principals for owner in self._owners_naming.get(p, ())}

    def _candidates(self, service: str, target: Target) -> Iterable[tuple[str, Statement]]:
        yield from self._wild.get(service, ())
        if target.arn is None:  # any resource at all
            for by in (self._by_address.get(service, {}), self._by_head.get(service, {})):
                for entries in by.values():
                    yield from entries
            return
        if target.address:  # a reference to a resource of the code names that one only
            yield from self._by_address.get(service, {}).get(target.address, ())
        heads = self._by_head.get(service)
        if not heads:
            return
        t = _arn_head(target.arn)
        if t is None or t[0] is None:
            for entries in heads.values():
                yield from entries
            return
        prefix = f"{t[0]}:"
        literal = prefix + t[1]
        for cut in range(len(prefix), len(literal) + 1):  # pattern heads the target starts with
            for identity, st in heads.get(literal[:cut], ()):
                yield identity, st
        if t[2] is None:  # the target has a wildcard after its head: longer heads may fit
            sorted_heads = self._heads[service]
            at = bisect_left(sorted_heads, literal)
            while at < len(sorted_heads) and sorted_heads[at].startswith(literal):
                if len(sorted_heads[at]) > len(literal):
                    yield from heads[sorted_heads[at]]
                at += 1

    def assumers(self, role: str) -> set[str]:
        """The principals that can become `role` through role chaining (AwsAccess.assumable)."""
        if self._assumers is None:
            found: dict[str, set[str]] = defaultdict(set)
            for principal in self.aws.principals():
                for assumed, _, _ in self.aws.assumable(principal.id):
                    found[assumed].add(principal.id)
            self._assumers = found
        return self._assumers.get(role, set())

    def reach(self, actors: Iterable[str]) -> set[str]:
        """The actors and every principal that can become one of them."""
        out = set(actors)
        for actor in list(out):
            out |= self.assumers(actor)
        return out


def may_match(pattern: Any, arn: str | None) -> bool:
    """False only when a Resource entry can never match the target ARN: their services differ,
    or the literal beginnings of their resource parts disagree (every value matching a glob
    starts with its text before the first wildcard or policy variable)."""
    if not isinstance(pattern, str) or not isinstance(arn, str) or pattern == "*":
        return True
    p, t = _arn_head(pattern), _arn_head(arn)
    if p is None or t is None:
        return True
    if p[0] is not None and t[0] is not None and p[0] != t[0]:
        return False
    if t[2] is not None:  # the target's resource part is literal: match it exactly
        return _resource_glob(p[3]).fullmatch(t[2]) is not None
    return p[1].startswith(t[1]) or t[1].startswith(p[1])


@lru_cache(maxsize=65536)
def _arn_head(arn: str) -> tuple[str | None, str, str | None, str] | None:
    """(service, or None when it has a wildcard; literal start of the resource part; the
    resource part when it has no wildcard, else None; the resource part)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    service = parts[2].lower()
    resource = parts[5]
    head = _literal_head(resource)
    return (None if any(c in service for c in "*?$") else service), head, (
        resource if head == resource else None), resource


@lru_cache(maxsize=65536)
def _resource_glob(pattern: str) -> re.Pattern[str]:
    """A Resource's resource part as a regex: `*` any run, `?` one character, `${...}` a policy
    variable (anything)."""
    out = []
    for piece in re.split(r"(\$\{[^}]*\}|\*|\?)", pattern):
        out.append(".*" if piece == "*" or piece.startswith("${") else "." if piece == "?" else re.escape(piece))
    return re.compile("".join(out), re.DOTALL)


def _literal_head(text: str) -> str:
    cut = len(text)
    for mark in ("*", "?", "${"):
        at = text.find(mark)
        if at != -1:
            cut = min(cut, at)
    return text[:cut]
