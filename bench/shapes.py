"""Estate shapes that once made the analysis quadratic (issue 18), generated at any size.

Each generator writes a folder for about `resources` resource instances and returns the
path to scan. The shapes, in the issue's letters:

- `iam_plan` (a): a `terraform show -json` plan of the shape of Checkov's
  `plan_with_iam_policies` fixture, grown: roles created without a `name` (their ARNs are
  unknown until apply) trusting `lambda.amazonaws.com`, each with an inline policy; users
  and groups with inline policies; a standalone customer policy. Seven resources a unit.
- `prefix_teams` (b): HCL, per team two roles with `name_prefix` trusting the account root,
  each allowed to assume the other, a group of users that may assume the team role, a
  secret and a KMS key read by the team role. Eleven resources a team.
- `unknown_names` (c): the same team shape with every role and user name unknown
  (`name = var.<x>` without a default): no ARN has a literal segment.
- `account_trust` (d): roles trusting the account root; users and roles whose policies grant
  `sts:AssumeRole` on a wildcard (`role/team-<t>-*`), two operator roles on `role/*`; per
  team a secret and a SecureString parameter. (Were every principal allowed `role/*`, every
  secret would have every principal as a reader: a report quadratic by definition.)
- `gcp_k8s` (e): GCP bindings at folder and organisation level (audit roles, as such
  bindings usually are), project and secret bindings, Kubernetes role bindings per namespace
  and cluster role bindings (view), secrets of both; eight members a project and namespace.

Content is fixed by the size (no randomness): the same input every run.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

ACCOUNT = "111122223333"


def _doc(statements: list[dict]) -> str:
    return "jsonencode(" + json.dumps({"Version": "2012-10-17", "Statement": statements}) + ")"


def hcl_policy(statements: list[dict]) -> str:
    """A policy as HCL `jsonencode(...)`; strings starting with `=` are HCL references."""
    def value(v: object) -> str:
        if isinstance(v, str) and v.startswith("="):
            return v[1:]
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"
        return json.dumps(v)
    return "jsonencode(" + value({"Version": "2012-10-17", "Statement": statements}) + ")"


def _write_chunks(root: Path, blocks: list[str], per_file: int = 40) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for start in range(0, len(blocks), per_file):
        (root / f"part{start // per_file:04d}.tf").write_text("\n".join(blocks[start:start + per_file]))


# --------------------------------------------------------------------------- (a) plan


def iam_plan(out: Path, resources: int) -> Path:
    units = max(1, resources // 7)
    changes, config = [], []

    def add(rtype: str, name: str, after: dict, unknown: list[str], exprs: dict) -> None:
        address = f"{rtype}.{name}"
        changes.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": after,
                                   "after_unknown": {k: True for k in unknown},
                                   "before_sensitive": False, "after_sensitive": {}}})
        config.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                       "provider_config_key": "aws", "expressions": exprs, "schema_version": 0})

    for i in range(units):
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]})
        add("aws_iam_role", f"role_{i}", {"assume_role_policy": trust, "path": "/"},
            ["arn", "id", "name", "unique_id", "create_date"],
            {"assume_role_policy": {"constant_value": trust}})
        actions = ["s3:GetObject", "s3:PutObject"] if i % 3 else ["*"]
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": "*"}]})
        add("aws_iam_role_policy", f"inline_{i}", {"policy": policy}, ["id", "name", "role"],
            {"policy": {"constant_value": policy},
             "role": {"references": [f"aws_iam_role.role_{i}.id", f"aws_iam_role.role_{i}"]}})
        add("aws_iam_group", f"group_{i}", {"name": f"group-{i}", "path": "/"}, ["arn", "id", "unique_id"],
            {"name": {"constant_value": f"group-{i}"}})
        gpolicy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["ec2:Describe*", "iam:PassRole"] if i % 5 else ["iam:*"],
             "Resource": "*"}]})
        add("aws_iam_group_policy", f"group_policy_{i}", {"policy": gpolicy}, ["id", "name", "group"],
            {"policy": {"constant_value": gpolicy},
             "group": {"references": [f"aws_iam_group.group_{i}.name", f"aws_iam_group.group_{i}"]}})
        add("aws_iam_user", f"user_{i}", {"name": f"user-{i}", "path": "/"}, ["arn", "id", "unique_id"],
            {"name": {"constant_value": f"user-{i}"}})
        upolicy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"], "Resource": "*"}]})
        add("aws_iam_user_policy", f"user_policy_{i}", {"policy": upolicy}, ["id", "name", "user"],
            {"policy": {"constant_value": upolicy},
             "user": {"references": [f"aws_iam_user.user_{i}.name", f"aws_iam_user.user_{i}"]}})
        ppolicy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "*"}]})
        add("aws_iam_policy", f"policy_{i}", {"name": f"policy-{i}", "policy": ppolicy, "path": "/"},
            ["arn", "id", "policy_id"],
            {"name": {"constant_value": f"policy-{i}"}, "policy": {"constant_value": ppolicy}})
    plan = {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": [
                {"address": c["address"], "mode": "managed", "type": c["type"], "name": c["name"],
                 "provider_name": c["provider_name"], "schema_version": 0, "values": c["change"]["after"],
                 "sensitive_values": {}} for c in changes]}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws"}}, "root_module": {"resources": config}},
            "applyable": True, "complete": True, "errored": False}
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    path = out / "tfplan.json"
    path.write_text(json.dumps(plan))
    return path


# --------------------------------------------------------------------------- (b), (c) teams


def _team_blocks(t: int, role_name: Callable[[str], str], user_name: str) -> list[str]:
    root = f"arn:aws:iam::{ACCOUNT}:root"
    trust = _doc([{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": root}}])
    return [
        f'resource "aws_iam_role" "team_{t}" {{\n  {role_name(f"team-{t}-")}\n  assume_role_policy = {trust}\n}}\n',
        f'resource "aws_iam_role" "ops_{t}" {{\n  {role_name(f"ops-{t}-")}\n  assume_role_policy = {trust}\n}}\n',
        f'resource "aws_iam_role_policy" "team_{t}" {{\n  role = aws_iam_role.team_{t}.id\n  policy = ' + hcl_policy([
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"=aws_iam_role.ops_{t}.arn"},
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
             "Resource": f"=aws_secretsmanager_secret.s_{t}.arn"},
            {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": f"=aws_kms_key.k_{t}.arn"},
        ]) + "\n}\n",
        f'resource "aws_iam_role_policy" "ops_{t}" {{\n  role = aws_iam_role.ops_{t}.id\n  policy = ' + hcl_policy([
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"=aws_iam_role.team_{t}.arn"},
            {"Effect": "Allow", "Action": ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"],
             "Resource": f"=aws_kms_key.k_{t}.arn"},
        ]) + "\n}\n",
        f'resource "aws_iam_group" "g_{t}" {{\n  name = "group-{t}"\n}}\n',
        f'resource "aws_iam_user" "u_{t}" {{\n  {user_name}\n}}\n',
        f'resource "aws_iam_group_membership" "m_{t}" {{\n  name  = "m-{t}"\n  group = aws_iam_group.g_{t}.name\n'
        f'  users = [aws_iam_user.u_{t}.name]\n}}\n',
        f'resource "aws_iam_group_policy" "g_{t}" {{\n  group = aws_iam_group.g_{t}.name\n  policy = ' + hcl_policy([
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"=aws_iam_role.team_{t}.arn"}]) + "\n}\n",
        f'resource "aws_secretsmanager_secret" "s_{t}" {{\n  name = "secret-{t}"\n}}\n',
        f'resource "aws_kms_key" "k_{t}" {{\n  description = "team {t}"\n}}\n',
        f'resource "aws_kms_alias" "k_{t}" {{\n  name = "alias/team-{t}"\n  target_key_id = aws_kms_key.k_{t}.key_id\n}}\n',
    ]


def prefix_teams(out: Path, resources: int) -> Path:
    blocks: list[str] = []
    for t in range(max(1, resources // 11)):
        blocks += _team_blocks(t, lambda prefix: f'name_prefix = "{prefix}"', f'name = "user-{t}"')
    _write_chunks(out, blocks)
    return out


def unknown_names(out: Path, resources: int) -> Path:
    blocks: list[str] = []
    for t in range(max(1, resources // 11)):
        blocks.append(f'variable "role_{t}" {{\n  type = string\n}}\n')
        blocks += _team_blocks(t, lambda prefix, t=t: f'name = var.role_{t}', f'name = var.role_{t}')
    _write_chunks(out, blocks)
    return out


# --------------------------------------------------------------------------- (d) account trust


def account_trust(out: Path, resources: int) -> Path:
    root = f"arn:aws:iam::{ACCOUNT}:root"
    trust = _doc([{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": root}}])
    blocks: list[str] = []
    for name in ("platform-a", "platform-b"):  # two operators that may assume every role
        blocks += [
            f'resource "aws_iam_role" "{name}" {{\n  name = "{name}"\n  assume_role_policy = {trust}\n}}\n',
            f'resource "aws_iam_role_policy" "{name}" {{\n  role = aws_iam_role.{name}.id\n  policy = ' + hcl_policy([
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/*"}])
            + "\n}\n"]
    for t in range(max(1, (resources - 4) // 8)):
        team = f"arn:aws:iam::{ACCOUNT}:role/team-{t}-*"
        blocks += [
            f'resource "aws_iam_role" "app_{t}" {{\n  name = "team-{t}-app"\n  assume_role_policy = {trust}\n}}\n',
            f'resource "aws_iam_role" "deploy_{t}" {{\n  name = "team-{t}-deploy"\n  assume_role_policy = {trust}\n}}\n',
            f'resource "aws_iam_role_policy" "app_{t}" {{\n  role = aws_iam_role.app_{t}.id\n  policy = ' + hcl_policy([
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": team},
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                 "Resource": f"=aws_secretsmanager_secret.s_{t}.arn"}]) + "\n}\n",
            f'resource "aws_iam_role_policy" "deploy_{t}" {{\n  role = aws_iam_role.deploy_{t}.id\n  policy = '
            + hcl_policy([{"Effect": "Allow", "Action": ["ssm:GetParameter", "kms:Decrypt"],
                          "Resource": f"arn:aws:ssm:*:{ACCOUNT}:parameter/team/{t}/*"}])
            + "\n}\n",
            f'resource "aws_iam_user" "u_{t}" {{\n  name = "user-{t}"\n}}\n',
            f'resource "aws_iam_user_policy" "u_{t}" {{\n  user = aws_iam_user.u_{t}.name\n  policy = ' + hcl_policy([
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": team}]) + "\n}\n",
            f'resource "aws_secretsmanager_secret" "s_{t}" {{\n  name = "secret-{t}"\n}}\n',
            f'resource "aws_ssm_parameter" "p_{t}" {{\n  name = "/team/{t}/token"\n  type = "SecureString"\n'
            f'  value = "x"\n}}\n',
        ]
    _write_chunks(out, blocks)
    return out


# --------------------------------------------------------------------------- (e) GCP and Kubernetes


def gcp_k8s(out: Path, resources: int) -> Path:
    roles = ["roles/viewer", "roles/editor", "roles/secretmanager.secretAccessor", "roles/cloudkms.admin",
             "roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/iam.serviceAccountUser"]
    audit = ["roles/viewer", "roles/browser", "roles/iam.securityReviewer", "roles/logging.viewer"]
    blocks: list[str] = []
    for t in range(max(1, resources // 8)):
        g = t // 8  # eight members share a folder, a project and a namespace
        member = f"user:dev{t}@example.com"
        blocks += [
            f'resource "google_folder_iam_member" "f_{t}" {{\n  folder = "folders/{1000 + g}"\n'
            f'  role = "{audit[t % len(audit)]}"\n  member = "{member}"\n}}\n',
            f'resource "google_organization_iam_member" "o_{t}" {{\n  org_id = "123456789"\n'
            f'  role = "{audit[(t + 1) % len(audit)]}"\n  member = "group:team{t}@example.com"\n}}\n',
            f'resource "google_project_iam_member" "p_{t}" {{\n  project = "proj-{g}"\n'
            f'  role = "{roles[t % len(roles)]}"\n  member = "{member}"\n}}\n',
            f'resource "google_secret_manager_secret" "s_{t}" {{\n  secret_id = "secret-{t}"\n'
            f'  project = "proj-{g}"\n  replication {{\n    auto {{}}\n  }}\n}}\n',
            f'resource "google_secret_manager_secret_iam_member" "s_{t}" {{\n'
            f'  secret_id = google_secret_manager_secret.s_{t}.id\n'
            f'  role = "roles/secretmanager.secretAccessor"\n'
            f'  member = "serviceAccount:sa{t}@proj-{g}.iam.gserviceaccount.com"\n}}\n',
            f'resource "kubernetes_secret_v1" "k_{t}" {{\n  metadata {{\n    name = "s-{t}"\n'
            f'    namespace = "ns-{g}"\n  }}\n  data = {{\n    token = "x"\n  }}\n}}\n',
            f'resource "kubernetes_role_binding_v1" "rb_{t}" {{\n  metadata {{\n    name = "rb-{t}"\n'
            f'    namespace = "ns-{g}"\n  }}\n  role_ref {{\n    api_group = "rbac.authorization.k8s.io"\n'
            f'    kind = "ClusterRole"\n    name = "{["view", "edit", "admin"][t % 3]}"\n  }}\n'
            f'  subject {{\n    kind = "ServiceAccount"\n    name = "sa-{t}"\n    namespace = "ns-{g}"\n  }}\n}}\n',
            f'resource "kubernetes_cluster_role_binding_v1" "crb_{t}" {{\n  metadata {{\n    name = "crb-{t}"\n'
            f'  }}\n  role_ref {{\n    api_group = "rbac.authorization.k8s.io"\n'
            f'    kind = "ClusterRole"\n    name = "view"\n  }}\n'
            f'  subject {{\n    kind = "User"\n    name = "dev{t}@example.com"\n'
            f'    api_group = "rbac.authorization.k8s.io"\n  }}\n}}\n',
        ]
    _write_chunks(out, blocks)
    return out


SHAPES: dict[str, Callable[[Path, int], Path]] = {
    "iam_plan": iam_plan, "prefix_teams": prefix_teams, "unknown_names": unknown_names,
    "account_trust": account_trust, "gcp_k8s": gcp_k8s,
}
