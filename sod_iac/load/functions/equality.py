"""Three-valued equality (True, False, or None when unknown parts decide it), and what the
literal ends of a Template already tell.
"""

from __future__ import annotations

import re
from typing import Any

from sod_iac.core.values import Ref, Template, Unknown
from sod_iac.load.functions.arguments import _is_num


def _literal_prefix(template: Template) -> str:
    return template.parts[0] if isinstance(template.parts[0], str) else ""


def _literal_suffix(template: Template) -> str:
    return template.parts[-1] if isinstance(template.parts[-1], str) else ""


def _template_may_be(template: Template, text: str) -> bool:
    """Could the template's unknown parts be filled so that it reads exactly `text`?"""
    pattern = "".join(re.escape(p) if isinstance(p, str) else ".*" for p in template.parts)
    return re.fullmatch(pattern, text, re.DOTALL) is not None


def _same(a: Any, b: Any) -> bool | None:
    """Three-valued equality: True, False, or None when unknown parts decide it."""
    if isinstance(a, Template) and a == b and all(isinstance(p, (str, Ref)) for p in a.parts):
        return True
    if isinstance(a, Ref) and a == b:
        return True  # the same attribute has one value
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return None
    if isinstance(a, Template) or isinstance(b, Template):
        template, other = (a, b) if isinstance(a, Template) else (b, a)
        if isinstance(other, str):
            return None if _template_may_be(template, other) else False
        if isinstance(other, Template):
            p1, p2 = _literal_prefix(template), _literal_prefix(other)
            s1, s2 = _literal_suffix(template), _literal_suffix(other)
            prefixes_fit = p1.startswith(p2) or p2.startswith(p1)
            suffixes_fit = s1.endswith(s2) or s2.endswith(s1)
            return None if prefixes_fit and suffixes_fit else False
        return False  # a string never equals a number, bool, null or collection
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_num(a) and _is_num(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return False
        return _all_same(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        if not all(isinstance(k, str) for k in (*a, *b)):
            return None
        if set(a) != set(b):
            return False
        return _all_same(_same(a[k], b[k]) for k in a)
    return False


def _all_same(verdicts: Any) -> bool | None:
    result: bool | None = True
    for verdict in verdicts:
        if verdict is False:
            return False
        if verdict is None:
            result = None
    return result


def _member(item: Any, items: list) -> bool | None:
    """Three-valued `item in items`."""
    result: bool | None = False
    for other in items:
        verdict = _same(item, other)
        if verdict is True:
            return True
        if verdict is None:
            result = None
    return result
