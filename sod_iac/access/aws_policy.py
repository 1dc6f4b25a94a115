"""The AWS IAM policy language as pure functions: parse a document, match actions, resources and
principals, and judge whether a condition can stop the principal that acts.

Everything follows the IAM User Guide ("IAM JSON policy elements reference", "Policy evaluation
logic", "IAM policy elements: Variables and tags", "Condition operators", "IAM ARNs"). Values
from static evaluation may be unknown (`sod_iac.values`); matching is then three-valued
(`Match`: "yes", "possible", "no") and errs toward "possible" (DESIGN.md: unknown means
possible), never toward "no" unless the known text rules a match out.

Matching, in short:

- Actions: case-insensitive; `*` any run, `?` one character, inside the service prefix and the
  action name separately (`s3:*` never matches `s3express:...`).
- Resources: case-sensitive ARN globbing. `*` and `?` stay inside one colon-separated segment,
  except in the resource part (after the fifth colon), where they match anything including
  `/` and `:`, and except a `*` that ends a segment, which "can expand to match beyond colon
  boundaries" (so `arn:aws:ec2:*` covers every EC2 ARN). Policy variables (`${aws:username}`,
  `${aws:PrincipalTag/team}`, `${aws:userid, 'anonymous'}`) are placeholders: a match that
  needs one is only "possible". `${*}`, `${?}`, `${$}` are the literal characters. Variables
  exist only in `Version: 2012-10-17`; without it (default 2008-10-17) they are literal text.
- Principals: `"*"` and `{"AWS": "*"}` are everyone; an account id or `arn:...:iam::ID:root`
  delegates to the whole account; partial wildcards are not allowed in principals, so other
  values compare literally. NotPrincipal follows AWS: a principal escapes only when the list
  names it and its account (and, for a role session, its role); naming only the principal
  leaves it "possible" ("AWS might validate the account first").

Conditions (`condition_verdict`, `conditions_verdict`): whether a condition can stop the
principal itself, for an Allow statement. For a Deny, read the verdict as "can the condition
be true": a Deny whose condition only "restricts" applies only sometimes and cannot be relied
on to block. The table (keys are case-insensitive):

  verdict           keys and operators
  ----------------  ------------------------------------------------------------------------
  self-satisfiable  the acting principal chooses the value: aws:RequestTag/*, aws:TagKeys,
                    aws:RequestedRegion, aws:UserAgent, aws:Referer, iam:PassedToService,
                    iam:AWSServiceName, sts:RoleSessionName, sts:SourceIdentity,
                    sts:TransitiveTagKeys, s3:x-amz-acl / x-amz-grant-* / x-amz-server-side-
                    encryption* and other S3 request headers, s3:prefix, kms:EncryptionContext*,
                    kms:GrantOperations, <service>:RequestTag/*;
                    aws:ResourceTag/*, <service>:ResourceTag/*, s3:ExistingObjectTag/* (if the
                    principal can tag the resource: check its tagging permissions);
                    values that match everything (StringLike "*", IpAddress 0.0.0.0/0);
                    negated network/context tests (NotIpAddress, StringNotEquals aws:SourceVpc):
                    the principal can call from elsewhere;
                    ...IfExists, ForAllValues and negated operators on keys the principal can
                    leave out of its request (aws:SourceVpc(e), aws:SourceArn/Account,
                    aws:CalledVia, kms:ViaService, sts:ExternalId, request keys): true when
                    the key is absent;
                    Bool aws:SecureTransport/MultiFactorAuthPresent "false"; aws:CurrentTime
                    DateGreaterThan a past date; aws:TokenIssueTime DateGreaterThan a past date
                    (fresh credentials satisfy it).
  restricts         a real constraint the principal cannot satisfy at will: aws:SourceIp on
                    fixed ranges, aws:SourceVpc / SourceVpce / VpcSourceIp, aws:PrincipalOrgID /
                    OrgPaths / Account / Arn / Type / Tag/*, aws:userid, aws:username,
                    aws:SourceAccount / SourceArn / SourceOrgID (confused deputy), aws:CalledVia*,
                    aws:ViaAWSService, kms:ViaService, kms:CallerAccount,
                    Bool aws:MultiFactorAuthPresent "true" (weak with IfExists: long-term keys
                    lack the key), aws:MultiFactorAuthAge, Bool aws:SecureTransport "true"
                    (weak but real), OIDC/SAML claims (`<issuer>:sub`, `:aud`, saml:*),
                    sts:ExternalId, iam:PolicyARN and iam:PermissionsBoundary (limit which
                    policies), aws:ResourceAccount / ResourceOrgID (limit the resources),
                    aws:CurrentTime DateLessThan a future date, values left unknown by the code.
  blocks            never true: aws:CurrentTime DateLessThan (or DateEquals) only past dates;
                    aws:TokenIssueTime DateLessThan a date older than the longest session
                    (36 h) without IfExists; Bool or Null with no "true"/"false" value; an
                    operator with no values; a Null test contradicting another condition on
                    the same key (`conditions_verdict`); requiring the absence of a key that is
                    always present.
  unknown           any other key or operator, or a value that cannot be read.

AWS semantics kept: a condition on a key absent from the request is false, except negated
operators (StringNotEquals, ArnNotLike, NotIpAddress, ...), ...IfExists and Null, which are true
when the key is absent; ForAllValues is true on an empty or absent set, ForAnyValue false.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Literal

from sod_iac.values import Ref, Template, Unknown, decode_json, make_template

Match = Literal["yes", "possible", "no"]
Verdict = Literal["self-satisfiable", "restricts", "blocks", "unknown"]

_RANK = {"no": 0, "possible": 1, "yes": 2}
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
VARIABLES_VERSION = "2012-10-17"


def best(*results: Match) -> Match:
    """The strongest of several alternatives (an OR): "yes" > "possible" > "no"."""
    return max(results, key=_RANK.__getitem__, default="no")


def negate(result: Match) -> Match:
    """NOT for Match: used by NotResource and NotPrincipal."""
    return {"yes": "no", "no": "yes"}.get(result, "possible")  # type: ignore[return-value]


def _unknown(value: Any) -> bool:
    return isinstance(value, (Unknown, Template))


def _why(value: Any) -> str:
    if isinstance(value, Ref):
        return value.address + ("." + value.attribute if value.attribute else "")
    if isinstance(value, Unknown):
        return value.reason
    return str(value)


# --- the parsed form ------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One key test of a Condition block. Keys are case-insensitive in AWS: compare lowercased."""

    operator: str
    key: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Statement:
    """One policy statement. `unknown` means parts of it could not be known ("possible
    anything"): callers must downgrade any "yes" about it to "possible" (`statement_match`
    does). `policy_variables` is False for documents without `Version: 2012-10-17`, where
    `${...}` is literal text."""

    effect: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[Any, ...] | None
    not_resources: tuple[Any, ...] | None
    principals: dict[str, tuple[Any, ...]] | None
    not_principals: dict[str, tuple[Any, ...]] | None
    conditions: tuple[Condition, ...]
    sid: str | None = None
    index: int = 0
    unknown: bool = False
    policy_variables: bool = True


