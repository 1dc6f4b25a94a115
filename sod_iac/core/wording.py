"""Small pieces of wording shared by messages, evidence and reports, so that each is said one way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sod_iac.core.values import Ref, Template

PRINCIPALS_NAMED = 5
"""How many members of a reader or writer set a message names before "and N more": a set of
24 stays readable in text and markdown, and the finding's `principals` keeps every one."""


def listing(items: Sequence[str], limit: int, separator: str = ", ") -> str:
    """`a, b, c and 21 more`: the first `limit` items, then a count of the rest (`separator`
    "; " for items that hold commas themselves)."""
    shown = list(items[:limit])
    more = len(items) - len(shown)
    return separator.join(shown) + (f" and {more} more" if more > 0 else "")


def as_written(value: Any) -> str:
    """A value for people: a reference to another resource is that resource's address
    (`aws_kms_key.data`, not `${aws_kms_key.data.arn}`), inside a string too
    (`aws_s3_bucket.state/*`); an attribute other than the ARN or id stays named."""
    if isinstance(value, Ref):
        return value.address if value.attribute in ("", "arn", "id") else f"{value.address}.{value.attribute}"
    if isinstance(value, Template):
        return "".join(as_written(part) for part in value.parts)
    return str(value)
