"""Condition keys classified: what kind of value each is and whether the acting principal
controls its presence in a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


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
