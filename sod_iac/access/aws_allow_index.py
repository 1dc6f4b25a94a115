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

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sod_iac.access.aws_arns import delegates_to_account
from sod_iac.access.aws_policy import Statement, statement_action_match
from sod_iac.core.values import Ref
from sod_iac.util.wildcard import glob_regex

if TYPE_CHECKING:
    from sod_iac.access.aws import AwsAccess, Target


class AllowIndex:
    """The identity-policy Allows of every identity of one AwsAccess, by service and resource."""

    def __init__(self, aws: AwsAccess) -> None:
        self.aws = aws
        # statements by action service, then by what their resources name; each with the
        # identities it reaches (a managed policy's statements are shared by many)
        self._wild: dict[str, dict[int, _Entry]] = defaultdict(dict)
        self._by_address: dict[str, dict[str, dict[int, _Entry]]] = defaultdict(lambda: defaultdict(dict))
        self._by_head: dict[str, dict[str, dict[int, _Entry]]] = defaultdict(lambda: defaultdict(dict))
        self._heads: dict[str, list[str]] = {}
        self._memo: dict[tuple[str | frozenset[str], str | None, str | None], Actors] = {}
        self._wild_memo: dict[str | frozenset[str], frozenset[str]] = {}
        self._assumers: dict[str, set[str]] | None = None
        self._unknown_actions: dict[frozenset[str], tuple[str, ...]] = {}
        self._owners_naming: dict[str, set[str]] | None = None
        self._tables: dict[tuple[int, frozenset[str], bool],
                           tuple[list[Target], dict[str, tuple[list[int], ...]]]] = {}
        self._named: dict[str, frozenset[str]] = {}
        self._by_arn_resource: dict[str | None, list[str]] | None = None
        for identity in sorted(aws.model.principals):
            for grant in aws.grants(identity):
                st = grant.statement
                if st.effect != "Allow":
                    continue
                for service in aws.services_in(st):
                    self._add(service, identity, st)
        self._heads = {service: sorted(heads) for service, heads in self._by_head.items()}

    def _add(self, service: str, identity: str, st: Statement) -> None:
        if st.unknown or st.resources is None:
            _enter(self._wild[service], identity, st)
            return
        for item in st.resources:
            if isinstance(item, Ref) and item.attribute in ("arn", "id") \
                    and self.aws.project.resource(item.address) is not None:
                _enter(self._by_address[service][item.address], identity, st)
                continue
            pattern, _ = self.aws.resolver.value(item)
            if st.policy_variables:  # `user/${aws:username}` is the user's own ARN (AwsAccess.match_resource)
                pattern = self.aws.own_name(pattern, identity)
            key = head_key(pattern)
            if key is None:
                _enter(self._wild[service], identity, st)
            else:
                _enter(self._by_head[service][key], identity, st)

    def actors(self, actions: str | frozenset[str], target: Target) -> Actors:
        """Identities (roles, users, groups, permission sets) with an identity-policy Allow that
        may cover the action (or one of the actions) on `target`, statements the code does not
        state included. A principal outside this set can be allowed only by the target's
        resource policy (`named_by_policy`)."""
        key = (actions, target.arn, target.address)
        found = self._memo.get(key)
        if found is None:
            wild = self._wild_actors(actions)
            found = self._memo[key] = Actors(wild, frozenset(self._actors(actions, target)) - wild)
        return found

    def _wild_actors(self, actions: str | frozenset[str]) -> frozenset[str]:
        """Identities of the statements that may match any resource (`*`, NotResource, unknown):
        the same for every target, so kept once per action set."""
        found = self._wild_memo.get(actions)
        if found is None:
            out: set[str] = set()
            for bucket in _buckets(actions):
                for st, identities in self._wild.get(bucket, {}).values():
                    if st.unknown or self._covers(st, actions):
                        out.update(identities)
            found = self._wild_memo[actions] = frozenset(out)
        return found

    def _actors(self, actions: str | frozenset[str], target: Target) -> set[str]:
        """The identities of the other statements (those naming resources) that fit `target`."""
        out: set[str] = set()
        covers: dict[int, bool] = {}
        for bucket in _buckets(actions):
            for st, identities in self._candidates(bucket, target, wild=False):
                # one statement may sit under several keys, each with its own identities
                # (a `${aws:username}` resource is keyed per user): every entry counts
                hit = covers.get(id(st))
                if hit is None:
                    hit = covers[id(st)] = st.unknown or self._covers(st, actions)
                if hit:
                    out.update(identities)
        return out

    def _covers(self, st: Statement, actions: str | frozenset[str]) -> bool:
        if isinstance(actions, str):
            return statement_action_match(st, actions)
        if not self.aws.actions_in(st).isdisjoint(actions):
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

    def reached(self, principal: str, actions: frozenset[str], targets: list[Target], *,
                by_service: bool = False) -> list[Target]:
        """The targets (in order) on which the principal, or a role it can assume, may be
        allowed one of `actions`: AwsAccess.can says "no" on the others. With `by_service`,
        a target is asked only about the actions of its own ARN service. The table behind the
        answer is built once per target list (held, so its id stays its own) and serves every
        principal: each costs what it reaches, not the size of the list."""
        key = (id(targets), actions, by_service)
        entry = self._tables.get(key)
        if entry is None or entry[0] is not targets:
            entry = self._tables[key] = (targets, self._table(actions, targets, by_service))
        who = [principal, *(role for role, _, _ in self.aws.assumable(principal))]
        return [targets[i] for i in sorted({i for w in who for chunk in entry[1].get(w, ()) for i in chunk})]

    def _table(self, actions: frozenset[str], targets: list[Target],
               by_service: bool) -> dict[str, tuple[list[int], ...]]:
        """Actor -> lists of indexes of the targets it may be allowed one of the actions on,
        built from the statements' side: each statement meets only the targets its resources
        may match (the same superset `actors` gives, target by target). A statement that may
        match any resource gives the whole list of its action pool, shared by all its actors
        (a wildcard grant to many identities would otherwise copy the list for each)."""
        grouped: dict[str, set[str]] = defaultdict(set)
        for action in actions:
            grouped[action.split(":", 1)[0]].add(action)
        pools = {service: frozenset(names) for service, names in grouped.items()}
        pool_of: list[frozenset[str] | None] = []
        for target in targets:
            service = arn_service(target.arn) if by_service else None
            pool_of.append(pools.get(service) if service else actions)
        found: dict[str, set[int]] = defaultdict(set)
        sides = TargetSide(targets)
        covers: dict[tuple[int, frozenset[str]], bool] = {}

        def covered(st: Statement, pool: frozenset[str]) -> bool:
            memo = (id(st), pool)
            hit = covers.get(memo)
            if hit is None:
                hit = covers[memo] = st.unknown or self._covers(st, pool)
            return hit

        by_pool: dict[frozenset[str], list[int]] = defaultdict(list)
        for i, pool in enumerate(pool_of):
            if pool:
                by_pool[pool].append(i)
        # one visit per statement and resource key, though a statement sits in a bucket per service
        wild: dict[int, _Entry] = {}
        keyed: dict[tuple[int, str], tuple[_Entry, list[int]]] = {}
        for bucket in _buckets(actions):
            wild.update(self._wild.get(bucket, {}))
            for address, entries in self._by_address.get(bucket, {}).items():
                for key, entry in entries.items():
                    if (key, "@" + address) not in keyed:
                        keyed[(key, "@" + address)] = (entry, sides.by_address.get(address, []) + sides.anything)
            for head, entries in self._by_head.get(bucket, {}).items():
                hits: list[int] | None = None
                for key, entry in entries.items():
                    if (key, head) not in keyed:
                        hits = sides.matching(head) if hits is None else hits
                        keyed[(key, head)] = (entry, hits)
        whole: dict[str, dict[int, list[int]]] = defaultdict(dict)  # identity -> shared pool lists
        for st, identities in wild.values():
            for pool, indexes in by_pool.items():
                if covered(st, pool):
                    for identity in identities:
                        whole[identity][id(indexes)] = indexes
        for (st, identities), indexes in keyed.values():
            reached = [i for i in indexes if pool_of[i] and covered(st, pool_of[i])]
            for identity in identities:
                found[identity].update(reached)
        for i, target in enumerate(targets):
            if pool_of[i]:
                for identity in self.named_by_policy(target.policy_owner):
                    found[identity].add(i)
        table: dict[str, tuple[list[int], ...]] = {}
        for identity in sorted(set(found) | set(whole)):
            pools = whole.get(identity, {})
            covered_whole = {i for indexes in pools.values() for i in indexes} if pools else set()
            rest = sorted(found.get(identity, set()) - covered_whole)
            table[identity] = (*pools.values(), rest) if rest else tuple(pools.values())
        return table

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
            if not delegates_to_account(text, certain):
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

    def _candidates(self, service: str, target: Target, wild: bool = True) -> Iterable[_Entry]:
        if wild:
            yield from self._wild.get(service, {}).values()
        if target.arn is None:  # any resource at all
            for by in (self._by_address.get(service, {}), self._by_head.get(service, {})):
                for entries in by.values():
                    yield from entries.values()
            return
        if target.address:  # a reference to a resource of the code names that one only
            yield from self._by_address.get(service, {}).get(target.address, {}).values()
        heads = self._by_head.get(service)
        if not heads:
            return
        for key in heads_fitting(target.arn, heads, self._heads[service]):
            yield from heads[key].values()

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


