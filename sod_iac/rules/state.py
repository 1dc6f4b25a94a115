"""SOD201-SOD205: Terraform state storage.

Whoever can rewrite state can change what Terraform believes exists, outside any review.
These checks read the `backend`/`cloud` blocks of every root module (HCL only: plans carry
no backend) and the storage the code defines for them:

- a backend is anchored on `terraform.backend.<type>` at its block;
- the bucket (storage account) a backend names is found by its literal name, in any root
  module of the scan; a finding about the bucket's own settings is anchored on the bucket
  and names the backends that use it;
- a bucket the code does not define is left alone (`storage_not_defined` lists them).

Vendor semantics followed (Terraform backend documentation and source): the S3 backend
writes state to `bucket`/`key`, locks with `use_lockfile` (S3 lock file, Terraform 1.10+) or
the deprecated `dynamodb_table`; the gcs and azurerm backends lock natively; the http
backend locks only with `lock_address`; the consul backend locks unless `lock = false`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from sod_iac.core.model import Backend, Evidence, Finding, Project, Resource, unique_evidence
from sod_iac.rules.approval_util import (
    blocks, first, flag, hop, is_set, managed, names_resource, text, unstated, where, worst,
)
from sod_iac.rules.registry import Context, rule
from sod_iac.rules.state_storage import BACKEND_OF, Recognised, recognise
from sod_iac.core.values import Ref, Template, as_list
from sod_iac.core.wording import PRINCIPALS_NAMED, listing

# --------------------------------------------------------------------------- storage model

STORAGE_TYPES = {"s3": "aws_s3_bucket", "gcs": "google_storage_bucket", "azurerm": "azurerm_storage_account"}
NAME_ARGUMENT = {"s3": "bucket", "gcs": "bucket", "azurerm": "storage_account_name"}
RESOURCE_NAME = {"aws_s3_bucket": "bucket", "google_storage_bucket": "name", "azurerm_storage_account": "name"}


@dataclass
class Store:
    """Where one backend keeps state, and the resource that defines that storage (if any)."""

    backend: Backend
    name: Any
    resource: Resource | None

    @property
    def kind(self) -> str:
        return self.backend.type

    @property
    def key(self) -> Any:
        if self.kind == "gcs":
            prefix = self.backend.config.get("prefix")
            base = prefix.strip("/") + "/" if isinstance(prefix, str) and prefix.strip("/") else ""
            return f"{base}default.tfstate"
        return self.backend.config.get("key")

    @property
    def label(self) -> str:
        scheme = {"s3": "s3://", "gcs": "gs://", "azurerm": "azurerm://"}[self.kind]
        if self.kind == "azurerm":
            container = self.backend.config.get("container_name")
            return f"{scheme}{text(self.name)}/{text(container)}/{text(self.key)}"
        return f"{scheme}{text(self.name)}/{text(self.key)}"


@dataclass
class Bucket:
    """A storage resource the code defines, with every backend that keeps state in it, or,
    when no backend block names it, why it was taken for state storage (state_storage.py)."""

    resource: Resource
    stores: list[Store] = field(default_factory=list)
    recognised: Recognised | None = None

    @property
    def kind(self) -> str:
        return BACKEND_OF[self.resource.type]

    def usage(self) -> str:
        """How the bucket is known to hold state, for messages."""
        if self.recognised is not None:
            return ("named by no backend block of the scan but taken for state storage because "
                    + "; ".join(self.recognised.reasons))
        return "used by " + ", ".join(f"{s.backend.address}{where(s.backend.location)}" for s in self.stores)

    def backend_hops(self) -> list[Evidence]:
        if self.recognised is not None:
            return list(self.recognised.evidence)
        return [Evidence(address=s.backend.address, detail=f"keeps state in {s.label}",
                         location=s.backend.location) for s in self.stores]


def stores(project: Project) -> list[Store]:
    """Every backend of a storage type we know, with the storage resource it names."""
    found = []
    for backend in project.backends:
        if backend.type not in STORAGE_TYPES:
            continue
        name = backend.config.get(NAME_ARGUMENT[backend.type])
        found.append(Store(backend, name, _storage_resource(project, backend.type, name)))
    return found


def _storage_resource(project: Project, kind: str, name: Any) -> Resource | None:
    if not isinstance(name, str) or not name:
        return None
    rtype = STORAGE_TYPES[kind]
    for resource in managed(project, rtype):
        if resource.values.get(RESOURCE_NAME[rtype]) == name:
            return resource
    return None


def buckets(project: Project) -> list[Bucket]:
    """Storage that backend blocks name, then storage the code shows to be state storage."""
    grouped: dict[tuple[str, str], Bucket] = {}
    for store in stores(project):
        if store.resource is not None:
            key = (store.resource.module_dir, store.resource.address)
            grouped.setdefault(key, Bucket(store.resource)).stores.append(store)
    named = [b.resource.address for b in grouped.values()]
    return [*grouped.values(), *(Bucket(r.resource, recognised=r) for r in recognise(project, named))]


def storage_not_defined(project: Project) -> list[str]:
    """State storage that backends name but the scanned code does not define, for the
    summary ("state storage not defined here"): its settings are not judged."""
    out = []
    for store in stores(project):
        if store.resource is None:
            what = "no name in the block (partial configuration)" if not is_set(store.name) else store.label
            out.append(f"{store.backend.address}{where(store.backend.location)}: {what}")
    return out


def attached(project: Project, bucket: Resource, *types: str, argument: str = "bucket") -> list[Resource]:
    """Resources of `types` whose `argument` designates `bucket` (reference or literal name)."""
    name = bucket.values.get(RESOURCE_NAME.get(bucket.type, "name"))
    return [r for r in managed(project, *types) if names_resource(r, argument, bucket, [name])]


def _finding(ctx: Context, rule_id: str, anchor: Backend | Resource, message: str, **kwargs: Any) -> Finding:
    """A finding on a backend or a resource. Backends of different root modules share the
    address `terraform.backend.<type>`: naming the root module puts it in their identity."""
    if isinstance(anchor, Backend):
        return ctx.finding(rule_id, anchor.address, message, location=anchor.location,
                           root=anchor.module_dir or None, **kwargs)
    return ctx.finding(rule_id, anchor.address, message, **kwargs)


def _backend_hop(backend: Backend, detail: str) -> Evidence:
    return Evidence(address=backend.address, detail=detail, location=backend.location)


# --------------------------------------------------------------------------- SOD201


@rule("SOD201")
def state_not_versioned(ctx: Context) -> Iterator[Finding]:
    """State storage without versioning: one write or delete and the history is gone."""
    for bucket in buckets(ctx.project):
        check = {"s3": _s3_versioning, "gcs": _gcs_versioning, "azurerm": _azure_versioning}[bucket.kind]
        verdict = check(ctx.project, bucket)
        if verdict is None:
            continue
        problem, hardening, evidence = verdict
        name = text(bucket.resource.values.get(RESOURCE_NAME[bucket.resource.type]))
        message = (f"State storage {bucket.resource.address} ({name}),"
                   f" {bucket.usage()}, is not versioned: {problem}. A write or delete of the "
                   f"state leaves no earlier version to compare with or restore.{hardening}")
        yield _finding(ctx, "SOD201", bucket.resource, message, evidence=[*bucket.backend_hops(), *evidence])


def _s3_versioning(project: Project, bucket: Bucket) -> tuple[str, str, list[Evidence]] | None:
    resource = bucket.resource
    evidence: list[Evidence] = []
    status_seen = []
    mfa = False
    for versioning in attached(project, resource, "aws_s3_bucket_versioning"):
        config = first(versioning.values.get("versioning_configuration"))
        status = config.get("status")
        if status == "Enabled" or unstated(status):
            return None  # versioned, or stated by a value the code does not know: not judged
        status_seen.append(f'versioning_configuration.status = "{status}"')
        mfa = mfa or config.get("mfa_delete") == "Enabled"
        evidence.append(hop(versioning, f"versioning_configuration.status = \"{status}\""))
    for legacy in blocks(resource.values.get("versioning")):
        enabled = legacy.get("enabled")
        if flag(enabled) is True or unstated(enabled):
            return None
        mfa = mfa or flag(legacy.get("mfa_delete")) is True
        status_seen.append("inline versioning { enabled = false }")
    if status_seen:
        problem = ", ".join(status_seen)
    else:
        problem = "no aws_s3_bucket_versioning with status \"Enabled\" and no inline versioning block"
    lock = bool(attached(project, resource, "aws_s3_bucket_object_lock_configuration")) \
        or flag(resource.values.get("object_lock_enabled")) is True \
        or first(resource.values.get("object_lock_configuration")).get("object_lock_enabled") == "Enabled"
    missing = [name for name, present in (("object lock", lock), ("MFA delete", mfa)) if not present]
    hardening = f" Hardening: also consider {' and '.join(missing)} (not set)." if missing else ""
    return problem, hardening, evidence


def _gcs_versioning(project: Project, bucket: Bucket) -> tuple[str, str, list[Evidence]] | None:
    config = blocks(bucket.resource.values.get("versioning"))
    enabled = config[0].get("enabled") if config else False
    if flag(enabled) is True or unstated(enabled):
        return None
    problem = "versioning { enabled = false }" if config else "no versioning { enabled = true } block"
    retention = first(bucket.resource.values.get("retention_policy"))
    hardening = "" if retention else " Hardening: also consider a retention policy (not set)."
    return problem, hardening, []


def _azure_versioning(project: Project, bucket: Bucket) -> tuple[str, str, list[Evidence]] | None:
    properties = first(bucket.resource.values.get("blob_properties"))
    versioning = properties.get("versioning_enabled")
    retention = first(properties.get("delete_retention_policy"))
    if flag(versioning) is True or retention or unstated(versioning):
        return None
    problem = "blob_properties sets neither versioning_enabled = true nor a delete_retention_policy (soft delete)"
    snapshots = [s.backend.address for s in bucket.stores if flag(s.backend.config.get("snapshot")) is True]
    hardening = (" The backend takes blob snapshots (snapshot = true), but whoever can write the blob can "
                 "delete its snapshots too.") if snapshots else ""
    return problem, hardening, []


# --------------------------------------------------------------------------- SOD202


@rule("SOD202")
def state_not_locked(ctx: Context) -> Iterator[Finding]:
    """Without a lock, two applies can interleave and the later write silently wins."""
    for backend in ctx.project.backends:
        config = backend.config
        if backend.type == "s3":
            if not is_set(config.get("bucket")):
                continue  # partial configuration: the settings come from -backend-config
            lockfile = flag(config.get("use_lockfile"))
            if lockfile is True or unstated(config.get("use_lockfile")):
                continue
            if is_set(config.get("dynamodb_table")):
                yield _finding(ctx, "SOD202", backend, (
                    f"{backend.address} locks state with dynamodb_table, which current Terraform deprecates: "
                    "set use_lockfile = true (S3-native lock file, Terraform 1.10+) and remove the table "
                    "once every user has moved."), severity="low")
                continue
            disabled = " (use_lockfile = false)" if lockfile is False else ""
            yield _finding(ctx, "SOD202", backend, (
                f"{backend.address} keeps state in s3://{text(config.get('bucket'))}/{text(config.get('key'))} "
                f"without a lock{disabled}: neither use_lockfile = true nor dynamodb_table, so two applies "
                "can run at once and the later write replaces the earlier one."))
        elif backend.type == "http":
            if not is_set(config.get("address")):
                continue
            if not is_set(config.get("lock_address")):
                yield _finding(ctx, "SOD202", backend, (
                    f"{backend.address} has no lock_address: the http backend locks state only when a lock "
                    "endpoint is configured (unless TF_HTTP_LOCK_ADDRESS supplies one at init)."))
        elif backend.type == "consul":
            if flag(config.get("lock")) is False:
                yield _finding(ctx, "SOD202", backend, f"{backend.address} disables state locking (lock = false).")


# --------------------------------------------------------------------------- SOD203


@rule("SOD203")
def state_writers(ctx: Context) -> Iterator[Finding]:
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
        evidence = unique_evidence([_backend_hop(store.backend, f"keeps state in {store.label}"),
                                    *(item for name in names for item in writers[name][1])])
        severity = "critical" if "*" in writers or "allUsers" in writers or "allAuthenticatedUsers" in writers else None
        yield _finding(ctx, "SOD203", store.backend, message, principals=names, evidence=evidence,
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
_GCS_BUCKET_IAM = ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding",
                   "google_storage_bucket_iam_policy")
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
    for resource in managed(project, *_GCS_BUCKET_IAM, *_GCP_PROJECT_IAM):
        if resource.type in _GCS_BUCKET_IAM:
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
        for role, members in _gcp_bindings(project, resource):
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


def _gcp_bindings(project: Project, resource: Resource) -> list[tuple[Any, list[Any]]]:
    values = resource.values
    if resource.type.endswith("_iam_member"):
        return [(values.get("role"), [values.get("member")])]
    if resource.type.endswith("_iam_binding"):
        return [(values.get("role"), as_list(values.get("members")))]
    data = values.get("policy_data")
    bindings: list[tuple[Any, list[Any]]] = []
    if isinstance(data, Ref):
        source = project.resource(data.address)
        for binding in blocks(source.values.get("binding") if source else None):
            bindings.append((binding.get("role"), as_list(binding.get("members"))))
    elif isinstance(data, str):
        import json

        try:
            parsed = json.loads(data)
        except ValueError:
            parsed = {}
        for binding in parsed.get("bindings", []) if isinstance(parsed, dict) else []:
            if isinstance(binding, dict):
                bindings.append((binding.get("role"), as_list(binding.get("members"))))
    return bindings


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


# --------------------------------------------------------------------------- SOD204

# Arguments that hold a secret, per backend type (Terraform backend schemas).
CREDENTIAL_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "s3": ("access_key", "secret_key", "token", "sse_customer_key",
           "assume_role_with_web_identity.web_identity_token"),
    "gcs": ("credentials", "access_token", "encryption_key"),
    "azurerm": ("access_key", "sas_token", "client_secret", "client_certificate", "client_certificate_password",
                "oidc_token", "oidc_request_token"),
    "remote": ("token",),
    "cloud": ("token",),
    "http": ("password", "client_private_key_pem"),
    "consul": ("access_token", "http_auth"),
    "kubernetes": ("token", "password", "client_key"),
    "pg": ("conn_str",),
    "oss": ("access_key", "secret_key", "security_token"),
    "cos": ("secret_id", "secret_key", "security_token"),
    "oci": ("private_key", "private_key_password"),
}
# Arguments that take a file path or the contents themselves (Terraform reads either).
PATH_OR_CONTENT = {("gcs", "credentials"), ("gcs", "encryption_key")}


@rule("SOD204")
def backend_credentials(ctx: Context) -> Iterator[Finding]:
    """Credentials in a backend block end up in version control and in every plan."""
    for backend in ctx.project.backends:
        found = _credentials(ctx.project, backend.type, backend.config, backend.module_dir)
        if found:
            yield _finding(ctx, "SOD204", backend, (
                f"{backend.address} writes credentials into its configuration: {', '.join(found)} "
                "(values not shown). Anyone who can read the repository can use them to read and write "
                "state outside review; supply them from the environment or a workload identity instead."))
    for source in ctx.project.resources:
        if source.type != "terraform_remote_state" or source.mode != "data":
            continue
        btype = source.values.get("backend")
        config = source.values.get("config")
        if isinstance(btype, str) and isinstance(config, dict):
            found = _credentials(ctx.project, btype, config, source.module_dir)
            if found:
                yield ctx.finding("SOD204", source.address, (
                    f"{source.address} writes credentials into its {btype} backend configuration: "
                    f"{', '.join(found)} (values not shown)."))


def _credentials(project: Project, btype: str, config: dict[str, Any], module_dir: str = "") -> list[str]:
    found = []
    for path in CREDENTIAL_ARGUMENTS.get(btype, ()):
        value: Any = config
        for step in path.split("."):
            value = first(value).get(step) if isinstance(value, (list, dict)) else None
        if not isinstance(value, str) or not value.strip():
            continue  # absent, or not stated in the code (supplied at init)
        if (btype, path) in PATH_OR_CONTENT and not _is_content(value):
            if not project.has_local_file(module_dir, value):
                continue  # a path outside the scanned tree: the file itself is not in the code
            found.append(f"{path} (a key file inside the repository)")
            continue
        if btype == "consul" and path == "http_auth" and ":" not in value:
            continue  # a user name only
        if btype == "pg" and path == "conn_str" and not _has_password(value):
            continue
        found.append(path)
    return found


def _is_content(value: str) -> bool:
    stripped = value.strip()
    return stripped.startswith("{") or ("/" not in stripped and "\\" not in stripped
                                        and not stripped.endswith((".json", ".key", ".pem", ".txt")))


def _has_password(conn: str) -> bool:
    import re

    return bool(re.search(r"://[^/@:]+:[^/@]+@", conn) or re.search(r"(?i)\bpassword\s*=", conn))


# --------------------------------------------------------------------------- SOD205

_PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
_PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
_PAB_SETTINGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


@rule("SOD205")
def state_exposed(ctx: Context) -> Iterator[Finding]:
    """State storage open to the public or encrypted only with keys nobody grants separately."""
    for bucket in buckets(ctx.project):
        check = {"s3": _s3_exposure, "gcs": _gcs_exposure, "azurerm": _azure_exposure}[bucket.kind]
        weaknesses, evidence = check(ctx, bucket)
        if not weaknesses:
            continue
        message = (f"State storage {bucket.resource.address}, {bucket.usage()}: "
                   + "; ".join(w for w, _ in weaknesses) + ".")
        yield _finding(ctx, "SOD205", bucket.resource, message, evidence=[*bucket.backend_hops(), *evidence],
                       severity=worst(s for _, s in weaknesses))
    for store in stores(ctx.project):
        if store.kind != "s3":
            continue
        config = store.backend.config
        problems = []
        acl = config.get("acl")
        ignored = False
        if store.resource is not None:
            _, settings = _public_access_blocks(ctx.project, store.resource)
            ignored = settings["ignore_public_acls"] or settings["block_public_acls"]
        if isinstance(acl, str) and acl in _PUBLIC_ACLS and not ignored:
            problems.append((f"acl = \"{acl}\" gives every state object written by the backend a public ACL",
                             "high"))
        if store.resource is None and flag(config.get("encrypt")) is False and not is_set(config.get("kms_key_id")):
            problems.append(("encrypt = false and no kms_key_id: the backend does not ask for encryption with "
                             "a managed key (the bucket is not defined here, so its default encryption is "
                             "unknown)", "medium"))
        if problems:
            yield _finding(ctx, "SOD205", store.backend, f"{store.backend.address}: "
                           + "; ".join(p for p, _ in problems) + ".", severity=worst(s for _, s in problems))


def _s3_exposure(ctx: Context, bucket: Bucket) -> tuple[list[tuple[str, str]], list[Evidence]]:
    project, resource = ctx.project, bucket.resource
    weaknesses: list[tuple[str, str]] = []
    evidence: list[Evidence] = []
    blocks_found, settings = _public_access_blocks(project, resource)
    # public grants: a bucket policy for everyone, or a public canned ACL / grant
    wildcard = _wildcard_policies(ctx, resource)
    if wildcard and not (settings["restrict_public_buckets"] or settings["block_public_policy"]):
        weaknesses.append(("its bucket policy allows everyone (Principal \"*\") and no public access block "
                           "restricts it: the state is public", "critical"))
        evidence.extend(wildcard)
    acls = _public_acls(project, resource)
    if acls and not (settings["ignore_public_acls"] or settings["block_public_acls"]):
        weaknesses.append(("a public ACL (" + ", ".join(a for a, _ in acls) + ") is not ignored by a public "
                           "access block: the state is public", "critical"))
        evidence.extend(e for _, e in acls)
    if not blocks_found:
        weaknesses.append(("no aws_s3_bucket_public_access_block closes it to the public", "medium"))
    else:
        open_settings = [name for name in _PAB_SETTINGS if not settings[name]]
        if open_settings:
            weaknesses.append(("its public access block leaves " + ", ".join(f"{n} = false" for n in open_settings),
                               "medium"))
            evidence.extend(hop(b, "public access block") for b in blocks_found)
    # encryption with a customer-managed KMS key, by default or requested by every backend
    if not _s3_kms_default(project, resource):
        without = [s.backend.address for s in bucket.stores if not is_set(s.backend.config.get("kms_key_id"))]
        if without or not bucket.stores:
            weaknesses.append(("it is not encrypted by default with a customer-managed KMS key (no "
                               "aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "
                               "\"aws:kms\" and kms_master_key_id)" + _and_backends(without, "sets no kms_key_id"),
                               "medium"))
    return weaknesses, evidence


def _public_access_blocks(project: Project, bucket: Resource) -> tuple[list[Resource], dict[str, bool]]:
    """The bucket's and the account's public access blocks, and each setting's effect (a
    setting is on when any block turns it on; a value the code does not state counts as on)."""
    found = attached(project, bucket, "aws_s3_bucket_public_access_block") \
        + managed(project, "aws_s3_account_public_access_block")
    settings = {name: any(flag(b.values.get(name)) is not False and b.values.get(name) is not None
                          for b in found) for name in _PAB_SETTINGS}
    return found, settings


def _wildcard_policies(ctx: Context, bucket: Resource) -> list[Evidence]:
    from sod_iac.access.aws_policy import is_wildcard_principal, parse_policy

    aws = ctx.access.aws if ctx.access is not None else None
    sources: list[tuple[Any, list[Evidence]]] = []
    if aws is not None:
        sources = [(src.statements, list(src.evidence)) for src in aws.model.resource_policies.get(bucket.address, [])]
    else:
        for policy in attached(ctx.project, bucket, "aws_s3_bucket_policy"):
            statements, _ = parse_policy(policy.values.get("policy"))
            sources.append((statements, [hop(policy, "bucket policy")]))
    found: list[Evidence] = []
    for statements, evidence in sources:
        if any(st.effect == "Allow" and not st.unknown and is_wildcard_principal(st) for st in statements):
            found.extend(evidence)
    return found


def _public_acls(project: Project, bucket: Resource) -> list[tuple[str, Evidence]]:
    found = []
    legacy = bucket.values.get("acl")
    if isinstance(legacy, str) and legacy in _PUBLIC_ACLS:
        found.append((f"acl = \"{legacy}\"", hop(bucket, f"acl = \"{legacy}\"")))
    for acl in attached(project, bucket, "aws_s3_bucket_acl"):
        value = acl.values.get("acl")
        if isinstance(value, str) and value in _PUBLIC_ACLS:
            found.append((f"acl = \"{value}\"", hop(acl, f"acl = \"{value}\"")))
        for policy in blocks(acl.values.get("access_control_policy")):
            for grant in blocks(policy.get("grant")):
                for grantee in blocks(grant.get("grantee")):
                    if grantee.get("uri") in _PUBLIC_GRANTEES:
                        found.append((f"grant to {grantee.get('uri').rsplit('/', 1)[-1]}",
                                      hop(acl, f"grants {grant.get('permission')} to {grantee.get('uri')}")))
    return found


def _s3_kms_default(project: Project, bucket: Resource) -> bool:
    rules = []
    for config in attached(project, bucket, "aws_s3_bucket_server_side_encryption_configuration"):
        rules.extend(blocks(config.values.get("rule")))
    for legacy in blocks(bucket.values.get("server_side_encryption_configuration")):
        rules.extend(blocks(legacy.get("rule")))
    for rule_block in rules:
        default = first(rule_block.get("apply_server_side_encryption_by_default"))
        algorithm = default.get("sse_algorithm")
        if not isinstance(algorithm, str) and algorithm is not None:
            return True  # not stated in the code: not judged
        if algorithm in ("aws:kms", "aws:kms:dsse") and is_set(default.get("kms_master_key_id")):
            return True
    return False


def _gcs_exposure(ctx: Context, bucket: Bucket) -> tuple[list[tuple[str, str]], list[Evidence]]:
    project, resource = ctx.project, bucket.resource
    weaknesses: list[tuple[str, str]] = []
    evidence: list[Evidence] = []
    prevention = resource.values.get("public_access_prevention")
    public = []
    for iam in managed(project, *_GCS_BUCKET_IAM):
        if not names_resource(iam, "bucket", resource, [resource.values.get("name")]):
            continue
        for role, members in _gcp_bindings(project, iam):
            for member in members:
                if member in ("allUsers", "allAuthenticatedUsers"):
                    public.append(hop(iam, f"grants {role} to {member}"))
    if public and prevention != "enforced":
        weaknesses.append(("IAM grants it to allUsers/allAuthenticatedUsers: the state is public", "critical"))
        evidence.extend(public)
    if prevention != "enforced" and not unstated(prevention):
        weaknesses.append(("public_access_prevention is not \"enforced\"", "medium"))
    kms = first(resource.values.get("encryption")).get("default_kms_key_name")
    if not is_set(kms):
        without = [s.backend.address for s in bucket.stores
                   if not is_set(s.backend.config.get("kms_encryption_key"))
                   and not is_set(s.backend.config.get("encryption_key"))]
        if without or not bucket.stores:
            weaknesses.append(("it has no encryption { default_kms_key_name }"
                               + _and_backends(without, "sets neither kms_encryption_key nor encryption_key"),
                               "medium"))
    return weaknesses, evidence


def _and_backends(backends: list[str], what: str) -> str:
    """' and B1, B2 <what>' for the backends that do not ask for the key themselves ('' when
    no backend block names the storage: its default encryption is all there is)."""
    return f" and {', '.join(sorted(set(backends)))} {what}" if backends else ""


def _azure_exposure(ctx: Context, bucket: Bucket) -> tuple[list[tuple[str, str]], list[Evidence]]:
    project, resource = ctx.project, bucket.resource
    weaknesses: list[tuple[str, str]] = []
    evidence: list[Evidence] = []
    name = resource.values.get("name")
    public = [c for c in managed(project, "azurerm_storage_container")
              if (names_resource(c, "storage_account_name", resource, [name])
                  or names_resource(c, "storage_account_id", resource, [name]))
              and c.values.get("container_access_type") in ("blob", "container")]
    nested = resource.values.get("allow_nested_items_to_be_public")
    if public and flag(nested) is not False:
        weaknesses.append(("container " + ", ".join(c.address for c in public) + " allows anonymous read "
                           "(container_access_type): the state can be public", "critical"))
        evidence.extend(hop(c, f"container_access_type = \"{c.values.get('container_access_type')}\"") for c in public)
    if nested is None or flag(nested) is True:
        weaknesses.append(("allow_nested_items_to_be_public is not false (the provider default is true): "
                           "containers can opt into anonymous access", "medium"))
    cmk = first(resource.values.get("customer_managed_key")) or [
        r for r in managed(project, "azurerm_storage_account_customer_managed_key")
        if names_resource(r, "storage_account_id", resource, [name])]
    if not cmk:
        weaknesses.append(("it is not encrypted with a customer-managed key (no customer_managed_key block or "
                           "azurerm_storage_account_customer_managed_key)", "medium"))
    return weaknesses, evidence


__all__ = ["Store", "Bucket", "stores", "buckets", "storage_not_defined"]
