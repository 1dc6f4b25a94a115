"""Action patterns: case-insensitive, `*` and `?` inside the service prefix and the action
name separately (`s3:*` never matches `s3express:...`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from sod_iac.access.aws_policy.parse import Statement


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL)


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


def statement_action_match(st: Statement, action: str) -> bool:
    """Action or NotAction semantics (NotAction: every action not listed)."""
    if st.actions is not None:
        return any(action_pattern_matches(p, action) for p in st.actions)
    return not any(action_pattern_matches(p, action) for p in st.not_actions or ())
