"""A statement quoted as written, for evidence a reviewer can find in the code: the Sid, the
effect, the action and resource patterns (`ec2:*` on `*`), not an expansion of them."""

from __future__ import annotations

from typing import Any

from sod_iac.access.aws_policy.parse import Statement
from sod_iac.core.wording import as_written, listing

MAX_QUOTED = 4
"""Patterns quoted per element; the rest are counted ("and 3 more")."""


def quote_statement(st: Statement) -> str:
    """`statement "Deploy": Allow ec2:*, ecs:* on *` (Sid when there is one)."""
    head = f'statement "{st.sid}"' if st.sid else f"statement {st.index + 1}"
    if st.actions is not None:
        actions = _patterns(st.actions)
    else:
        actions = f"every action except {_patterns(st.not_actions or ())}"
    if st.resources is not None:
        on = f" on {_patterns(st.resources)}"
    elif st.not_resources is not None:
        on = f" on every resource except {_patterns(st.not_resources)}"
    else:
        on = ""
    count = len(st.conditions)
    when = (" when its condition holds" if count == 1 else f" when its {count} conditions hold") \
        if st.conditions and not st.unknown else ""
    if st.unknown:
        return f"{head}: not stated in the code (possibly Allow anything)"
    return f"{head}: {st.effect} {actions}{on}{when}"


def _patterns(items: tuple[Any, ...]) -> str:
    return listing([as_written(item) for item in items], MAX_QUOTED)
