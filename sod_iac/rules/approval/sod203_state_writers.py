"""Terraform state is writable by more principals than the deployers

## What it does
Counts the principals that can write or delete the state objects of each s3, gcs or azurerm backend
and reports a backend with more writers than allowed.

## Why is this bad?
Whoever can write state can change what Terraform believes exists, and state often holds secrets in
plain text. If principals other than the reviewed deploy pipeline can write the state bucket, they
can alter infrastructure records outside review, for example to make Terraform forget or recreate a
resource on the next apply. State writes should follow the same approval path as code changes.

## Example
```hcl
data "aws_iam_policy_document" "state" {
  statement {
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]  # every principal in the account
    }
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "state" {
  statement {
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.deployer.arn]  # only the reviewed pipeline writes state
    }
  }
}
```

## How to fix
Restrict write access (s3:PutObject, s3:DeleteObject, storage.objects.create/delete, storage blob
write, or listKeys while shared key access is on) on the state location to the deploy identity only,
with an explicit bucket policy that denies every other principal (for example Deny with ArnNotEquals
aws:PrincipalArn), and give humans read-only or break-glass access. Intended extra writers can be
declared in the sod-iac config (rules.SOD203.allowed_writers, or max_writers).

## Options
- `max_writers` (per resource, per rule or top level; default `1`): principals that may write
  Terraform state.
- `allowed_writers` (per resource, per rule or top level; default `[]`): principals expected to
  write state (not counted as extra).

## References
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties, CM-5 Access Restrictions for Change](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [Terraform, Sensitive data in state](https://developer.hashicorp.com/terraform/language/state/sensitive-data)
- [Terraform, S3 backend](https://developer.hashicorp.com/terraform/language/settings/backends/s3)
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from typing import Annotated

from pydantic import BaseModel, Field

from sod_iac.rules.options import PER_RESOURCE
from sod_iac.core.model import Evidence, Finding, Project, Resource, unique_evidence
from sod_iac.rules.approval.common import flag, hop, is_set, managed, names_resource, text
from sod_iac.rules.context import Context
from sod_iac.core.values import Ref, Template
from sod_iac.core.wording import PRINCIPALS_NAMED, listing
from sod_iac.rules.approval.state_backends import (
    GCS_BUCKET_IAM, gcp_bindings,
    Store, backend_hop, state_finding, stores,
)


ANCHORS = frozenset()
BACKENDS = True  # backends only (`terraform.backend.<type>`)


class Options(BaseModel):
    max_writers: Annotated[int, Field(ge=0)] = Field(
        1, description="principals that may write Terraform state", json_schema_extra=PER_RESOURCE)
    allowed_writers: list[str] = Field(
        default_factory=list, description="principals expected to write state (not counted as extra)",
        json_schema_extra=PER_RESOURCE)


def check(ctx: Context) -> Iterator[Finding]:
    """Everyone who can write the state object, beyond the allowed deployers (settings per backend:
    `resources: {terraform.backend.s3: {max_writers: 2}}`)."""
    for store in stores(ctx.project):
        if not is_set(store.name):
            continue
        limit = ctx.option("SOD203", "max_writers", address=store.backend.address)
        allowed = {str(a) for a in ctx.option("SOD203", "allowed_writers", address=store.backend.address)}
        if store.kind == "s3":
            writers = _s3_writers(ctx, store)
        elif store.kind == "gcs":
            writers = _gcs_writers(ctx, store)
        else:
            writers = _azure_writers(ctx, store)
        if not writers:
            continue
        extra = _beyond_allowed(writers, allowed, limit)
        if not extra:
            continue
        names = sorted(writers)
        listed = listing([f"{n}{' (possible)' if writers[n][0] == 'possible' else ''}" for n in names],
                         PRINCIPALS_NAMED)
        allowance = (f"allowed writers: {', '.join(sorted(allowed))}" if allowed
                     else f"allowed: {limit}")
        message = (f"State {store.label} ({store.backend.address}) can be written or deleted by "
                   f"{len(names)} principal{'s' if len(names) != 1 else ''} ({allowance}): {listed}. "
                   "Each of them can change recorded state outside the reviewed pipeline.")
        evidence = unique_evidence([backend_hop(store.backend, f"keeps state in {store.label}"),
                                    *(item for name in names for item in writers[name][1])])
        severity = "critical" if "*" in writers or "allUsers" in writers or "allAuthenticatedUsers" in writers else None
        yield state_finding(ctx, "SOD203", store.backend, message, principals=names, evidence=evidence,
                       severity=severity)


def _beyond_allowed(writers: dict[str, Any], allowed: set[str], limit: int) -> list[str]:
    if allowed:
        return [w for w in writers if w not in allowed and not any(w.endswith(f".{a}") or w.endswith(f"/{a}")
                                                                   for a in allowed)]
    return sorted(writers) if len(writers) > limit else []


_WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject")


def _s3_writers(ctx: Context, store: Store) -> dict[str, tuple[str, list[Evidence]]]:
    aws = ctx.access.aws if ctx.access is not None else None
    key = store.key if isinstance(store.key, str) and store.key else "*"
    arn = f"arn:aws:s3:::{store.name}/{key}" if isinstance(store.name, str) else None
    if aws is None or arn is None:
        return {}
    from sod_iac.access.aws import ACTING_KINDS, Target

    target = Target(arn, None, store.label, holder=store.resource.address if store.resource else None)
    writers: dict[str, tuple[str, list[Evidence]]] = {}
    for principal, kind in sorted(aws.model.kinds.items()):
        if kind not in ACTING_KINDS and kind != "group":  # the identity running Terraform too
            continue
        context = {"aws:principalarn": _principal_arn_judge(aws, principal, kind)}
        for action in _WRITE_ACTIONS:
            decision = aws.can(principal, action, target, speculative=True, context=context)
            if decision.held:
                level = "possible" if decision.level == "possible" else "yes"
                writers[principal] = (level, list(decision.evidence))
                break
    if store.resource is not None:
        for name, evidence in _policy_only_writers(aws, target, store.resource.address).items():
            writers.setdefault(name, ("yes", evidence))
    return writers


def _principal_arn_judge(aws: Any, principal: str, kind: str) -> Callable[[Any], bool | None]:
    """Judges a condition on aws:PrincipalArn for requests by this principal (a group's
    requests come from its member users), so "deny everyone but the deployer" applies."""
    from sod_iac.access.aws_policy import judge_condition, resource_match

    arn = "arn:aws:iam::*:user/*" if kind == "group" else aws.arn(principal)

    def match(value: Any) -> str:
        pattern, certain = aws.resolver.value(value)
        if kind == "group":
            # members are users: a pattern for another kind of principal never matches them
            parts = pattern.split(":", 5)
            kind_of = parts[5].split("/", 1)[0] if len(parts) == 6 else "*"
            if kind_of and "*" not in kind_of and "?" not in kind_of and kind_of != "user":
                return "no"
        result = resource_match(pattern, arn)
        return "possible" if result == "yes" and not certain else result

    return lambda cond: judge_condition(cond, match)


def _policy_only_writers(aws: Any, target: Any, bucket: str) -> dict[str, list[Evidence]]:
    """Principals a bucket policy allows to write the state object that the code does not
    define (an ARN of another account, an account root, `*`): reported as written."""
    from sod_iac.access.aws_model import statement_evidence
    from sod_iac.access.aws_policy import conditions_verdict, resource_match, statement_action_match

    known = {p: aws.arn(p) for p in aws.model.kinds}
    out: dict[str, list[Evidence]] = {}
    for source in aws.model.resource_policies.get(bucket, []):
        for st in source.statements:
            if st.effect != "Allow" or st.principals is None or st.unknown:
                continue  # an unreadable statement names nobody we could report
            if not any(statement_action_match(st, a) for a in _WRITE_ACTIONS):
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
                    written = text(item)
                if written != "*" and any(resource_match(written, arn) == "yes" for arn in known.values()):
                    continue
                out.setdefault(written, list(statement_evidence(st, source.evidence)))
    return out


# GCS: roles that can create or delete objects (Cloud Storage IAM roles reference)
GCS_WRITE_ROLES = frozenset({
    "roles/storage.admin", "roles/storage.objectAdmin", "roles/storage.objectCreator",
    "roles/storage.objectUser", "roles/storage.legacyBucketWriter", "roles/storage.legacyBucketOwner",
    "roles/owner", "roles/editor",
})
_GCP_PROJECT_IAM = ("google_project_iam_member", "google_project_iam_binding", "google_project_iam_policy")


def _engine_writers(engine: Any, operations: tuple[str, ...], address: str,
                    **kwargs: Any) -> dict[str, tuple[str, list[Evidence]]]:
    writers: dict[str, tuple[str, list[Evidence]]] = {}
    for operation in operations:
        for grant in engine.members_with_permission(operation, address, **kwargs):
            if grant.level not in ("yes", "conditional", "possible"):
                continue
            level = "possible" if grant.level == "possible" else "yes"
            current = writers.get(grant.principal)
            if current is None or current[0] == "possible" and level == "yes":
                writers[grant.principal] = (level, list(grant.evidence))
    return writers


def _gcs_writers(ctx: Context, store: Store) -> dict[str, tuple[str, list[Evidence]]]:
    """Members that can create or delete objects in the bucket: through the GCP engine when
    the bucket is in the code, else from bucket-level bindings that name it."""
    engine = getattr(ctx.access, "gcp", None) if ctx.access is not None else None
    if engine is not None and store.resource is not None and hasattr(engine, "members_with_permission"):
        return _engine_writers(engine, ("storage.objects.create", "storage.objects.delete"), store.resource.address,
                               speculative=True)
    project = ctx.project
    writers: dict[str, tuple[str, list[Evidence]]] = {}
    bucket_project = store.resource.values.get("project") if store.resource else None
    for resource in managed(project, *GCS_BUCKET_IAM, *_GCP_PROJECT_IAM):
        if resource.type in GCS_BUCKET_IAM:
            if not _gcs_bucket_matches(resource, store):
                continue
            scope = "bucket"
        else:
            project_id = resource.values.get("project")
            if isinstance(project_id, str) and isinstance(bucket_project, str) and project_id != bucket_project:
                continue
            scope = "project"
        level = "yes" if scope == "bucket" or isinstance(bucket_project, str) and \
            resource.values.get("project") == bucket_project else "possible"
        for role, members in gcp_bindings(project, resource):
            if not isinstance(role, str) or role not in GCS_WRITE_ROLES:
                continue
            for member in members:
                name = _gcp_member(project, member)
                writers.setdefault(name, (level, [hop(resource, f"grants {role} on the {scope} to {name}")]))
    return writers


# Azure: writing a blob is a data action; whoever can list the account keys can use them
# while shared key access is enabled (shared_access_key_enabled, provider default true).
AZURE_BLOB_WRITES = ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
                     "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete")
AZURE_LIST_KEYS = "Microsoft.Storage/storageAccounts/listKeys/action"


def _azure_writers(ctx: Context, store: Store) -> dict[str, tuple[str, list[Evidence]]]:
    engine = getattr(ctx.access, "azure", None) if ctx.access is not None else None
    if engine is None or store.resource is None or not hasattr(engine, "members_with_permission"):
        return {}
    address = store.resource.address
    writers = _engine_writers(engine, AZURE_BLOB_WRITES, address, data=True, speculative=True)
    if flag(store.resource.values.get("shared_access_key_enabled")) is not False:
        for name, found in _engine_writers(engine, (AZURE_LIST_KEYS,), address, data=False,
                                           speculative=True).items():
            writers.setdefault(name, found)
    return writers


def _gcs_bucket_matches(resource: Resource, store: Store) -> bool:
    value = resource.values.get("bucket")
    if store.resource is not None and names_resource(resource, "bucket", store.resource, [store.name]):
        return True
    return isinstance(value, str) and value.removeprefix("b/") == store.name


def _gcp_member(project: Project, member: Any) -> str:
    """A member as the report names it: the address of a service account the code defines,
    else the member as written."""
    refs = []
    if isinstance(member, Template):
        refs = list(member.refs)
    elif isinstance(member, Ref):
        refs = [member]
    for ref in refs:
        resource = project.resource(ref.address)
        if resource is not None and resource.type == "google_service_account":
            return resource.address
    return text(member)
