"""Benchmark corpora, generated deterministically (a fixed seed): the same input every run.

Three kinds:

- `estate(resources)`: a synthetic AWS-centred estate of team stacks, as HCL (one live root
  that calls one module folder per team, four `.tf` files each) and as the equivalent
  `terraform show -json` plan of the same code (same addresses). About 40 resources per team,
  in proportions seen in real estates: per team 3 roles (service, CI/OIDC, read-only), 2
  policy documents, 2 customer policies, 3 attachments (one AWS-managed), 1 inline policy, a
  group with 2 users, membership and a group policy, a KMS key and alias, 2 secrets (one with
  a resource policy), an SSM SecureString, 2 buckets with versioning, encryption,
  public-access block and a bucket policy, a Lambda function running as the service role, a
  queue, and GCP/Kubernetes bindings (service account, project IAM members, a secret
  accessor, a role binding). Wildcards are seeded by chance per team: `s3:*` everywhere,
  `iam:*` (escalation) in ~8%, `iam:PassRole` on `*` with `lambda:CreateFunction` in ~10%,
  `secretsmanager:GetSecretValue` on `*` in ~10%, an AdministratorAccess break-glass role in
  ~3%, and cross-team AssumeRole trust in ~15%.
- `testdata(copies)`: the repository's own `testdata/` scenarios, replicated.
- `public_modules(stacks)`: public-module-shaped code (terraform-aws-modules style): small
  modules with `count`, `for_each` over maps of objects, `dynamic` blocks and conditionals,
  called from many stacks.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"
REGION = "eu-west-1"
RESOURCES_PER_TEAM = 37  # approximate; the generator reports the exact count
SEED = 20240601


# --------------------------------------------------------------------------- a tiny IR


@dataclass
class X:
    """An HCL expression with the value Terraform would plan for it and what it references."""

    hcl: str
    value: Any
    refs: tuple[str, ...] = ()


@dataclass
class Blk:
    """A nested block (statement { }, principals { }, ...)."""

    name: str
    body: dict[str, Any]


@dataclass
class Res:
    mode: str  # managed | data
    type: str
    name: str
    body: dict[str, Any]
    meta: str = ""  # extra HCL lines: for_each, count
    instances: list[tuple[Any, dict[str, Any]]] | None = None  # (index, values) for count/for_each
    file: str = "iam.tf"
    plan_extra: dict[str, Any] = field(default_factory=dict)
    """Planned values the plan JSON has beyond `body` (e.g. a policy's rendered `json`)."""

    @property
    def address(self) -> str:
        return f"{'data.' if self.mode == 'data' else ''}{self.type}.{self.name}"


def _hcl_value(value: Any, indent: int) -> str:
    pad = "  " * indent
    if isinstance(value, X):
        return value.hcl
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(_hcl_value(v, indent) for v in value) + "]"
        inner = ",\n".join(pad + "  " + _hcl_value(v, indent + 1) for v in value)
        return "[\n" + inner + ",\n" + pad + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        width = max(len(_key(k)) for k in value)
        inner = "\n".join(f"{pad}  {_key(k).ljust(width)} = {_hcl_value(v, indent + 1)}" for k, v in value.items())
        return "{\n" + inner + "\n" + pad + "}"
    raise TypeError(type(value))


def _key(key: str) -> str:
    return key if key.replace("_", "a").replace("-", "a").isalnum() and not key[0].isdigit() else json.dumps(key)


def _hcl_body(body: dict[str, Any], indent: int) -> list[str]:
    pad = "  " * indent
    lines: list[str] = []
    attrs = [(k, v) for k, v in body.items() if not isinstance(v, Blk) and not _blocks(v)]
    width = max((len(k) for k, _ in attrs), default=0)
    for key, value in attrs:
        lines.append(f"{pad}{key.ljust(width)} = {_hcl_value(value, indent)}")
    for _key, value in body.items():
        for blk in [value] if isinstance(value, Blk) else _blocks(value) or []:
            lines.append(f"{pad}{blk.name} {{")
            lines.extend(_hcl_body(blk.body, indent + 1))
            lines.append(f"{pad}}}")
    return lines


def _blocks(value: Any) -> list[Blk] | None:
    if isinstance(value, list) and value and all(isinstance(v, Blk) for v in value):
        return value
    return None


def render_hcl(res: Res) -> str:
    head = f'{"data" if res.mode == "data" else "resource"} "{res.type}" "{res.name}" {{'
    lines = [head]
    if res.meta:
        lines.extend("  " + m for m in res.meta.splitlines())
        lines.append("")
    lines.extend(_hcl_body(res.body, 1))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _plan_value(value: Any) -> Any:
    if isinstance(value, X):
        return value.value
    if isinstance(value, Blk):
        return [_plan_values(value.body)]
    if _blocks(value):
        return [_plan_values(b.body) for b in value]
    if isinstance(value, list):
        return [_plan_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _plan_value(v) for k, v in value.items()}
    return value


def _plan_values(body: dict[str, Any]) -> dict[str, Any]:
    return {k: _plan_value(v) for k, v in body.items()}


def _expressions(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, Blk):
            out[key] = [_expressions(value.body)]
        elif _blocks(value):
            out[key] = [_expressions(b.body) for b in value]
        elif isinstance(value, X):
            out[key] = {"references": _with_prefixes(value.refs)} if value.refs else {"constant_value": value.value}
        else:
            out[key] = {"constant_value": _plan_value(value)}
    return out


def _with_prefixes(refs: tuple[str, ...]) -> list[str]:
    """Terraform lists `a.b.arn` and then `a.b`."""
    out: list[str] = []
    for ref in refs:
        out.append(ref)
        parts = ref.split(".")
        base = ".".join(parts[:3] if parts[0] == "data" else parts[:2])
        if base != ref and base not in out:
            out.append(base)
    return out


def _json(doc: Any) -> str:
    """Terraform's jsonencode: compact, keys sorted (objects are maps)."""
    return json.dumps(doc, separators=(",", ":"), sort_keys=True)


# --------------------------------------------------------------------------- one team


def _arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def _jsonencode(doc: dict[str, Any], hcl_doc: str) -> X:
    return X(f"jsonencode({hcl_doc})", _json(doc))


def _doc_hcl(statements: list[dict[str, Any]]) -> str:
    """HCL for a jsonencode() policy; statement values may be X (references) or plain."""
    def val(v: Any, indent: int) -> str:
        return _hcl_value(v, indent)
    parts = []
    for st in statements:
        inner = "\n".join(f"        {_key(k)} = {val(v, 4)}" for k, v in st.items())
        parts.append("      {\n" + inner + "\n      }")
    return "{\n    Version   = \"2012-10-17\"\n    Statement = [\n" + ",\n".join(parts) + "\n    ]\n  }"


def _doc_value(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [_plan_values(st) for st in statements]}


def _policy(statements: list[dict[str, Any]]) -> X:
    refs = tuple(r for st in statements for v in st.values() for r in _refs_of(v))
    x = _jsonencode(_doc_value(statements), _doc_hcl(statements))
    return X(x.hcl, x.value, refs)


def _refs_of(value: Any) -> list[str]:
    if isinstance(value, X):
        return list(value.refs)
    if isinstance(value, list):
        return [r for v in value for r in _refs_of(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs_of(v)]
    return []


def _ref(address: str, attr: str, value: Any) -> X:
    return X(f"{address}.{attr}", value, (f"{address}.{attr}",))


@dataclass
class Team:
    index: int
    traits: set[str] = field(default_factory=set)
    partner: int | None = None
    resources: list[Res] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"t{self.index:05d}"

    @property
    def prefix(self) -> str:
        return f"{self.key}-prod"


def _team(index: int, total: int, rng: random.Random) -> Team:
    team = Team(index)
    for trait, chance in (("iam-star", 0.08), ("passrole-star", 0.10), ("secrets-star", 0.10),
                          ("admin", 0.03), ("cross-trust", 0.15)):
        if rng.random() < chance:
            team.traits.add(trait)
    if "cross-trust" in team.traits and total > 1:
        team.partner = rng.choice([i for i in range(total) if i != index] or [index])
    p = team.prefix
    R: list[Res] = team.resources

    def name(suffix: str) -> X:
        return X(f'"${{local.prefix}}-{suffix}"', f"{p}-{suffix}")

    bucket_arn = f"arn:aws:s3:::{p}-data"
    secret_arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{p}-db-AbCdEf"
    api_secret_arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{p}-api-AbCdEf"
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{index:08d}-0000-4000-8000-000000000000"
    app_role_arn = _arn("role", f"{p}-app")
    readonly_arn = _arn("role", f"{p}-readonly")
    deploy_arn = _arn("role", f"{p}-deploy")
    tags = X("local.tags", {"team": team.key, "env": "prod"})

    # --- iam.tf -------------------------------------------------------------------------
    R.append(Res("managed", "aws_iam_role", "app", {
        "name": name("app"),
        "assume_role_policy": _policy([{"Effect": "Allow", "Action": "sts:AssumeRole",
                                        "Principal": {"Service": "lambda.amazonaws.com"}}]),
        "tags": tags}))
    trust_principals = [X('"arn:aws:iam::${var.account_id}:root"', f"arn:aws:iam::{ACCOUNT}:root")]
    if team.partner is not None:
        other = f"t{team.partner:05d}-prod-deploy"
        trust_principals.append(_arn("role", other))
    R.append(Res("managed", "aws_iam_role", "readonly", {
        "name": name("readonly"),
        "assume_role_policy": _policy([{"Effect": "Allow", "Action": "sts:AssumeRole",
                                        "Principal": {"AWS": trust_principals}}]),
        "tags": tags}))
    oidc = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    trust_doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": oidc},
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub":
                                     f"repo:acme/{team.key}:ref:refs/heads/main"}}}]}
    R.append(Res("data", "aws_iam_policy_document", "deploy_trust", {
        "statement": Blk("statement", {
            "actions": ["sts:AssumeRoleWithWebIdentity"],
            "principals": Blk("principals", {"type": "Federated", "identifiers": [
                X('"arn:aws:iam::${var.account_id}:oidc-provider/token.actions.githubusercontent.com"', oidc)]}),
            "condition": [
                Blk("condition", {"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud",
                                  "values": ["sts.amazonaws.com"]}),
                Blk("condition", {"test": "StringLike", "variable": "token.actions.githubusercontent.com:sub",
                                  "values": [X('"repo:acme/${local.team}:ref:refs/heads/main"',
                                               f"repo:acme/{team.key}:ref:refs/heads/main")]}),
            ]})}))
    R[-1].plan_extra = {"json": _json(trust_doc)}
    R.append(Res("managed", "aws_iam_role", "deploy", {
        "name": name("deploy"),
        "assume_role_policy": X("data.aws_iam_policy_document.deploy_trust.json", _json(trust_doc),
                                ("data.aws_iam_policy_document.deploy_trust.json",)),
        "max_session_duration": 3600,
        "tags": tags}))

    app_statements = [
        Blk("statement", {"sid": "Data", "actions": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                          "resources": [_ref("aws_s3_bucket.data", "arn", bucket_arn),
                                        X('"${aws_s3_bucket.data.arn}/*"', f"{bucket_arn}/*",
                                          ("aws_s3_bucket.data.arn",))]}),
        Blk("statement", {"sid": "Secret", "actions": ["secretsmanager:GetSecretValue"],
                          "resources": ["*"] if "secrets-star" in team.traits
                          else [_ref("aws_secretsmanager_secret.db", "arn", secret_arn)]}),
        Blk("statement", {"sid": "Key", "actions": ["kms:Decrypt", "kms:GenerateDataKey"],
                          "resources": [_ref("aws_kms_key.data", "arn", key_arn)]}),
        Blk("statement", {"sid": "Queue", "actions": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
                          "resources": [_ref("aws_sqs_queue.events", "arn",
                                             f"arn:aws:sqs:{REGION}:{ACCOUNT}:{p}-events")]}),
    ]
    app_doc = {"Version": "2012-10-17", "Statement": [
        {"Sid": b.body["sid"], "Effect": "Allow", "Action": b.body["actions"],
         "Resource": _plan_value(b.body["resources"])} for b in app_statements]}
    R.append(Res("data", "aws_iam_policy_document", "app", {"statement": app_statements}))
    R[-1].plan_extra = {"json": _json(app_doc)}
    R.append(Res("managed", "aws_iam_policy", "app", {
        "name": name("app"),
        "policy": X("data.aws_iam_policy_document.app.json", _json(app_doc), ("data.aws_iam_policy_document.app.json",)),
        "tags": tags}))

    deploy_actions = ["s3:*", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
                      "cloudwatch:*", "logs:*", "sqs:*"]
    if "iam-star" in team.traits:
        deploy_actions.append("iam:*")
    if "passrole-star" in team.traits:
        deploy_actions += ["lambda:CreateFunction", "lambda:InvokeFunction"]
    deploy_statements = [
        {"Sid": "Deploy", "Effect": "Allow", "Action": deploy_actions, "Resource": "*"},
        {"Sid": "PassAppRole", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": "*" if "passrole-star" in team.traits else _ref("aws_iam_role.app", "arn", app_role_arn)},
        {"Sid": "DenyKeyDeletion", "Effect": "Deny", "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
         "Resource": "*"},
    ]
    R.append(Res("managed", "aws_iam_policy", "deploy", {"name": name("deploy"),
                                                          "policy": _policy(deploy_statements), "tags": tags}))

    def policy_arn(n: str) -> X:
        return X(f"aws_iam_policy.{n}.arn", _arn("policy", f"{p}-{n}"), (f"aws_iam_policy.{n}.arn",))

    def role_name(n: str) -> X:
        return X(f"aws_iam_role.{n}.name", f"{p}-{n}", (f"aws_iam_role.{n}.name",))

    R.append(Res("managed", "aws_iam_role_policy_attachment", "app",
                 {"role": role_name("app"), "policy_arn": policy_arn("app")}))
    R.append(Res("managed", "aws_iam_role_policy_attachment", "deploy",
                 {"role": role_name("deploy"), "policy_arn": policy_arn("deploy")}))
    R.append(Res("managed", "aws_iam_role_policy_attachment", "readonly",
                 {"role": role_name("readonly"), "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}))
    R.append(Res("managed", "aws_iam_role_policy", "deploy_assume", {
        "name": "assume-readonly", "role": X("aws_iam_role.deploy.id", f"{p}-deploy", ("aws_iam_role.deploy.id",)),
        "policy": _policy([{"Effect": "Allow", "Action": "sts:AssumeRole",
                            "Resource": _ref("aws_iam_role.readonly", "arn", readonly_arn)}])}))
    if "admin" in team.traits:
        R.append(Res("managed", "aws_iam_role", "breakglass", {
            "name": name("breakglass"),
            "assume_role_policy": _policy([{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}])}))
        R.append(Res("managed", "aws_iam_role_policy_attachment", "breakglass",
                     {"role": role_name("breakglass"),
                      "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}))

    R.append(Res("managed", "aws_iam_group", "devs", {"name": name("devs")}))
    users = ["alice", "bob"]
    R.append(Res("managed", "aws_iam_user", "dev", {
        "name": X('"${local.prefix}-${each.key}"', None), "tags": tags},
        meta='for_each = toset(["alice", "bob"])',
        instances=[(u, {"name": f"{p}-{u}", "tags": {"team": team.key, "env": "prod"}}) for u in users]))
    R.append(Res("managed", "aws_iam_group_membership", "devs", {
        "name": name("devs"),
        "group": X("aws_iam_group.devs.name", f"{p}-devs", ("aws_iam_group.devs.name",)),
        "users": X("[for u in aws_iam_user.dev : u.name]", [f"{p}-{u}" for u in users], ("aws_iam_user.dev",))}))
    R.append(Res("managed", "aws_iam_group_policy", "devs", {
        "name": "devs", "group": X("aws_iam_group.devs.id", f"{p}-devs", ("aws_iam_group.devs.id",)),
        "policy": _policy([
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [
                _ref("aws_iam_role.readonly", "arn", readonly_arn), _ref("aws_iam_role.deploy", "arn", deploy_arn)]},
            {"Effect": "Allow", "Action": ["iam:ChangePassword", "iam:GetUser"],
             "Resource": X('"arn:aws:iam::${var.account_id}:user/$${aws:username}"',
                           f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")},
        ])}))
    for res in R:
        res.file = "iam.tf"

    # --- secrets.tf -----------------------------------------------------------------------
    start = len(R)
    R.append(Res("managed", "aws_kms_key", "data", {
        "description": X('"${local.prefix} data key"', f"{p} data key"), "enable_key_rotation": True,
        "deletion_window_in_days": 30, "tags": tags}))
    R.append(Res("managed", "aws_kms_alias", "data", {
        "name": X('"alias/${local.prefix}-data"', f"alias/{p}-data"),
        "target_key_id": X("aws_kms_key.data.key_id", f"{index:08d}-0000-4000-8000-000000000000",
                           ("aws_kms_key.data.key_id",))}))
    key_id = X("aws_kms_key.data.arn", key_arn, ("aws_kms_key.data.arn",))
    for sname in ("db", "api"):
        R.append(Res("managed", "aws_secretsmanager_secret", sname, {
            "name": name(sname), "kms_key_id": key_id, "recovery_window_in_days": 7, "tags": tags}))
    R.append(Res("managed", "aws_secretsmanager_secret_policy", "api", {
        "secret_arn": X("aws_secretsmanager_secret.api.arn", api_secret_arn, ("aws_secretsmanager_secret.api.arn",)),
        "policy": _policy([{"Sid": "ReadOnlyRole", "Effect": "Allow",
                            "Principal": {"AWS": _ref("aws_iam_role.readonly", "arn", readonly_arn)},
                            "Action": "secretsmanager:GetSecretValue", "Resource": "*"}])}))
    R.append(Res("managed", "aws_ssm_parameter", "token", {
        "name": X('"/${local.team}/prod/token"', f"/{team.key}/prod/token"), "type": "SecureString",
        "value": X("var.token", None, ()), "key_id": key_id}))
    for res in R[start:]:
        res.file = "secrets.tf"

    # --- storage.tf -----------------------------------------------------------------------
    start = len(R)
    for bname in ("data", "logs"):
        R.append(Res("managed", "aws_s3_bucket", bname, {"bucket": name(bname), "tags": tags}))
        bucket_id = X(f"aws_s3_bucket.{bname}.id", f"{p}-{bname}", (f"aws_s3_bucket.{bname}.id",))
        R.append(Res("managed", "aws_s3_bucket_versioning", bname, {
            "bucket": bucket_id, "versioning_configuration": Blk("versioning_configuration", {"status": "Enabled"})}))
    R.append(Res("managed", "aws_s3_bucket_server_side_encryption_configuration", "data", {
        "bucket": X("aws_s3_bucket.data.id", f"{p}-data", ("aws_s3_bucket.data.id",)),
        "rule": Blk("rule", {"apply_server_side_encryption_by_default": Blk(
            "apply_server_side_encryption_by_default", {"sse_algorithm": "aws:kms", "kms_master_key_id": key_id})})}))
    R.append(Res("managed", "aws_s3_bucket_public_access_block", "data", {
        "bucket": X("aws_s3_bucket.data.id", f"{p}-data", ("aws_s3_bucket.data.id",)),
        "block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
        "restrict_public_buckets": True}))
    R.append(Res("managed", "aws_s3_bucket_policy", "data", {
        "bucket": X("aws_s3_bucket.data.id", f"{p}-data", ("aws_s3_bucket.data.id",)),
        "policy": _policy([{"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                            "Resource": [_ref("aws_s3_bucket.data", "arn", bucket_arn),
                                         X('"${aws_s3_bucket.data.arn}/*"', f"{bucket_arn}/*",
                                           ("aws_s3_bucket.data.arn",))],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])}))
    R.append(Res("managed", "aws_sqs_queue", "events", {"name": name("events"), "kms_master_key_id": key_id,
                                                       "tags": tags}))
    R.append(Res("managed", "aws_lambda_function", "worker", {
        "function_name": name("worker"), "role": _ref("aws_iam_role.app", "arn", app_role_arn),
        "handler": "main.handler", "runtime": "python3.12", "filename": "worker.zip", "timeout": 30,
        "environment": Blk("environment", {"variables": {
            "SECRET_ARN": X("aws_secretsmanager_secret.db.arn", secret_arn, ("aws_secretsmanager_secret.db.arn",)),
            "QUEUE_URL": X("aws_sqs_queue.events.url", f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{p}-events",
                           ("aws_sqs_queue.events.url",))}}),
        "tags": tags}))
    for res in R[start:]:
        res.file = "storage.tf"

    # --- bindings.tf (GCP and Kubernetes) ---------------------------------------------------
    start = len(R)
    project = f"acme-{team.key}"
    R.append(Res("managed", "google_service_account", "app", {
        "account_id": X('"${local.team}-app"', f"{team.key}-app"), "project": project}))
    sa_member = X('"serviceAccount:${google_service_account.app.email}"',
                  f"serviceAccount:{team.key}-app@{project}.iam.gserviceaccount.com",
                  ("google_service_account.app.email",))
    for bname, role in (("logs", "roles/logging.logWriter"), ("storage", "roles/storage.objectAdmin")):
        R.append(Res("managed", "google_project_iam_member", bname,
                     {"project": project, "role": role, "member": sa_member}))
    R.append(Res("managed", "google_secret_manager_secret", "db", {
        "secret_id": X('"${local.team}-db"', f"{team.key}-db"), "project": project,
        "replication": Blk("replication", {"auto": Blk("auto", {})})}))
    R.append(Res("managed", "google_secret_manager_secret_iam_member", "db", {
        "project": project, "secret_id": X("google_secret_manager_secret.db.secret_id", f"{team.key}-db",
                                           ("google_secret_manager_secret.db.secret_id",)),
        "role": "roles/secretmanager.secretAccessor", "member": sa_member}))
    R.append(Res("managed", "kubernetes_role_binding_v1", "deployers", {
        "metadata": Blk("metadata", {"name": "deployers", "namespace": team.key}),
        "role_ref": Blk("role_ref", {"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"}),
        "subject": [Blk("subject", {"kind": "Group", "name": X('"${local.team}-deployers"', f"{team.key}-deployers"),
                                    "api_group": "rbac.authorization.k8s.io"}),
                    Blk("subject", {"kind": "ServiceAccount", "name": "ci", "namespace": team.key})]}))
    for res in R[start:]:
        res.file = "bindings.tf"
    return team


VARIABLES_TF = """\
variable "account_id" {
  type    = string
  default = "%(account)s"
}

variable "env" {
  type    = string
  default = "prod"
}

variable "token" {
  type      = string
  default   = null
  sensitive = true
}

locals {
  team   = "%(team)s"
  prefix = "${local.team}-${var.env}"
  tags = {
    team = local.team
    env  = var.env
  }
}

output "deploy_role_arn" {
  value = aws_iam_role.deploy.arn
}
"""


@dataclass
class Estate:
    root: Path
    plan: Path
    teams: int
    resources: int
    tf_files: int
    hcl_bytes: int
    plan_bytes: int
    principals: int
    secrets: int


def estate(out: Path, resources: int, seed: int = SEED, with_plan: bool = True) -> Estate:
    """Write an estate of about `resources` resource instances under `out/hcl` (and its plan
    as `out/plan/plan.json`). Rebuilt only when missing (the seed fixes the content)."""
    marker = out / "estate.json"
    if marker.is_file():
        info = json.loads(marker.read_text())
        if info.get("seed") == seed and info.get("target") == resources and (info.get("plan") or not with_plan):
            return Estate(out / "hcl", out / "plan" / "plan.json", info["teams"], info["resources"],
                          info["tf_files"], info["hcl_bytes"], info["plan_bytes"], info["principals"],
                          info["secrets"])
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    count = max(1, round(resources / RESOURCES_PER_TEAM))
    teams = [_team(i, count, rng) for i in range(count)]
    hcl = out / "hcl"
    (hcl / "live").mkdir(parents=True)
    calls = [f'module "{t.key}" {{\n  source = "../teams/{t.key}"\n  env    = var.env\n}}\n' for t in teams]
    (hcl / "live" / "main.tf").write_text(
        'terraform {\n  backend "s3" {\n    bucket         = "acme-tfstate"\n    key            = "live/prod.tfstate"\n'
        '    region         = "eu-west-1"\n    dynamodb_table = "tf-locks"\n    encrypt        = true\n  }\n}\n\n'
        'variable "env" {\n  type    = string\n  default = "prod"\n}\n\n' + "\n".join(calls))
    tf_files, hcl_bytes = 1, 0
    for team in teams:
        folder = hcl / "teams" / team.key
        folder.mkdir(parents=True)
        by_file: dict[str, list[str]] = {}
        for res in team.resources:
            by_file.setdefault(res.file, []).append(render_hcl(res))
        by_file["iam.tf"].insert(0, VARIABLES_TF % {"account": ACCOUNT, "team": team.key})
        for fname, blocks in by_file.items():
            text = "\n".join(blocks)
            (folder / fname).write_text(text)
            tf_files += 1
            hcl_bytes += len(text)
    n_resources = sum(len(r.instances) if r.instances else 1 for t in teams for r in t.resources)
    principals = sum(1 for t in teams for r in t.resources if r.type in ("aws_iam_role", "aws_iam_group")) + \
        sum(len(r.instances or ()) for t in teams for r in t.resources if r.type == "aws_iam_user")
    secrets = sum(1 for t in teams for r in t.resources if r.type in (
        "aws_secretsmanager_secret", "aws_ssm_parameter", "google_secret_manager_secret"))
    plan_bytes = 0
    if with_plan:
        (out / "plan").mkdir(parents=True)
        plan_bytes = write_plan(teams, out / "plan" / "plan.json")
    info = {"seed": seed, "target": resources, "teams": count, "resources": n_resources, "tf_files": tf_files,
            "hcl_bytes": hcl_bytes, "plan_bytes": plan_bytes, "plan": with_plan, "principals": principals,
            "secrets": secrets}
    marker.write_text(json.dumps(info, indent=2))
    return Estate(hcl, out / "plan" / "plan.json", count, n_resources, tf_files, hcl_bytes, plan_bytes,
                  principals, secrets)


def write_plan(teams: list[Team], path: Path) -> int:
    """The `terraform show -json` plan of the estate's live root: an existing estate being
    re-planned (values known from state, every change a no-op), as Terraform 1.9 writes it."""
    children, changes, calls = [], [], {}
    for team in teams:
        module = f"module.{team.key}"
        planned, config = [], []
        state = _state_attributes(team)
        for res in team.resources:
            values = _plan_values(res.body)
            values.update(res.plan_extra)
            for attr, value in state.get(res.address, {}).items():
                values.setdefault(attr, value)
            instances = res.instances or [(None, values)]
            for index, inst_values in instances:
                merged = dict(values)
                if res.instances:
                    merged.update(inst_values)
                suffix = "" if index is None else (f"[{json.dumps(index)}]" if isinstance(index, str) else f"[{index}]")
                address = f"{module}.{res.address}{suffix}"
                entry = {"address": address, "mode": res.mode, "type": res.type, "name": res.name,
                         "provider_name": _provider(res.type), "schema_version": 0, "values": merged,
                         "sensitive_values": {}}
                if index is not None:
                    entry["index"] = index
                planned.append(entry)
                changes.append({"address": address, "module_address": module, "mode": res.mode, "type": res.type,
                                "name": res.name, **({"index": index} if index is not None else {}),
                                "provider_name": _provider(res.type),
                                "change": {"actions": ["no-op"] if res.mode == "managed" else ["read"],
                                           "before": merged, "after": merged, "after_unknown": {},
                                           "before_sensitive": {}, "after_sensitive": {}}})
            config.append({"address": res.address, "mode": res.mode, "type": res.type, "name": res.name,
                           "provider_config_key": res.type.split("_")[0],
                           "expressions": _expressions(res.body), "schema_version": 0,
                           **({"for_each_expression": {"constant_value": ["alice", "bob"]}} if res.instances else {})})
        children.append({"address": module, "resources": planned})
        calls[team.key] = {"source": f"../teams/{team.key}",
                           "expressions": {"env": {"references": ["var.env"]}},
                           "module": {"resources": config,
                                      "variables": {"account_id": {"default": ACCOUNT}, "env": {"default": "prod"},
                                                    "token": {"default": None, "sensitive": True}}}}
    plan = {
        "format_version": "1.2", "terraform_version": "1.9.5",
        "variables": {"env": {"value": "prod"}},
        "planned_values": {"root_module": {"child_modules": children}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.5",
                        "values": {"root_module": {"child_modules": children}}},
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
                          "root_module": {"module_calls": calls, "variables": {"env": {"default": "prod"}}}},
        "timestamp": "2024-06-01T00:00:00Z", "applyable": False, "complete": True, "errored": False,
    }
    text = json.dumps(plan, separators=(",", ":"))
    path.write_text(text)
    return len(text)


def _state_attributes(team: Team) -> dict[str, dict[str, Any]]:
    """Computed attributes (arn, key_id, id, ...) of the team's resources as the state of an
    existing estate holds them: every value the code reads from a resource (`aws_kms_key.data.arn`)
    is known in a re-plan, so the plan shows it in that resource's values too."""
    found: dict[str, dict[str, Any]] = {}

    def visit(value: Any) -> None:
        if isinstance(value, X):
            if len(value.refs) == 1 and value.hcl == value.refs[0] and isinstance(value.value, (str, int)):
                address, _, attr = value.refs[0].rpartition(".")
                found.setdefault(address, {}).setdefault(attr, value.value)
        elif isinstance(value, Blk):
            visit(value.body)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)

    for res in team.resources:
        visit(res.body)
    kinds = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group", "aws_iam_policy": "policy"}
    for res in team.resources:
        if res.mode != "managed" or res.instances:
            continue
        name = _plan_value(res.body.get("name"))
        if res.type in kinds and isinstance(name, str):
            found.setdefault(res.address, {}).setdefault("arn", _arn(kinds[res.type], name))
        elif res.type == "aws_s3_bucket":
            found.setdefault(res.address, {}).setdefault("arn", f"arn:aws:s3:::{_plan_value(res.body['bucket'])}")
        elif res.type == "aws_sqs_queue" and isinstance(name, str):
            found.setdefault(res.address, {}).setdefault("arn", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}")
    return found


def _provider(rtype: str) -> str:
    name = rtype.split("_")[0]
    return f"registry.terraform.io/hashicorp/{name}"


# --------------------------------------------------------------------------- testdata copies


def testdata(out: Path, repo: Path, copies: int) -> tuple[Path, int]:
    """The repository's scenarios replicated `copies` times (each copy its own folders)."""
    source = repo / "testdata"
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix in (".tf", ".json", ".tfvars"))
    marker = out / "corpus.json"
    stamp = {"copies": copies, "files": [str(p.relative_to(source)) for p in files],
             "size": sum(p.stat().st_size for p in files)}
    if marker.is_file() and json.loads(marker.read_text()) == stamp:
        return out / "tree", sum(1 for p in files if p.suffix == ".tf") * copies
    if out.exists():
        shutil.rmtree(out)
    for i in range(copies):
        for p in files:
            if p.name == "expected.json":
                continue
            target = out / "tree" / f"copy{i:03d}" / p.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, target)
    marker.write_text(json.dumps(stamp))
    return out / "tree", sum(1 for p in files if p.suffix == ".tf") * copies


# --------------------------------------------------------------------------- public-module shape

MODULE_ROLE = """\
variable "name" { type = string }
variable "trusted_role_arns" {
  type    = list(string)
  default = []
}
variable "trusted_services" {
  type    = list(string)
  default = []
}
variable "policy_arns" {
  type    = list(string)
  default = []
}
variable "create" {
  type    = bool
  default = true
}
variable "inline_statements" {
  type = map(object({
    actions   = list(string)
    resources = list(string)
    effect    = optional(string, "Allow")
  }))
  default = {}
}

data "aws_iam_policy_document" "assume" {
  dynamic "statement" {
    for_each = length(var.trusted_role_arns) > 0 ? [1] : []
    content {
      actions = ["sts:AssumeRole"]
      principals {
        type        = "AWS"
        identifiers = var.trusted_role_arns
      }
    }
  }
  dynamic "statement" {
    for_each = length(var.trusted_services) > 0 ? [1] : []
    content {
      actions = ["sts:AssumeRole"]
      principals {
        type        = "Service"
        identifiers = var.trusted_services
      }
    }
  }
}

resource "aws_iam_role" "this" {
  count              = var.create ? 1 : 0
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each   = var.create ? toset(var.policy_arns) : toset([])
  role       = aws_iam_role.this[0].name
  policy_arn = each.value
}

data "aws_iam_policy_document" "inline" {
  dynamic "statement" {
    for_each = var.inline_statements
    content {
      sid       = statement.key
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "inline" {
  count  = var.create && length(var.inline_statements) > 0 ? 1 : 0
  name   = "${var.name}-inline"
  role   = aws_iam_role.this[0].id
  policy = data.aws_iam_policy_document.inline.json
}

output "arn" {
  value = try(aws_iam_role.this[0].arn, null)
}
"""

MODULE_BUCKET = """\
variable "bucket" { type = string }
variable "versioning" {
  type    = bool
  default = true
}
variable "readers" {
  type    = list(string)
  default = []
}

resource "aws_s3_bucket" "this" {
  bucket = var.bucket
}

resource "aws_s3_bucket_versioning" "this" {
  count  = var.versioning ? 1 : 0
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "read" {
  dynamic "statement" {
    for_each = length(var.readers) > 0 ? [1] : []
    content {
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.this.arn}/*"]
      principals {
        type        = "AWS"
        identifiers = var.readers
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count  = length(var.readers) > 0 ? 1 : 0
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.read.json
}

output "arn" {
  value = aws_s3_bucket.this.arn
}
"""

MODULE_SECRET = """\
variable "name" { type = string }
variable "readers" {
  type    = map(string)
  default = {}
}

resource "aws_secretsmanager_secret" "this" {
  name = var.name
}

resource "aws_secretsmanager_secret_policy" "this" {
  count      = length(var.readers) > 0 ? 1 : 0
  secret_arn = aws_secretsmanager_secret.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for name, arn in var.readers : {
      Sid       = name
      Effect    = "Allow"
      Principal = { AWS = arn }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}
"""

STACK = """\
locals {
  name = "%(name)s"
  services = {
    api    = { actions = ["s3:GetObject", "sqs:SendMessage"], resources = ["*"] }
    worker = { actions = ["sqs:ReceiveMessage", "sqs:DeleteMessage"], resources = ["*"] }
  }
}

module "ci_role" {
  source            = "../../modules/iam-role"
  name              = "${local.name}-ci"
  trusted_services  = ["codebuild.amazonaws.com"]
  policy_arns       = ["arn:aws:iam::aws:policy/PowerUserAccess"%(extra_policy)s]
  inline_statements = {
    PassRole = { actions = ["iam:PassRole"], resources = ["%(passrole)s"] }
  }
}

module "service_role" {
  source            = "../../modules/iam-role"
  for_each          = local.services
  name              = "${local.name}-${each.key}"
  trusted_services  = ["ecs-tasks.amazonaws.com"]
  inline_statements = { Main = each.value }
}

module "artifacts" {
  source  = "../../modules/s3-bucket"
  bucket  = "${local.name}-artifacts"
  readers = [module.ci_role.arn]
}

module "secret" {
  source  = "../../modules/secret"
  name    = "${local.name}/db"
  readers = { for k, m in module.service_role : k => m.arn }
}
"""


def public_modules(out: Path, stacks: int, seed: int = SEED) -> tuple[Path, int]:
    """`stacks` root stacks calling three terraform-aws-modules-shaped local modules."""
    marker = out / "corpus.json"
    stamp = {"stacks": stacks, "seed": seed, "v": 1}
    tree = out / "tree"
    if marker.is_file() and json.loads(marker.read_text()) == stamp:
        return tree, stacks + 3
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    for name, text in (("iam-role", MODULE_ROLE), ("s3-bucket", MODULE_BUCKET), ("secret", MODULE_SECRET)):
        (tree / "modules" / name).mkdir(parents=True)
        (tree / "modules" / name / "main.tf").write_text(text)
    for i in range(stacks):
        folder = tree / "stacks" / f"s{i:04d}"
        folder.mkdir(parents=True)
        wild = rng.random() < 0.1
        (folder / "main.tf").write_text(STACK % {
            "name": f"s{i:04d}", "passrole": "*" if wild else f"arn:aws:iam::{ACCOUNT}:role/s{i:04d}-api",
            "extra_policy": ', "arn:aws:iam::aws:policy/IAMFullAccess"' if rng.random() < 0.05 else ""})
    marker.write_text(json.dumps(stamp))
    return tree, stacks + 3


# --------------------------------------------------------------------------- real public repositories


@dataclass
class PublicRepo:
    """One repository of the precision corpus as extracted for the benchmark."""

    repo: str
    root: Path
    tf_files: int
    tf_bytes: int


def public(out: Path) -> tuple[Path, list[PublicRepo], list[str]]:
    """The repositories of bench/precision_corpus.yaml extracted side by side under `out/tree`
    (one folder each, at the pinned commit, from the snapshots under /work/.mirror): real code
    nobody wrote for this benchmark. Returns the tree, the repositories extracted and a
    sentence for each one that could not be (the others still run)."""
    from bench import precision  # the snapshots and their extraction live there

    tree = out / "tree"
    entries = precision.load_corpus(precision.CORPUS)
    stamp = {"repos": [[e.repo, e.commit] for e in entries], "v": 1}
    marker = out / "corpus.json"
    problems: list[str] = []
    if not (marker.is_file() and json.loads(marker.read_text()) == stamp):
        if out.exists():
            shutil.rmtree(out)
        tree.mkdir(parents=True)
        for e in entries:
            gdir = precision.git_dir(precision.DEFAULT_MIRROR, e.repo)
            dest = tree / e.repo.replace("/", "+")
            dest.mkdir()
            problem = (f"no snapshot (fetch github:{e.repo})" if gdir is None
                       else precision.extract(gdir, e.commit, dest))
            if problem:
                problems.append(f"{e.repo}: {problem}")
                shutil.rmtree(dest)
        marker.write_text(json.dumps(stamp))
    repos = []
    for e in entries:
        root = tree / e.repo.replace("/", "+")
        if root.is_dir():
            files = [p for p in root.rglob("*.tf") if p.is_file()]
            repos.append(PublicRepo(e.repo, root, len(files), sum(p.stat().st_size for p in files)))
        elif not any(p.startswith(f"{e.repo}:") for p in problems):
            problems.append(f"{e.repo}: not extracted (see an earlier run)")
    return tree, repos, problems