_Entry = tuple[Statement, list[str]]
"""A statement and the identities whose grants include it."""


class Actors:
    """A set of identities kept as two frozensets: those that fit any target (shared by every
    target of the same actions) and those of one target. Membership, iteration, `|`."""

    __slots__ = ("wild", "own")

    def __init__(self, wild: frozenset[str], own: frozenset[str]) -> None:
        self.wild, self.own = wild, own

    def __contains__(self, identity: object) -> bool:
        return identity in self.own or identity in self.wild

    def __iter__(self) -> Iterator[str]:
        yield from self.wild
        yield from self.own

    def __len__(self) -> int:
        return len(self.wild) + len(self.own)  # the two are disjoint

    def __or__(self, other: Iterable[str]) -> frozenset[str]:
        return self.wild | self.own | frozenset(other)

    __ror__ = __or__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Actors):
            return self.wild | self.own == other.wild | other.own
        if isinstance(other, (set, frozenset)):
            return self.wild | self.own == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment] - equal to sets, which are not hashable either


def _buckets(actions: str | frozenset[str]) -> list[str]:
    """The statement buckets (action services, and `*`) that may cover the actions."""
    names = (actions,) if isinstance(actions, str) else actions
    return sorted({a.split(":", 1)[0].lower() for a in names} | {"*"})


