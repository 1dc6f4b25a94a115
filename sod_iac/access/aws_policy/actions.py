"""Action patterns: case-insensitive, `*` and `?` inside the service prefix and the action
name separately (`s3:*` never matches `s3express:...`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sod_iac.access.aws_policy.parse import Statement
from sod_iac.util.wildcard import glob_regex


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Action globs compare case-insensitively (IAM action names are not case-sensitive)."""
    return glob_regex(pattern, case_insensitive=True)


def action_pattern_matches(pattern: str, action: str) -> bool:
    """Whether an Action pattern covers a concrete action (case-insensitive, `*` and `?`).

    The service prefix and the action name are matched separately, so a wildcard never
    crosses the colon. A pattern without a prefix (other than `*`) is invalid and matches
    nothing.
    """
    if not isinstance(pattern, str) or not isinstance(action, str):
        return False
    if pattern == "*":
        return True
    p_service, p_sep, p_name = pattern.partition(":")
    a_service, a_sep, a_name = action.partition(":")
    if not p_sep or not a_sep:
        return False
    return bool(_glob_regex(p_service).fullmatch(a_service)
                and _glob_regex(p_name).fullmatch(a_name))


def statement_action_match_reference(st: Statement, action: str) -> bool:
    """Action or NotAction semantics (NotAction: every action not listed), pattern by pattern:
    the definition `statement_action_match` answers faster."""
    if st.actions is not None:
        return any(action_pattern_matches(p, action) for p in st.actions)
    return not any(action_pattern_matches(p, action) for p in st.not_actions or ())


class _ActionSet:
    """The Action (or NotAction) list of a statement compiled once: literal actions in a set,
    wildcard names grouped by service, answers memoised. Same answers as
    `aws_policy.action_pattern_matches` over the list (case-insensitive, `*`/`?` inside the
    service and the name separately); non-ASCII text takes that function itself."""

    __slots__ = ("patterns", "star", "exact", "by_service", "general", "memo")

    def __init__(self, patterns: tuple[Any, ...]) -> None:
        self.patterns = patterns
        self.star = False
        self.exact: set[str] = set()
        self.by_service: dict[str, list[str]] = defaultdict(list)
        self.general: list[str] = []
        self.memo: dict[str, bool] = {}
        for pattern in patterns:
            if not isinstance(pattern, str):
                continue  # matches nothing
            if pattern == "*":
                self.star = True
                continue
            service, sep, name = pattern.partition(":")
            if not sep:
                continue  # no service prefix: invalid, matches nothing
            if not pattern.isascii() or "*" in service or "?" in service:
                self.general.append(pattern)
            elif "*" in name or "?" in name:
                self.by_service[service.lower()].append(name)
            else:
                self.exact.add(pattern.lower())

    def __call__(self, action: str) -> bool:
        hit = self.memo.get(action)
        if hit is None:
            hit = self.memo[action] = self._match(action)
        return hit

    def _match(self, action: Any) -> bool:
        if not isinstance(action, str):
            return False
        if self.star:
            return True
        if not action.isascii():
            return any(action_pattern_matches(p, action) for p in self.patterns)
        service, sep, name = action.partition(":")
        if not sep:
            return False
        if action.lower() in self.exact:
            return True
        if any(_glob_regex(p).fullmatch(name) for p in self.by_service.get(service.lower(), ())):
            return True
        return any(action_pattern_matches(p, action) for p in self.general)


_ACTION_SETS: dict[tuple[Any, ...], _ActionSet] = {}
_BY_LIST: dict[int, tuple[tuple[Any, ...], _ActionSet]] = {}


def statement_action_match(st: Statement, action: str) -> bool:
    """Action or NotAction semantics (`statement_action_match_reference`), through a compiled, memoised form of the list
    (policies such as ReadOnlyAccess list thousands of patterns, asked again and again).
    Found by the list object's identity first (hashing a long tuple costs its length)."""
    patterns = st.actions if st.actions is not None else st.not_actions or ()
    known = _BY_LIST.get(id(patterns))
    if known is not None and known[0] is patterns:
        matcher = known[1]
    else:
        try:
            matcher = _ACTION_SETS.get(patterns)
            if matcher is None:
                if len(_ACTION_SETS) > 65536:
                    _ACTION_SETS.clear()
                    _BY_LIST.clear()
                matcher = _ACTION_SETS[patterns] = _ActionSet(patterns)
        except TypeError:  # an unhashable item: ask the reference implementation
            return statement_action_match_reference(st, action)
        _BY_LIST[id(patterns)] = (patterns, matcher)  # keeps `patterns` alive: the id stays its own
    hit = matcher(action)
    return hit if st.actions is not None else not hit