_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                   "Principal", "NotPrincipal", "Condition")


def _unknown_statement(index: int, why: str, variables: bool = True) -> Statement:
    """Stands for a statement we cannot read: it might allow anything to anyone."""
    hole = Unknown(why)
    return Statement(effect="Allow", actions=("*",), not_actions=None, resources=(hole,),
                     not_resources=None, principals={"*": (hole,)}, not_principals=None,
                     conditions=(), index=index, unknown=True, policy_variables=variables)


def parse_policy(document: Any) -> tuple[list[Statement], list[str]]:
    """Statements of a policy document and one-line problems found while reading it.

    `document` is a dict, JSON text, a Template (JSON with unknown parts), an Unknown, or None
    (no policy: no statements). What cannot be known becomes an unknown Allow statement:
    unknown means possible. Statements AWS would reject (no Effect, Action with NotAction, ...)
    are reported and left out.
    """
    if document is None or document == "":
        return [], []
    if isinstance(document, Unknown):
        why = f"policy document unknown: {_why(document)}"
        return [_unknown_statement(0, why)], [why]
    if isinstance(document, Template):
        try:
            document = decode_json(document)
        except ValueError as exc:
            why = f"policy document unknown: JSON with unknown parts could not be read ({exc})"
            return [_unknown_statement(0, why)], [why]
    elif isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as exc:
            return [], [f"invalid JSON: {exc}"]
    if not isinstance(document, dict):
        return [], ["policy document is not a JSON object"]

    problems: list[str] = []
    for key in document:
        if key not in ("Version", "Id", "Statement"):
            problems.append(f"unknown top-level element {key!r}")
    variables = _variables_enabled(document.get("Version"), problems)

    body = document.get("Statement")
    if body is None:
        problems.append("no Statement")
        return [], problems
    if isinstance(body, Unknown):
        why = f"Statement unknown: {_why(body)}"
        return [_unknown_statement(0, why, variables)], problems + [why]
    items = [body] if isinstance(body, dict) else body if isinstance(body, list) else None
    if items is None:
        problems.append("Statement is neither an object nor a list")
        return [], problems

    statements: list[Statement] = []
    for index, raw in enumerate(items):
        if isinstance(raw, Unknown):
            why = f"statement {index} unknown: {_why(raw)}"
            statements.append(_unknown_statement(index, why, variables))
            problems.append(why)
        elif not isinstance(raw, dict):
            problems.append(f"statement {index} is not an object")
        else:
            st = _parse_statement(raw, index, variables, problems)
            if st is not None:
                statements.append(st)
    return statements, problems


def _variables_enabled(version: Any, problems: list[str]) -> bool:
    """Policy variables need Version 2012-10-17; a missing Version means 2008-10-17."""
    if version is None:
        return False
    if _unknown(version):
        return True  # might be 2012-10-17: treating `${...}` as a placeholder matches more
    if version == VARIABLES_VERSION:
        return True
    if version != "2008-10-17":
        problems.append(f"unknown Version {version!r}")
    return False


