"""Principal and NotPrincipal: whether a resource-based or trust policy statement names the
caller (an ARN, an account, a service or a federated provider).
"""

from __future__ import annotations

import re
from typing import Any

from sod_iac.access.aws_policy.arn_match import _match_tokens, _tokens
from sod_iac.access.aws_policy.conditions import conditions_verdict
from sod_iac.access.aws_policy.match import Match, _unknown, best, negate
from sod_iac.access.aws_policy.parse import Statement
from sod_iac.core.values import Template, Unknown, make_template

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
