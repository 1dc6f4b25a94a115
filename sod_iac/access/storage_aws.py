"""S3 answers to the storage questions (storage_model.py): who can write objects of a bucket,
and how the code opens a bucket to everyone.

Writers follow AWS's policy evaluation through the engine (`AwsAccess.can`, identity and bucket
policies, role chains, Denies): a principal the code defines that may s3:PutObject or
s3:DeleteObject the state object, plus principals a bucket policy names that the code does not
define (another account's ARN, an account root, `*`), counted as written. A bucket policy that
denies everyone but the deployer (`ArnNotEquals aws:PrincipalArn`) is judged per principal.

Public access (Amazon S3 "Blocking public access to your Amazon S3 storage"): a bucket policy
statement for everyone is made ineffective by `restrict_public_buckets` (and refused by
`block_public_policy`); a public canned ACL (public-read, public-read-write, authenticated-read)
or a grant to the AllUsers/AuthenticatedUsers groups by `ignore_public_acls` (refused by
`block_public_acls`). A setting is on when the bucket's or the account's block turns it on; a
value the code does not state counts as on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sod_iac.access.aws import ACTING_KINDS, AwsAccess, Target
from sod_iac.access.aws_model import statement_evidence
from sod_iac.access.aws_policy import (
    conditions_verdict,
    is_wildcard_principal,
    parse_policy,
    resource_match,
    statement_action_match,
)
from sod_iac.access.cloud_common import hop
from sod_iac.access.storage_model import Opening, PublicAccess, StorageTarget, Writers, attached
from sod_iac.core.arguments import blocks, flag, managed
from sod_iac.core.model import Evidence, Project, Resource
from sod_iac.core.values import Ref

WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject")
PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
_PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
PAB_SETTINGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def is_public_acl(value: Any) -> bool:
    """A canned ACL that grants everyone (or every AWS account) access."""
    return isinstance(value, str) and value in PUBLIC_ACLS


# --- writers -------------------------------------------------------------------------------
def writers(aws: AwsAccess, target: StorageTarget) -> Writers:
    """Who can write or delete the object `target.key` (any object without one) of the bucket."""
    key = target.key if isinstance(target.key, str) and target.key else "*"
    if not isinstance(target.name, str):
        return {}
    arn = f"arn:aws:s3:::{target.name}/{key}"
    objects = Target(arn, None, target.label, holder=target.resource.address if target.resource else None)
    found: Writers = {}
    for principal, kind in sorted(aws.model.kinds.items()):
        if kind not in ACTING_KINDS and kind != "group":  # the identity running Terraform too
            continue
        context = {"aws:principalarn": _principal_arn_judge(aws, principal, kind)}
        for action in WRITE_ACTIONS:
            decision = aws.can(principal, action, objects, speculative=True, context=context)
            if decision.held:
                level = "possible" if decision.level == "possible" else "yes"
                found[principal] = (level, list(decision.evidence))
                break
    if target.resource is not None:
        for name, evidence in _policy_only_writers(aws, objects, target.resource.address).items():
            found.setdefault(name, ("yes", evidence))
    return found


def _principal_arn_judge(aws: AwsAccess, principal: str, kind: str) -> Callable[[Any], bool | None]:
    """Judges a condition on aws:PrincipalArn for requests by this principal (a group's
    requests come from its member users), so "deny everyone but the deployer" applies."""
    if kind != "group":
        return aws.resolver.arn_condition(aws.arn(principal))

    def not_a_user(pattern: str) -> bool:
        """Members are users: a pattern for another kind of principal never matches them."""
        parts = pattern.split(":", 5)
        kind_of = parts[5].split("/", 1)[0] if len(parts) == 6 else "*"
        return bool(kind_of) and "*" not in kind_of and "?" not in kind_of and kind_of != "user"

    return aws.resolver.arn_condition("arn:aws:iam::*:user/*", not_a_user)


def _policy_only_writers(aws: AwsAccess, target: Target, bucket: str) -> dict[str, list[Evidence]]:
    """Principals a bucket policy allows to write the state object that the code does not
    define (an ARN of another account, an account root, `*`): reported as written."""
    known = {p: aws.arn(p) for p in aws.model.kinds}
    out: dict[str, list[Evidence]] = {}
    for source in aws.model.resource_policies.get(bucket, []):
        for st in source.statements:
            if st.effect != "Allow" or st.principals is None or st.unknown:
                continue  # an unreadable statement names nobody we could report
            if not any(statement_action_match(st, a) for a in WRITE_ACTIONS):
                continue
            if st.resources is None or not any(aws.match_resource(item, target, st.policy_variables) != "no"
                                               for item in st.resources):
                continue
            if st.conditions and conditions_verdict(st.conditions)[0] == "blocks":
                continue
            for item in st.principals.get("AWS", ()) + st.principals.get("*", ()):
                if isinstance(item, Ref) and item.address in known:
                    continue
                written, certain = aws.resolver.value(item)
                if not certain and not isinstance(item, str):
                    written = str(item)
                if written != "*" and any(resource_match(written, arn) == "yes" for arn in known.values()):
                    continue
                out.setdefault(written, list(statement_evidence(st, source.evidence)))
    return out


# --- public access -------------------------------------------------------------------------
def public_access(project: Project, aws: AwsAccess | None, target: StorageTarget) -> PublicAccess:
    """How the code opens the bucket to everyone, and its public access block state (nothing
    known when the code does not define the bucket)."""
    bucket = target.resource
    if bucket is None:
        return PublicAccess()
    guards, settings = _public_access_blocks(project, bucket)
    policies_blocked = settings["restrict_public_buckets"] or settings["block_public_policy"]
    acls_ignored = settings["ignore_public_acls"] or settings["block_public_acls"]
    openings = [Opening("policy", "bucket policy for everyone", tuple(evidence), not policies_blocked)
                for evidence in _wildcard_policies(project, aws, bucket)]
    openings += [Opening("acl", what, (evidence,), not acls_ignored) for what, evidence in _public_acls(project, bucket)]
    return PublicAccess(openings, guards, [name for name in PAB_SETTINGS if guards and not settings[name]],
                        acls_ignored)


def _public_access_blocks(project: Project, bucket: Resource) -> tuple[list[Resource], dict[str, bool]]:
    """The bucket's and the account's public access blocks, and each setting's effect (a
    setting is on when any block turns it on; a value the code does not state counts as on)."""
    found = attached(project, bucket, "aws_s3_bucket_public_access_block") \
        + managed(project, "aws_s3_account_public_access_block")
    settings = {name: any(flag(b.values.get(name)) is not False and b.values.get(name) is not None
                          for b in found) for name in PAB_SETTINGS}
    return found, settings


def _wildcard_policies(project: Project, aws: AwsAccess | None, bucket: Resource) -> list[list[Evidence]]:
    """The evidence of each bucket policy with an Allow for everyone (is_wildcard_principal):
    read through the engine's model, or, when the engine could not be built, from the
    aws_s3_bucket_policy resources that name the bucket."""
    sources: list[tuple[Any, list[Evidence]]] = []
    if aws is not None:
        sources = [(src.statements, list(src.evidence)) for src in aws.model.resource_policies.get(bucket.address, [])]
    else:
        for policy in attached(project, bucket, "aws_s3_bucket_policy"):
            statements, _ = parse_policy(policy.values.get("policy"))
            sources.append((statements, [hop(policy, "bucket policy")]))
    return [evidence for statements, evidence in sources
            if any(st.effect == "Allow" and not st.unknown and is_wildcard_principal(st) for st in statements)]


def _public_acls(project: Project, bucket: Resource) -> list[tuple[str, Evidence]]:
    found = []
    legacy = bucket.values.get("acl")
    if is_public_acl(legacy):
        found.append((f"acl = \"{legacy}\"", hop(bucket, f"acl = \"{legacy}\"")))
    for acl in attached(project, bucket, "aws_s3_bucket_acl"):
        value = acl.values.get("acl")
        if is_public_acl(value):
            found.append((f"acl = \"{value}\"", hop(acl, f"acl = \"{value}\"")))
        for policy in blocks(acl.values.get("access_control_policy")):
            for grant in blocks(policy.get("grant")):
                for grantee in blocks(grant.get("grantee")):
                    if grantee.get("uri") in _PUBLIC_GRANTEES:
                        found.append((f"grant to {grantee.get('uri').rsplit('/', 1)[-1]}",
                                      hop(acl, f"grants {grant.get('permission')} to {grantee.get('uri')}")))
    return found
