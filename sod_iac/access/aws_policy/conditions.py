"""IAM Condition blocks judged (the table below), and string conditions evaluated.

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
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from sod_iac.access.aws_policy.actions import _glob_regex
from sod_iac.access.aws_policy.condition_keys import _Key, _key_info
from sod_iac.access.aws_policy.condition_operators import _Operator, _parse_operator
from sod_iac.access.aws_policy.match import Match, _unknown, _why
from sod_iac.access.aws_policy.parse import Condition

Verdict = Literal["self-satisfiable", "restricts", "blocks", "unknown"]
LONGEST_SESSION = timedelta(hours=36)  # GetSessionToken's maximum; role sessions are shorter


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
    dates = [d for d in map(_parse_date, values) if d is not None]
    if len(dates) != len(values) or op.base[:4] not in ("date", "nume"):
        return "unknown", f"{name}: cannot read {list(values)} as dates"
    kind = op.base.removeprefix("date").removeprefix("numeric")
    latest, earliest = max(dates), min(dates)
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
    for conds in by_key.values():
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
    """Evaluate a string, Bool or Null condition against a known request value, present in
    the request (e.g. iam:PassedToService when the question is "can it pass this role to
    Lambda?"; aws:MultiFactorAuthPresent "false" for a role session). None: not an operator
    we can decide, or values that are not all known."""
    op = _parse_operator(cond.operator)
    if op is not None and op.base in ("bool", "null") and not op.set_op \
            and all(isinstance(v, str) for v in cond.values):
        wanted = {v.lower() for v in cond.values}
        return value.lower() in wanted if op.base == "bool" else "false" in wanted
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


_JUDGED = frozenset({"stringequals", "stringnotequals", "stringlike", "stringnotlike",
                     "stringequalsignorecase", "stringnotequalsignorecase",
                     "arnequals", "arnnotequals", "arnlike", "arnnotlike"})


def judge_condition(cond: Condition, match: Callable[[Any], Match], *,
                    folds_case: bool = False) -> bool | None:
    """Evaluate a string or ARN condition on a key the question fixes to one value that is
    present in the request (aws:PrincipalArn, kms:ViaService, aws:PrincipalAccount), given
    `match(policy value)` -> "yes" / "no" / "possible" for that request value.

    Set operators follow AWS: ForAllValues is true when every value of the key in the request
    matches (and when the key is absent or empty), ForAnyValue when at least one does. With one
    value present both reduce to the plain operator. ...IgnoreCase is judged only when `match`
    folds case itself. None: an operator not judged here, or a match that stays possible."""
    op = _parse_operator(cond.operator)
    if op is None or op.base not in _JUDGED or ("ignorecase" in op.base and not folds_case):
        return None
    results = [match(v) for v in cond.values]
    if "yes" in results:
        hit = True
    elif all(r == "no" for r in results):
        hit = False
    else:
        return None
    return (not hit) if op.negated else hit
