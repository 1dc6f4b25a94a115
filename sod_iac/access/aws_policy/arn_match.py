"""Resource ARN matching (the rules are in the package docstring): case-sensitive globbing,
policy variables, targets that are patterns or hold unknown parts.

Both sides become token lists: ("c", char) a literal; ("?", spans) one character; ("*", spans)
any run; ("v", spans) a policy variable; ("u", part) an unknown part of the value; ("d",) one
digit. `spans` says whether the wildcard may match ':' (resource part, or a `*` that ends a
segment). A target's account field that is unknown (`*` or an unknown part) is an account id:
twelve digits, never `aws` (the AWS-managed namespace, "IAM identifiers": account IDs are
12-digit numbers). A target's wildcards in the resource part of an IAM, STS, Secrets Manager
or SSM ARN stand for names, which never contain ':' (their documented character sets).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sod_iac.access.aws_policy.actions import statement_action_match
from sod_iac.access.aws_policy.match import Match, best, negate
from sod_iac.access.aws_policy.parse import Statement
from sod_iac.core.values import Ref, Template, Unknown


def _tokens(value: Any, *, wildcards: bool = True, variables: bool = False,
            target: bool = False) -> list[tuple]:
    """`target`: the value describes a resource, its wildcards standing for unknown parts
    (an account id): those never span ':' outside the resource part."""
    parts = value.parts if isinstance(value, Template) else (value,)
    arn_like = isinstance(parts[0], str) and parts[0].startswith("arn:")
    colons: int | None = 0 if arn_like else None  # None: position unknown, wildcards span
    names = target and arn_like and parts[0].split(":")[2:3] != [] and \
        parts[0].split(":")[2] in _COLON_FREE_NAMES
    out: list[tuple] = []
    for k, part in enumerate(parts):
        if not isinstance(part, str):
            if target and colons == 4 and _fills_field(out, parts[k + 1] if k + 1 < len(parts) else ""):
                out.extend(_ACCOUNT_ID)
                continue
            out.append(("u", part))
            colons = None
            continue
        i = 0
        while i < len(part):
            ch = part[i]
            in_resource = colons is None or colons >= 5
            if target and colons == 4 and ch == "*" and _fills_field(out, part[i + 1:]):
                out.extend(_ACCOUNT_ID)
                i += 1
                continue
            if variables and part.startswith("${", i) and part.find("}", i + 2) != -1:
                end = part.find("}", i + 2)
                name = part[i + 2:end]
                out.append(("c", name) if name in ("*", "?", "$") else ("v", in_resource))
                i = end + 1
                continue
            if wildcards and ch == "*":
                ends_segment = i + 1 == len(part) or part[i + 1] == ":"
                out.append(("*", (in_resource and not names) or (ends_segment and not target)))
            elif wildcards and ch == "?":
                out.append(("?", in_resource and not names))
            else:
                out.append(("c", ch))
                if ch == ":" and colons is not None:
                    colons += 1
            i += 1
    return out


_ACCOUNT_ID = [("d",)] * 12
_COLON_FREE_NAMES = frozenset({"iam", "sts", "secretsmanager", "ssm"})


def _fills_field(before: list[tuple], after: Any) -> bool:
    """Whether a value placed between the tokens `before` and the text `after` is a whole
    colon-separated field."""
    return bool(before) and before[-1] == ("c", ":") and isinstance(after, str) and after.startswith(":")


def _is_star(tok: tuple) -> bool:
    return tok[0] in ("*", "v", "u")


def _emits(tok: tuple, ch: str) -> bool:
    if tok[0] == "c":
        return tok[1] == ch
    if tok[0] == "d":
        return ch in "0123456789"
    return tok[0] == "u" or tok[1] or ch != ":"


def _share_char(a: tuple, b: tuple) -> bool:
    if a[0] == "c":
        return _emits(b, a[1])
    if b[0] == "c":
        return _emits(a, b[1])
    return True


def _intersects(p: list[tuple], t: list[tuple]) -> bool:
    """Whether some concrete string is in both languages (variables/unknowns as wildcards)."""
    n, m = len(p), len(t)
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[n][m] = True
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            a = p[i] if i < n else None
            b = t[j] if j < m else None
            res = (a is not None and _is_star(a) and ok[i + 1][j]) or \
                  (b is not None and _is_star(b) and ok[i][j + 1])
            if not res and a is not None and b is not None and not (_is_star(a) and _is_star(b)) \
                    and _share_char(a, b):
                res = ok[i if _is_star(a) else i + 1][j if _is_star(b) else j + 1]
            ok[i][j] = res
    return ok[0][0]


def _within(tok: tuple, spans: bool) -> bool:
    """Whether every character target token `tok` may stand for is allowed by a class."""
    if tok[0] == "c":
        return spans or tok[1] != ":"
    if tok[0] == "d":
        return True
    if tok[0] == "u":
        return spans
    return spans or not tok[1]


def _covers(p: list[tuple], t: list[tuple]) -> bool:
    """Whether pattern `p` (literals and wildcards only) matches every string of target `t`.

    Symbolic matching: a target wildcard must be swallowed by a pattern `*` that allows all
    its characters. Sound (a "yes" is certain); it may miss exotic equivalences, which then
    read as "possible".
    """
    n, m = len(p), len(t)
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[n][m] = True
    for i in range(n - 1, -1, -1):
        for j in range(m, -1, -1):
            a, b = p[i], (t[j] if j < m else None)
            if a[0] == "*":
                res = ok[i + 1][j] or (b is not None and _within(b, a[1]) and ok[i][j + 1])
            elif b is None:
                res = False
            elif a[0] == "c":
                res = b == a and ok[i + 1][j + 1]
            else:  # "?"
                res = b[0] in ("c", "?", "d") and _within(b, a[1]) and ok[i + 1][j + 1]
            ok[i][j] = res
    return ok[0][0]


def _strip_common(p: list[tuple], t: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """Drop the common prefix of literals and identical references (`${aws_s3_bucket.b.arn}`
    on both sides is the same value, whatever it is)."""
    k = 0
    while k < len(p) and k < len(t) and p[k] == t[k] and (
            p[k][0] == "c" or (p[k][0] == "u" and isinstance(p[k][1], Ref))):
        k += 1
    return p[k:], t[k:]


@lru_cache(maxsize=8192)
def _pattern_regex(pattern: Any, variables: bool) -> tuple[re.Pattern[str], bool]:
    """Regex for matching a pattern against a concrete ARN, and whether it has placeholders."""
    body, vague = [], False
    for tok in _tokens(pattern, variables=variables):
        if tok[0] == "c":
            body.append(re.escape(tok[1]))
        elif tok[0] == "?":
            body.append("." if tok[1] else "[^:]")
        else:
            vague = vague or tok[0] != "*"
            body.append(".*" if tok[0] == "u" or tok[1] else "[^:]*")
    return re.compile("".join(body), re.DOTALL), vague


def _match_tokens(p: list[tuple], t: list[tuple]) -> Match:
    p, t = _strip_common(p, t)
    if not _intersects(p, t):
        return "no"
    if any(tok[0] in ("v", "u") for tok in p):
        return "possible"
    return "yes" if _covers(p, t) else "possible"


def resource_match(pattern: Any, arn: Any, *, variables: bool = True) -> Match:
    """Whether a Resource pattern covers a target ARN.

    The target may be a pattern itself, its wildcards standing for parts we do not know
    (`arn:aws:iam::*:role/app`), or hold unknown parts (Template/Unknown/Ref): "yes" when
    every ARN the target may be matches, "no" when none can, else "possible". `variables`
    says whether `${...}` are policy variables (Version 2012-10-17).
    """
    if pattern == "*":
        return "yes"
    if not isinstance(pattern, (str, Unknown, Template)):
        return "no"
    if not isinstance(arn, (str, Unknown, Template)):
        arn = Unknown("target unknown")
    if isinstance(arn, str) and "*" not in arn and "?" not in arn:
        try:
            regex, vague = _pattern_regex(pattern, variables)
        except TypeError:  # an unhashable part: take the general path
            pass
        else:
            if not regex.fullmatch(arn):
                return "no"
            return "possible" if vague else "yes"
    return _match_tokens(_tokens(pattern, variables=variables), _tokens(arn, target=True))


def statement_resource_match(st: Statement, arn: Any) -> Match:
    """Resource or NotResource semantics. A statement with neither (a trust policy) covers the
    resource it is attached to: "yes"."""
    if st.resources is not None:
        return best(*(resource_match(p, arn, variables=st.policy_variables)
                      for p in st.resources))
    if st.not_resources is not None:
        return negate(best(*(resource_match(p, arn, variables=st.policy_variables)
                             for p in st.not_resources)))
    return "yes"


def statement_match(st: Statement, action: str, arn: Any) -> Match:
    """Whether the statement covers `action` on `arn`, conditions and principals aside.
    An unknown statement never says "yes"."""
    if not statement_action_match(st, action):
        return "no"
    result = statement_resource_match(st, arn)
    return "possible" if result == "yes" and st.unknown else result


_WILD = re.compile(r"[*?$]")


def fast_resource_match(pattern: Any, arn: Any, variables: bool = True) -> str:
    """`resource_match`, answered first by a cheap exact test where it can be:
    text that matches a pattern starts with the pattern's literal prefix (up to its first
    `*`, `?` or `$`) and ends with its literal suffix, so when the pattern's and the
    target's prefixes (or suffixes) disagree, no ARN is both: "no". Other string pairs are
    memoised (the general path is a quadratic token match, asked again and again)."""
    if type(pattern) is not str or type(arn) is not str or pattern == "*":
        return resource_match(pattern, arn, variables=variables)
    return _string_match(pattern, arn, variables)


@lru_cache(maxsize=262144)
def _string_match(pattern: str, arn: str, variables: bool) -> str:
    p_head, p_tail = fixed_ends(pattern)
    t_head, t_tail = fixed_ends(arn)
    if not (p_head.startswith(t_head) or t_head.startswith(p_head)) \
            or not (p_tail.endswith(t_tail) or t_tail.endswith(p_tail)):
        return "no"
    if "*" not in arn and "?" not in arn:
        return resource_match(pattern, arn, variables=variables)  # a regex match: fast already
    # resource_match's token path (arn_match._match_tokens), with the language intersection
    # computed top-down: the same recurrence, but only over the cells it needs
    p, t = _strip_common(list(_pattern_tokens(pattern, variables)), list(_target_tokens(arn)))
    if not _intersects_lazily(p, t):
        return "no"
    if any(tok[0] in ("v", "u") for tok in p):
        return "possible"
    return "yes" if _covers(p, t) else "possible"


@lru_cache(maxsize=16384)
def _pattern_tokens(pattern: str, variables: bool) -> tuple[tuple, ...]:
    return tuple(_tokens(pattern, variables=variables))


@lru_cache(maxsize=16384)
def _target_tokens(arn: str) -> tuple[tuple, ...]:
    return tuple(_tokens(arn, target=True))


def _intersects_lazily(p: list[tuple], t: list[tuple]) -> bool:
    """arn_match._intersects (is some string in both languages?) by memoised recursion from
    (0, 0): the table's recurrence, evaluating only the cells the answer depends on."""
    n, m = len(p), len(t)
    if n + m > 400:  # keep the recursion shallow: the bottom-up table for long text
        return _intersects(p, t)
    star_p = [_is_star(tok) for tok in p]
    star_t = [_is_star(tok) for tok in t]
    memo: dict[int, bool] = {}

    def ok(i: int, j: int) -> bool:
        if i == n and j == m:
            return True
        key = i * (m + 1) + j
        found = memo.get(key)
        if found is not None:
            return found
        a_star = i < n and star_p[i]
        b_star = j < m and star_t[j]
        res = (a_star and ok(i + 1, j)) or (b_star and ok(i, j + 1))
        if not res and i < n and j < m and not (a_star and b_star) and _share_char(p[i], t[j]):
            res = ok(i if a_star else i + 1, j if b_star else j + 1)
        memo[key] = bool(res)
        return bool(res)

    return ok(0, 0)


def fixed_ends(text: str) -> tuple[str, str]:
    """The literal prefix and suffix of a pattern (the whole text when it has no wildcard)."""
    first = _WILD.search(text)
    if first is None:
        return text, text
    if "$" in text:  # `${*}` and friends stand for literal characters: no suffix claimed
        return text[:first.start()], ""
    return text[:first.start()], text[max(text.rfind("*"), text.rfind("?")) + 1:]