def _parse_statement(raw: dict, index: int, variables: bool,
                     problems: list[str]) -> Statement | None:
    sid = raw.get("Sid")
    sid = None if sid is None else str(sid)
    where = f"statement {index}" + (f" ({sid})" if sid else "")
    for key in raw:
        if key not in _STATEMENT_KEYS:
            problems.append(f"{where}: unknown element {key!r}")
    unknown = False

    effect = raw.get("Effect")
    if effect is None:
        problems.append(f"{where}: missing Effect")
        return None
    if _unknown(effect):
        problems.append(f"{where}: Effect unknown ({_why(effect)}), taken as a possible Allow")
        effect, unknown = "Allow", True
    elif isinstance(effect, str) and effect.lower() in ("allow", "deny"):
        effect = effect.capitalize()
    else:
        problems.append(f"{where}: Effect must be Allow or Deny, not {effect!r}")
        return None

    pairs = (("Action", "NotAction"), ("Resource", "NotResource"),
             ("Principal", "NotPrincipal"))
    for plain, negated in pairs:
        if plain in raw and negated in raw:
            problems.append(f"{where}: both {plain} and {negated}")
            return None
    if "Action" not in raw and "NotAction" not in raw:
        problems.append(f"{where}: missing Action or NotAction")
        return None
    has_principal = "Principal" in raw or "NotPrincipal" in raw
    if "Resource" not in raw and "NotResource" not in raw and not has_principal:
        problems.append(f"{where}: missing Resource or NotResource")

    actions = not_actions = None
    if "Action" in raw:
        actions, vague = _actions(raw["Action"], where, problems, negated=False)
    else:
        not_actions, vague = _actions(raw["NotAction"], where, problems, negated=True)
    unknown = unknown or vague

    resources = _items(raw["Resource"]) if "Resource" in raw else None
    not_resources = _items(raw["NotResource"]) if "NotResource" in raw else None
    principals = (_principals(raw["Principal"], where, problems)
                  if "Principal" in raw else None)
    not_principals = (_principals(raw["NotPrincipal"], where, problems)
                      if "NotPrincipal" in raw else None)
    conditions = _conditions(raw.get("Condition"), where, problems)
    return Statement(effect=effect, actions=actions, not_actions=not_actions,
                     resources=resources, not_resources=not_resources, principals=principals,
                     not_principals=not_principals, conditions=conditions, sid=sid,
                     index=index, unknown=unknown, policy_variables=variables)


def _items(value: Any) -> tuple[Any, ...]:
    """A string-or-list element as a tuple; unknown items stay as they are."""
    if isinstance(value, list):
        return tuple(v if isinstance(v, (str, Unknown, Template)) else str(v) for v in value)
    return (value if isinstance(value, (str, Unknown, Template)) else str(value),)


def _actions(value: Any, where: str, problems: list[str],
             negated: bool) -> tuple[tuple[str, ...], bool]:
    """Action patterns and whether some were unknown.

    An unknown Action item could be any action: it becomes `*`. An unknown NotAction item
    could exclude anything, so it is dropped (the statement then covers more). Either way the
    statement is marked unknown, so its matches are only "possible".
    """
    if isinstance(value, Unknown):
        return ((), True) if negated else (("*",), True)
    out: list[str] = []
    vague = False
    for item in _items(value):
        if isinstance(item, Unknown):
            vague = True
            if not negated:
                out.append("*")
        elif isinstance(item, Template):
            vague = True
            if not negated:
                out.append("".join(p if isinstance(p, str) else "*" for p in item.parts))
        else:
            if item != "*" and ":" not in item:
                problems.append(f"{where}: action {item!r} has no service prefix")
            out.append(item)
    return tuple(out), vague


def _principals(value: Any, where: str, problems: list[str]) -> dict[str, tuple[Any, ...]]:
    if value == "*":
        return {"*": ("*",)}
    if isinstance(value, Unknown):
        return {"*": (value,)}
    if not isinstance(value, dict):
        problems.append(f"{where}: Principal must be \"*\" or an object")
        return {"AWS": _items(value)}
    out: dict[str, tuple[Any, ...]] = {}
    for key, ids in value.items():
        name = next((t for t in PRINCIPAL_TYPES if t.lower() == str(key).lower()), str(key))
        if name not in PRINCIPAL_TYPES:
            problems.append(f"{where}: unknown principal type {key!r}")
        items = _items(ids)
        for item in items:
            if isinstance(item, str) and item != "*" and ("*" in item or "?" in item):
                problems.append(f"{where}: wildcard in principal {item!r} (AWS allows only \"*\")")
        out[name] = out.get(name, ()) + items
    return out


def _conditions(value: Any, where: str, problems: list[str]) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if isinstance(value, Unknown):
        return (Condition("", "", (value,)),)
    if not isinstance(value, dict):
        problems.append(f"{where}: Condition is not an object")
        return ()
    out: list[Condition] = []
    for operator, block in value.items():
        if isinstance(block, Unknown):
            out.append(Condition(str(operator), "", (block,)))
            continue
        if not isinstance(block, dict):
            problems.append(f"{where}: Condition {operator!r} is not an object")
            continue
        for key, values in block.items():
            vals = tuple(values) if isinstance(values, list) else (values,)
            out.append(Condition(str(operator), str(key), vals))
    return tuple(out)


# --- actions --------------------------------------------------------------------------------


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


# --- ARN matching ---------------------------------------------------------------------------
# Both sides become token lists: ("c", char) a literal; ("?", spans) one character; ("*", spans)
# any run; ("v", spans) a policy variable; ("u", part) an unknown part of the value. `spans`
# says whether the wildcard may match ':' (resource part, or a `*` that ends a segment).