def _enter(entries: dict[int, _Entry], identity: str, st: Statement) -> None:
    entry = entries.setdefault(id(st), (st, []))
    if not entry[1] or entry[1][-1] != identity:  # an identity adds a statement's items in a row
        entry[1].append(identity)


class TargetSide:
    """The targets of one list, indexed the way `AllowIndex._candidates` reads statements:
    by address, and by service and the literal start of their resource part."""

    def __init__(self, targets: list[Target]) -> None:
        self.by_address: dict[str, list[int]] = defaultdict(list)
        self.anything: list[int] = []  # any resource, or an ARN without a literal service
        self.literal: dict[str, list[tuple[str, int]]] = defaultdict(list)  # service -> (head, i)
        self.wild_heads: dict[str, list[int]] = defaultdict(list)  # "svc:head" of wildcard targets
        for i, target in enumerate(targets):
            if target.address:
                self.by_address[target.address].append(i)
            head = _arn_head(target.arn) if target.arn is not None else None
            if head is None or head[0] is None:
                self.anything.append(i)
                continue
            self.literal[head[0]].append((head[1], i))
            if head[2] is None:  # a wildcard after its head: longer pattern heads may fit too
                self.wild_heads[f"{head[0]}:{head[1]}"].append(i)
        self.sorted = {service: sorted(items) for service, items in self.literal.items()}

    def matching(self, key: str) -> list[int]:
        """Targets a pattern with head `service:head` may match: those whose resource part
        starts with the head, those with a wildcard within it, and the unreadable ones."""
        service, _, head = key.partition(":")
        out = list(self.anything)
        items = self.sorted.get(service, [])
        at = bisect_left(items, (head, -1))
        while at < len(items) and items[at][0].startswith(head):
            out.append(items[at][1])
            at += 1
        for cut in range(len(service) + 1, len(key)):  # wildcard targets whose head is shorter
            out.extend(self.wild_heads.get(key[:cut], ()))
        return out


def head_key(pattern: str) -> str | None:
    """`service:head` of a pattern (its literal service and the literal start of its resource
    part), the key patterns are indexed by; None when it has no readable service."""
    head = _arn_head(pattern)
    return None if head is None or head[0] is None else f"{head[0]}:{head[1]}"


def heads_fitting(arn: str, keys: Any, sorted_keys: list[str]) -> Iterator[str]:
    """The keys (`head_key` of patterns, `keys` supporting `in`, `sorted_keys` the same sorted)
    of the patterns that may match `arn` (see `may_match`): every key when the ARN has no
    readable service; else the heads the ARN's literal start begins with and, when the ARN
    has a wildcard after its head, the longer heads that begin with it."""
    t = _arn_head(arn)
    if t is None or t[0] is None:
        yield from sorted_keys
        return
    prefix = f"{t[0]}:"
    literal = prefix + t[1]
    for cut in range(len(prefix), len(literal) + 1):  # pattern heads the target starts with
        if literal[:cut] in keys:
            yield literal[:cut]
    if t[2] is None:  # the target has a wildcard after its head: longer heads may fit
        at = bisect_left(sorted_keys, literal)
        while at < len(sorted_keys) and sorted_keys[at].startswith(literal):
            if len(sorted_keys[at]) > len(literal):
                yield sorted_keys[at]
            at += 1


def arn_service(arn: str | None) -> str | None:
    """The literal service of an ARN pattern (`arn:aws:s3:::b` -> s3), None when unknown."""
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    service = parts[2] if len(parts) > 2 else ""
    return service if service and "*" not in service and "?" not in service else None


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
        return glob_regex(p[3], policy_variables=True).fullmatch(t[2]) is not None
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


def _literal_head(text: str) -> str:
    cut = len(text)
    for mark in ("*", "?", "${"):
        at = text.find(mark)
        if at != -1:
            cut = min(cut, at)
    return text[:cut]