def _tokens(value: Any, *, wildcards: bool = True, variables: bool = False,
            target: bool = False) -> list[tuple]:
    """`target`: the value describes a resource, its wildcards standing for unknown parts
    (an account id): those never span ':' outside the resource part."""
    parts = value.parts if isinstance(value, Template) else (value,)
    arn_like = isinstance(parts[0], str) and parts[0].startswith("arn:")
    colons: int | None = 0 if arn_like else None  # None: position unknown, wildcards span
    out: list[tuple] = []
    for part in parts:
        if not isinstance(part, str):
            out.append(("u", part))
            colons = None
            continue
        i = 0
        while i < len(part):
            ch = part[i]
            in_resource = colons is None or colons >= 5
            if variables and part.startswith("${", i) and part.find("}", i + 2) != -1:
                end = part.find("}", i + 2)
                name = part[i + 2:end]
                out.append(("c", name) if name in ("*", "?", "$") else ("v", in_resource))
                i = end + 1
                continue
            if wildcards and ch == "*":
                ends_segment = i + 1 == len(part) or part[i + 1] == ":"
                out.append(("*", in_resource or (ends_segment and not target)))
            elif wildcards and ch == "?":
                out.append(("?", in_resource))
            else:
                out.append(("c", ch))
                if ch == ":" and colons is not None:
                    colons += 1
            i += 1
    return out


def _is_star(tok: tuple) -> bool:
    return tok[0] in ("*", "v", "u")


def _emits(tok: tuple, ch: str) -> bool:
    if tok[0] == "c":
        return tok[1] == ch
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
                res = b[0] in ("c", "?") and _within(b, a[1]) and ok[i + 1][j + 1]
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


# --- principals -----------------------------------------------------------------------------

_ACCOUNT_ID = re.compile(r"\d{12}")
_SESSION = re.compile(r"arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/.+")
_ROLE = re.compile(r"arn:([^:]+):iam::(\d{12}):role/(?:.*/)?([^/]+)")


def _literal_match(element: Any, value: Any) -> Match:
    """Equality where either side may hold unknown parts (no wildcards in `element`)."""
    if isinstance(element, str) and isinstance(value, str):
        return "yes" if element == value else "no"
    return _match_tokens(_tokens(element, wildcards=False), _tokens(value))


def _arn_fields(value: Any) -> list[Any] | None:
    """The six ARN fields of a str or Template (unknown parts assumed inside one field), or
    None when the value does not start with a known `arn:`."""
    parts = value.parts if isinstance(value, Template) else (value,)
    if not (isinstance(parts[0], str) and parts[0].startswith("arn:")):
        return None
    fields: list[list[Any]] = [[]]
    for part in parts:
        if not isinstance(part, str):
            fields[-1].append(part)
            continue
        for ch in part:
            if ch == ":" and len(fields) < 6:
                fields.append([])
            else:
                fields[-1].append(ch)
    if len(fields) < 6:
        return None
    return [make_template(f) for f in fields]


def _element_account(element: Any) -> Any:
    """The account a Principal AWS value delegates to (id or `:root` ARN), an Unknown when it
    might be one, else None."""
    if isinstance(element, Unknown):
        return element
    if isinstance(element, str) and _ACCOUNT_ID.fullmatch(element):
        return element
    fields = _arn_fields(element)
    if fields and fields[2] == "iam" and fields[5] == "root":
        return fields[4]
    if isinstance(element, Template) and fields is None:
        return Unknown("account")
    return None


def _principal_account(principal_arn: Any) -> Any:
    if isinstance(principal_arn, str) and _ACCOUNT_ID.fullmatch(principal_arn):
        return principal_arn
    fields = _arn_fields(principal_arn)
    if fields is not None:
        return fields[4]
    return Unknown("account") if _unknown(principal_arn) else None


def _account_match(a: Any, b: Any) -> Match:
    if a is None or b is None:
        return "no"
    return _literal_match(a, b)


def _role_of_session(element: Any, principal_arn: Any) -> Match:
    """A role named in a policy covers its sessions; a session named covers only itself."""
    if not (isinstance(element, str) and isinstance(principal_arn, str)):
        return "no"
    session, role = _SESSION.fullmatch(principal_arn), _ROLE.fullmatch(element)
    if session and role and session.groups() == role.groups():
        return "yes"
    session, role = _SESSION.fullmatch(element), _ROLE.fullmatch(principal_arn)
    if session and role and session.groups() == role.groups():
        return "possible"
    return "no"


def _aws_match(element: Any, principal_arn: Any) -> Match:
    """A Principal "AWS" value against an acting principal's ARN: the account delegates to
    all its principals (which still need their own identity permissions)."""
    if element == "*":
        return "yes"
    account = _element_account(element)
    via_account = (_account_match(account, _principal_account(principal_arn))
                   if account is not None else "no")
    return best(via_account, _literal_match(element, principal_arn),
                _role_of_session(element, principal_arn))


def _aws_account_match(element: Any, account_id: Any) -> Match:
    """A Principal "AWS" value against a whole account: naming one of its principals grants
    some principals of the account ("possible")."""
    if element == "*":
        return "yes"
    account = _element_account(element)
    if account is not None:
        return _account_match(account, account_id)
    if _account_match(_principal_account(element), account_id) != "no":
        return "possible"
    return "no"


def _other_match(kind: str, element: Any, value: Any) -> Match:
    if isinstance(element, str) and isinstance(value, str):
        if kind == "Service" or not element.startswith("arn:"):
            return "yes" if element.lower() == value.lower() else "no"
    return _literal_match(element, value)


def _named(pm: dict[str, tuple[Any, ...]], principal_arn: Any, account_id: Any,
           service: Any, federated: Any, *, exact: bool = False) -> Match:
    results: list[Match] = []
    asked = any(x is not None for x in (principal_arn, account_id, service, federated))
    for kind, elements in pm.items():
        for element in elements:
            if kind == "*" and asked:
                results.append("yes" if element == "*" else "possible" if _unknown(element)
                               else "no")
            elif kind == "AWS":
                if principal_arn is not None:
                    results.append(("yes" if element == "*" else _literal_match(element,
                                    principal_arn)) if exact else _aws_match(element,
                                                                             principal_arn))
                if account_id is not None:
                    results.append(_aws_account_match(element, account_id))
            elif kind == "Service" and service is not None:
                results.append(_other_match(kind, element, service))
            elif kind == "Federated" and federated is not None:
                results.append(_other_match(kind, element, federated))
    return best(*results)


def _account_listed(pm: dict[str, tuple[Any, ...]], account: Any) -> Match:
    """Whether a principal list names the account itself (id, `:root` ARN or "*")."""
    results: list[Match] = []
    for element in pm.get("AWS", ()) + pm.get("*", ()):
        if element == "*":
            results.append("yes")
        elif (named := _element_account(element)) is not None:
            results.append(_account_match(named, account))
    return best(*results)


def _not_named(pm: dict[str, tuple[Any, ...]], principal_arn: Any, account_id: Any,
               service: Any, federated: Any) -> Match:
    """NotPrincipal: AWS may check the account, the role and the session in turn, so a
    principal escapes for certain only when every level is listed."""
    results: list[Match] = []
    if principal_arn is not None:
        itself = _named(pm, principal_arn, None, None, None, exact=True)
        account = _principal_account(principal_arn)
        levels = [itself, _account_listed(pm, account) if account is not None else "no"]
        session = isinstance(principal_arn, str) and _SESSION.fullmatch(principal_arn)
        if session:
            levels.append(best(*(_role_of_session(e, principal_arn)
                                 for e in pm.get("AWS", ()))))
        if itself == "no":
            results.append("yes")
        elif all(level == "yes" for level in levels):
            results.append("no")
        else:
            results.append("possible")
    if account_id is not None:
        results.append(negate(_account_listed(pm, account_id)))
    if service is not None:
        results.append(negate(_named(pm, None, None, service, None)))
    if federated is not None:
        results.append(negate(_named(pm, None, None, None, federated)))
    return best(*results)


def principal_match(st: Statement, principal_arn: Any = None, *, account_id: str | None = None,
                    service: str | None = None, federated: str | None = None) -> Match:
    """Whether a resource-based or trust policy statement names the caller.

    Describe the caller by `principal_arn` (a user, role, role session or `:root` ARN; may be
    unknown), `account_id` (any principal of that account), `service` (`ec2.amazonaws.com`)
    or `federated` (an OIDC/SAML provider ARN or `cognito-identity.amazonaws.com`); several
    are alternatives (best result). A statement without Principal/NotPrincipal (an identity
    policy) names its holder: "yes". `{"AWS": "*"}` covers AWS principals and accounts, not
    service or federated callers; `"*"` covers everyone.
    """
    if st.principals is None and st.not_principals is None:
        return "yes"
    if st.principals is not None:
        return _named(st.principals, principal_arn, account_id, service, federated)
    return _not_named(st.not_principals or {}, principal_arn, account_id, service, federated)


def is_wildcard_principal(st: Statement) -> bool:
    """Whether the statement's principals are everyone ("*", {"AWS": "*"}, or everyone but a
    NotPrincipal list) and no condition restricts or blocks who they are. aws:SecureTransport
    is left out: HTTPS narrows how a request is sent, not who sends it."""
    pm = st.principals or {}
    everyone = ("*" in pm.get("*", ()) or "*" in pm.get("AWS", ())
                or st.not_principals is not None)
    who = [c for c in st.conditions if c.key.lower() != "aws:securetransport"]
    return everyone and conditions_verdict(who)[0] not in ("restricts", "blocks")


# --- conditions -----------------------------------------------------------------------------

_OPERATORS = frozenset({
    "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase",
    "stringlike", "stringnotlike", "numericequals", "numericnotequals", "numericlessthan",
    "numericlessthanequals", "numericgreaterthan", "numericgreaterthanequals", "dateequals",
    "datenotequals", "datelessthan", "datelessthanequals", "dategreaterthan",
    "dategreaterthanequals", "bool", "binaryequals", "ipaddress", "notipaddress", "arnequals",
    "arnlike", "arnnotequals", "arnnotlike", "null"})
_NEGATED = frozenset({"stringnotequals", "stringnotequalsignorecase", "stringnotlike",
                      "numericnotequals", "datenotequals", "notipaddress", "arnnotequals",
                      "arnnotlike"})
LONGEST_SESSION = timedelta(hours=36)  # GetSessionToken's maximum; role sessions are shorter


@dataclass(frozen=True)
class _Operator:
    set_op: str  # "", "forallvalues", "foranyvalue"
    base: str
    if_exists: bool
    negated: bool

    @property
    def true_when_absent(self) -> bool:
        """AWS: a missing key makes a condition false, except IfExists, negated operators and
        ForAllValues (true on an empty set); ForAnyValue is false on an empty set."""
        return self.if_exists or self.set_op == "forallvalues" or (
            self.negated and self.set_op != "foranyvalue")


def _parse_operator(text: Any) -> _Operator | None:
    if not isinstance(text, str):
        return None
    low, set_op = text.lower(), ""
    for prefix in ("forallvalues:", "foranyvalue:"):
        if low.startswith(prefix):
            set_op, low = prefix[:-1], low[len(prefix):]
    if_exists = low.endswith("ifexists")
    if if_exists:
        low = low[: -len("ifexists")]
    if low not in _OPERATORS or (if_exists and low == "null"):
        return None
    return _Operator(set_op, low, if_exists, low in _NEGATED)


@dataclass(frozen=True)
class _Key:
    kind: str      # request resource-tag identity network deputy transport mfa time
                   # token-time scope
    presence: str  # always: in every request; at-will: the principal can send or omit it;
                   # sometimes: present or not, but not the principal's choice
    what: str


def _k(kind: str, presence: str, what: str) -> _Key:
    return _Key(kind, presence, what)


_REQUEST = _k("request", "at-will", "a value the principal sets in its request")
_KEYS: dict[str, _Key] = {
    "aws:tagkeys": _REQUEST, "aws:requestedregion": _REQUEST, "aws:useragent": _REQUEST,
    "aws:referer": _REQUEST, "iam:passedtoservice": _REQUEST, "iam:awsservicename": _REQUEST,
    "iam:associatedresourcearn": _REQUEST, "sts:rolesessionname": _REQUEST,
    "sts:sourceidentity": _REQUEST, "aws:sourceidentity": _REQUEST,
    "sts:transitivetagkeys": _REQUEST, "s3:prefix": _REQUEST, "s3:delimiter": _REQUEST,
    "s3:max-keys": _REQUEST, "s3:versionid": _REQUEST, "s3:requestobjecttagkeys": _REQUEST,
    "s3:signatureversion": _REQUEST, "s3:authtype": _REQUEST, "s3:signatureage": _REQUEST,
    "kms:encryptioncontextkeys": _REQUEST, "kms:encryptionalgorithm": _REQUEST,
    "kms:grantoperations": _REQUEST, "kms:granteeprincipal": _REQUEST,
    "kms:retiringprincipal": _REQUEST, "kms:grantconstrainttype": _REQUEST,
    "aws:principalarn": _k("identity", "always", "the listed principals"),
    "aws:principalaccount": _k("identity", "always", "principals of the listed accounts"),
    "aws:principaltype": _k("identity", "always", "the listed principal types"),
    "aws:userid": _k("identity", "always", "the listed principal ids"),
    "aws:username": _k("identity", "sometimes", "the listed IAM users"),
    "aws:principalorgid": _k("identity", "sometimes", "principals of the organization"),
    "aws:principalorgpaths": _k("identity", "sometimes", "principals of the OUs"),
    "aws:principalservicename": _k("identity", "sometimes", "the listed services"),
    "aws:principalservicenameslist": _k("identity", "sometimes", "the listed services"),
    "aws:principalisawsservice": _k("identity", "always", "AWS service principals"),
    "aws:federatedprovider": _k("identity", "sometimes", "the listed identity providers"),
    "kms:calleraccount": _k("identity", "always", "principals of the listed accounts"),
    "sts:externalid": _k("identity", "at-will", "callers who know the external id"),
    "aws:sourceip": _k("network", "always", "requests from the listed addresses"),
    "aws:sourcevpc": _k("network", "at-will", "requests through the listed VPCs"),
    "aws:sourcevpce": _k("network", "at-will", "requests through the listed VPC endpoints"),
    "aws:sourcevpcarn": _k("network", "at-will", "requests through the listed VPCs"),
    "aws:vpcsourceip": _k("network", "at-will", "requests from the listed VPC addresses"),
    "aws:sourcearn": _k("deputy", "at-will", "a service acting for the listed resources"),
    "aws:sourceaccount": _k("deputy", "at-will", "a service acting for the listed accounts"),
    "aws:sourceorgid": _k("deputy", "at-will", "a service acting for the organization"),
    "aws:sourceorgpaths": _k("deputy", "at-will", "a service acting for the OUs"),
    "aws:calledvia": _k("deputy", "at-will", "requests made through the listed services"),
    "aws:calledviafirst": _k("deputy", "at-will", "requests made through the listed services"),
    "aws:calledvialast": _k("deputy", "at-will", "requests made through the listed services"),
    "aws:viaawsservice": _k("deputy", "always", "requests a service makes for the principal"),
    "kms:viaservice": _k("deputy", "at-will", "requests made through the listed services"),
    "aws:securetransport": _k("transport", "always", "HTTPS requests"),
    "aws:multifactorauthpresent": _k("mfa", "sometimes", "MFA-authenticated sessions"),
    "aws:multifactorauthage": _k("mfa", "at-will", "recent MFA"),
    "aws:currenttime": _k("time", "always", "the time window"),
    "aws:epochtime": _k("time", "always", "the time window"),
    "aws:tokenissuetime": _k("token-time", "sometimes", "credentials issued in the window"),
    "iam:policyarn": _k("scope", "always", "the listed policies"),
    "iam:permissionsboundary": _k("scope", "always", "the listed permissions boundaries"),
    "iam:organizationspolicyid": _k("scope", "always", "the listed policies"),
    "aws:resourceaccount": _k("scope", "always", "resources of the listed accounts"),
    "aws:resourceorgid": _k("scope", "always", "resources of the organization"),
    "aws:resourceorgpaths": _k("scope", "always", "resources of the OUs"),
}
_PREFIXES: tuple[tuple[str, _Key], ...] = (
    ("aws:requesttag/", _REQUEST), ("s3:x-amz-", _REQUEST), ("s3:object-lock-", _REQUEST),
    ("s3:requestobjecttag/", _REQUEST), ("kms:encryptioncontext:", _REQUEST),
    ("aws:principaltag/", _k("identity", "sometimes", "principals with the listed tag")),
    ("saml:", _k("identity", "always", "the listed SAML identities")),
)
_RESOURCE_TAG = _k("resource-tag", "at-will", "resources with the listed tag")
# `<issuer>:<claim>` of an OIDC provider, e.g. token.actions.githubusercontent.com:sub,
# oidc.eks.us-east-1.amazonaws.com/id/ABC:aud, accounts.google.com:sub
_OIDC_KEY = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+(/[^:]*)?:[a-z_]+")


def _key_info(key: str) -> _Key | None:
    k = key.lower()
    if k in _KEYS:
        return _KEYS[k]
    for prefix, info in _PREFIXES:
        if k.startswith(prefix):
            return info
    if ":requesttag/" in k:
        return _REQUEST
    if ":resourcetag/" in k or k.startswith("s3:existingobjecttag/"):
        return _RESOURCE_TAG
    if _OIDC_KEY.fullmatch(k):
        return _k("identity", "always", "the listed federated identities (token claims)")
    return None


def _needs_presence(info: _Key, name: str) -> tuple[str, str]:
    if info.presence == "sometimes":
        return "restricts", f"{name}: requires the key to be present ({info.what})"
    return "self-satisfiable", f"{name}: only requires the key to be present"


def _needs_absence(info: _Key, name: str) -> tuple[str, str]:
    if info.presence == "always":
        return "blocks", f"{name}: requires the key to be absent, but it is always present"
    if info.presence == "at-will":
        return ("self-satisfiable",
                f"{name}: true when the key is absent; the principal can leave it out")
    return "restricts", f"{name}: true only when the key is absent"


def _parse_date(value: Any) -> datetime | None:
    text = str(value).strip()
    try:
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            return datetime.fromtimestamp(float(text), timezone.utc)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _time_verdict(op: _Operator, info: _Key, name: str, values: tuple[Any, ...],
                  now: datetime) -> tuple[str, str]:
    """Date (or epoch-numeric) tests against the clock: time only moves forward."""
    dates = [_parse_date(v) for v in values]
    if any(d is None for d in dates) or op.base[:4] not in ("date", "nume"):
        return "unknown", f"{name}: cannot read {list(values)} as dates"
    kind = op.base.removeprefix("date").removeprefix("numeric")
    latest, earliest = max(dates), min(dates)  # type: ignore[type-var]
    if kind.startswith("lessthan"):
        cutoff = latest if info.kind == "time" else latest + LONGEST_SESSION
        if cutoff > now:
            return "restricts", f"{name}: only until {latest:%Y-%m-%d %H:%M}Z"
        if info.kind == "token-time" and op.true_when_absent:
            return "restricts", f"{name}: only long-term credentials (no token) pass"
        if info.kind == "token-time":
            return "blocks", f"{name}: credentials issued before {latest:%Y-%m-%d} have all expired"
        return "blocks", f"{name}: every date is in the past ({latest:%Y-%m-%d})"
    if kind.startswith("greaterthan"):
        if earliest <= now:
            how = "fresh credentials satisfy it" if info.kind == "token-time" else "always true now"
            return "self-satisfiable", f"{name}: {earliest:%Y-%m-%d} is past; {how}"
        return "restricts", f"{name}: not before {earliest:%Y-%m-%d %H:%M}Z"
    if kind == "equals":
        if latest > now:
            return "restricts", f"{name}: only at the listed instants"
        return "blocks", f"{name}: every listed instant is in the past"
    return "self-satisfiable", f"{name}: true at almost every instant"


_BOOL_TRUE = {
    "aws:securetransport": ("restricts", "HTTPS only (weak but real)"),
    "aws:multifactorauthpresent": ("restricts", "requires MFA"),
    "aws:principalisawsservice": ("restricts", "only AWS service principals"),
    "aws:viaawsservice": ("restricts", "only requests a service makes for the principal"),
}


def _bool_verdict(op: _Operator, info: _Key, name: str,
                  values: tuple[Any, ...]) -> tuple[str, str] | None:
    wanted = {str(v).lower() for v in values} & {"true", "false"}
    if not wanted:
        if op.true_when_absent:
            return _needs_absence(info, name)
        return "blocks", f"{name}: Bool needs \"true\" or \"false\"; never true"
    if wanted == {"true", "false"}:
        return _needs_presence(info, name)
    key = name.lower()
    if key not in _BOOL_TRUE:
        return None
    if wanted == {"false"}:
        return "self-satisfiable", f"{name}: false is the principal's to choose"
    verdict, reason = _BOOL_TRUE[key]
    if key == "aws:multifactorauthpresent" and op.true_when_absent:
        reason += " (weak: requests with long-term access keys lack the key and pass)"
    return verdict, f"{name}: {reason}"


def _ip_verdict(op: _Operator, info: _Key, name: str,
                values: tuple[Any, ...]) -> tuple[str, str] | None:
    try:
        nets = [ipaddress.ip_network(str(v), strict=False) for v in values]
    except ValueError:
        return "unknown", f"{name}: not an IP range in {list(values)}"
    everything = {n.version for n in nets if n.prefixlen == 0}
    listed = ", ".join(str(v) for v in values)
    if not op.negated:
        if everything:
            return "self-satisfiable", f"{name}: {listed} matches every address"
        return None
    if everything == {4, 6}:
        return _needs_absence(info, name)
    return "self-satisfiable", f"{name}: excludes {listed}; the principal can call from elsewhere"


def condition_verdict(cond: Condition, *, now: datetime | None = None) -> tuple[str, str]:
    """Whether one condition can stop the acting principal (see the module table).

    Returns (verdict, reason). `now` defaults to the current time (dates are judged against
    it: a window that has closed blocks forever).
    """
    name = cond.key or "condition"
    op = _parse_operator(cond.operator)
    if op is None:
        if not cond.operator and cond.values and _unknown(cond.values[0]):
            return "unknown", f"condition unknown: {_why(cond.values[0])}"
        return "unknown", f"{cond.operator!r}: not a condition operator we know"
    info = _key_info(cond.key)
    if info is None:
        return "unknown", f"{name}: key not classified"
    values = cond.values
    known = not any(_unknown(v) for v in values)
    now = now or datetime.now(timezone.utc)

    if op.base == "null":
        if not known:
            return "unknown", f"{name}: Null value unknown"
        wanted = {str(v).lower() for v in values} & {"true", "false"}
        if not wanted:
            return "blocks", f"{name}: Null needs \"true\" or \"false\"; never true"
        if wanted == {"true", "false"}:
            return "self-satisfiable", f"{name}: Null true or false is always true"
        return _needs_absence(info, name) if "true" in wanted else _needs_presence(info, name)

    if not values:
        if op.negated:
            return "self-satisfiable", f"{name}: a negated test with no values is always true"
        return (_needs_absence(info, name) if op.true_when_absent
                else ("blocks", f"{name}: no values; never true"))

    verdict: tuple[str, str] | None = None
    if info.kind in ("request", "resource-tag"):
        verdict = ("self-satisfiable",
                   f"{name}: set by the principal in its request" if info.kind == "request"
                   else f"{name}: satisfiable if the principal can tag the resource "
                        "(check its tagging permissions)")
    elif not known:
        if info.kind in ("time", "token-time") or op.base == "bool":
            return "unknown", f"{name}: value unknown"
        verdict = ("restricts", f"{name}: value unknown, but fixed by the code, not the principal")
    elif info.kind in ("time", "token-time"):
        return _time_verdict(op, info, name, values, now)
    elif op.base == "bool":
        verdict = _bool_verdict(op, info, name, values)
    elif op.base in ("ipaddress", "notipaddress"):
        verdict = _ip_verdict(op, info, name, values)
    elif op.base in ("stringlike", "stringnotlike", "arnlike", "arnnotlike") and all(
            isinstance(v, str) and v and set(v) == {"*"} for v in values):
        verdict = (_needs_absence(info, name) if op.negated else _needs_presence(info, name))
        verdict = (verdict[0], verdict[1] + " (the pattern matches every value)")

    if verdict is None:
        if op.negated and info.kind in ("network", "deputy"):
            verdict = ("self-satisfiable",
                       f"{name}: excludes the listed values; the principal can call from elsewhere")
        elif op.negated:
            verdict = ("restricts", f"{name}: excludes the listed values; others pass")
        else:
            verdict = ("restricts", f"{name}: only {info.what}")
    if (verdict[0] in ("restricts", "blocks") and op.true_when_absent
            and info.presence == "at-will"):
        return ("self-satisfiable",
                f"{name}: {cond.operator} is true when the key is absent, and the principal "
                "can leave it out")
    return verdict


def _requires_presence(cond: Condition) -> bool:
    op = _parse_operator(cond.operator)
    return op is not None and op.base != "null" and not op.true_when_absent


def conditions_verdict(conditions: tuple[Condition, ...] | list[Condition], *,
                       now: datetime | None = None) -> tuple[str, str]:
    """All conditions of a statement (an AND): the strongest verdict wins
    (blocks > restricts > unknown > self-satisfiable). Also catches a Null test that
    contradicts another test of the same key. No condition: ("self-satisfiable", ...)."""
    if not conditions:
        return "self-satisfiable", "no condition"
    verdicts = [condition_verdict(c, now=now) for c in conditions]
    by_key: dict[str, list[Condition]] = {}
    for c in conditions:
        by_key.setdefault(c.key.lower(), []).append(c)
    for key, conds in by_key.items():
        nulls = [{str(v).lower() for v in c.values} for c in conds
                 if (_parse_operator(c.operator) or _Operator("", "", False, False)).base == "null"
                 and not any(_unknown(v) for v in c.values)]
        absent = any(n == {"true"} for n in nulls)
        present = any(n == {"false"} for n in nulls) or any(_requires_presence(c) for c in conds)
        if absent and present:
            verdicts.append(("blocks", f"{conds[0].key}: Null requires the key absent while "
                                       "another test requires it present"))
    for level in ("blocks", "restricts", "unknown", "self-satisfiable"):
        reasons = [reason for verdict, reason in verdicts if verdict == level]
        if reasons:
            return level, "; ".join(reasons)
    return "unknown", "no verdict"


def condition_holds(cond: Condition, value: str) -> bool | None:
    """Evaluate a string condition against a known request value (e.g. iam:PassedToService
    when the question is "can it pass this role to Lambda?"). None: not a string operator we
    can decide, or values that are not all known."""
    op = _parse_operator(cond.operator)
    if op is None or op.base not in ("stringequals", "stringequalsignorecase", "stringlike",
                                     "stringnotequals", "stringnotequalsignorecase", "stringnotlike"):
        return None
    if not all(isinstance(v, str) for v in cond.values):
        return None
    base = op.base.replace("not", "")
    if base == "stringlike":
        hit = any(_glob_regex(v).fullmatch(value) for v in cond.values)
    elif base == "stringequalsignorecase":
        hit = any(v.lower() == value.lower() for v in cond.values)
    else:
        hit = value in cond.values
    return (not hit) if op.negated else hit
