"""The indexes of issue 18 against their plain definitions, on random estates (hypothesis,
derandomized: the same examples every run).

Each index narrows a question to the candidates that can answer; it is only correct if the
answers are exactly those of asking everything:

1. `TrustIndex` (AWS role chaining): `AwsAccess.assumable` through the index equals the same
   search asking every role of the code (`_trusting` returning all of them), and every role
   `_assume_step` accepts for a principal is among the index's candidates. The estates mix
   what made the old index fall back to "every role": roles without a name or with a
   `name_prefix`, trusts naming a service, the account, a literal ARN, a wildcard ARN or a
   reference, and sts:AssumeRole grants on references, literal ARNs, wildcards, `*`.
2. Kubernetes `members_with_permission` (bindings by verb, kind and namespace) equals a scan
   of every binding.
3. GCP `members_with_permission` (project bindings by project) equals a scan in which every
   project binding is asked.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.shapes import hcl_policy
from sod_iac.access.aws import AwsAccess
from sod_iac.access.cloud_common import Grant
from sod_iac.access.gcp import GcpAccess
from sod_iac.access.kubernetes import KubernetesAccess
from sod_iac.cli import cli  # noqa: F401 - the loader's registrations, as a scan has them
from sod_iac.load import load_project

RANDOM = settings(derandomize=True, deadline=None, max_examples=60, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ACCOUNT = "111122223333"


def _load(tmp_path_factory, text: str):
    root = Path(tmp_path_factory.mktemp("estate"))
    (root / "main.tf").write_text(text)
    project = load_project([root])
    assert project.errors == [], project.errors
    return project


# --------------------------------------------------------------------------- 1. AWS trust


NAMES = st.sampled_from(["literal", "prefix", "none", "unknown"])


@st.composite
def aws_estates(draw) -> str:
    roles = draw(st.integers(2, 6))
    users = draw(st.integers(0, 3))
    kinds = [draw(NAMES) for _ in range(roles)]

    def name_line(i: int) -> str:
        return {"literal": f'name = "app-{i}"', "prefix": f'name_prefix = "app-{i}-"', "none": "",
                "unknown": f"name = var.n{i}"}[kinds[i]]

    def principal_entry() -> str:
        choice = draw(st.sampled_from(["root", "role-ref", "user-ref", "literal-role", "wild-role",
                                       "wild-app", "literal-user", "service", "star"]))
        i = draw(st.integers(0, roles - 1))
        u = draw(st.integers(0, max(users - 1, 0)))
        return {
            "root": f"arn:aws:iam::{ACCOUNT}:root", "role-ref": f"=aws_iam_role.r{i}.arn",
            "user-ref": f"=aws_iam_user.u{u}.arn" if users else f"=aws_iam_role.r{i}.arn",
            "literal-role": f"arn:aws:iam::{ACCOUNT}:role/app-{i}",
            "wild-role": f"arn:aws:iam::{ACCOUNT}:role/*", "wild-app": f"arn:aws:iam::{ACCOUNT}:role/app-{i}*",
            "literal-user": f"arn:aws:iam::{ACCOUNT}:user/user-{u}", "service": "lambda.amazonaws.com",
            "star": "*",
        }[choice]

    def assume_resource() -> str:
        choice = draw(st.sampled_from(["ref", "literal", "wild", "prefix", "star"]))
        i = draw(st.integers(0, roles - 1))
        return {"ref": f"=aws_iam_role.r{i}.arn", "literal": f"arn:aws:iam::{ACCOUNT}:role/app-{i}",
                "wild": f"arn:aws:iam::{ACCOUNT}:role/*", "prefix": f"arn:aws:iam::{ACCOUNT}:role/app-{i}-*",
                "star": "*"}[choice]

    blocks = [f'variable "n{i}" {{\n  type = string\n}}\n' for i in range(roles)]
    for i in range(roles):
        entries = [principal_entry() for _ in range(draw(st.integers(1, 2)))]
        statements = []
        for entry in entries:
            key = "Service" if entry.endswith("amazonaws.com") else "AWS"
            statements.append({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {key: entry}})
        blocks.append(f'resource "aws_iam_role" "r{i}" {{\n  {name_line(i)}\n  assume_role_policy = {hcl_policy(statements)}\n}}\n')
        if draw(st.booleans()):
            grant = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": assume_resource()}
            if draw(st.integers(0, 5)) == 0:
                grant = {"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": assume_resource()}
            blocks.append(f'resource "aws_iam_role_policy" "r{i}" {{\n  role = aws_iam_role.r{i}.id\n'
                          f'  policy = {hcl_policy([grant])}\n}}\n')
    for u in range(users):
        blocks.append(f'resource "aws_iam_user" "u{u}" {{\n  name = "user-{u}"\n}}\n')
        if draw(st.booleans()):
            grant = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": assume_resource()}
            blocks.append(f'resource "aws_iam_user_policy" "u{u}" {{\n  user = aws_iam_user.u{u}.name\n'
                          f'  policy = {hcl_policy([grant])}\n}}\n')
    return "\n".join(blocks)


@RANDOM
@given(aws_estates())
def test_role_chains_through_the_trust_index_equal_asking_every_role(tmp_path_factory, estate):
    project = _load(tmp_path_factory, estate)
    indexed, plain = AwsAccess(project), AwsAccess(project)
    plain._trusting = lambda principal: list(plain.model.trust)  # the plain definition: every role
    for principal in sorted(indexed.model.principals):
        if indexed.model.kinds.get(principal) not in ("role", "user"):
            continue
        assert indexed.assumable(principal) == plain.assumable(principal), (principal, estate)
        candidates = set(indexed._trusting(principal))
        for role, trust in plain.model.trust.items():
            if plain._assume_step(principal, role, trust)[0] != "no":
                assert role in candidates, (principal, role, estate)


def test_a_role_trusting_only_a_service_is_no_candidate(tmp_path_factory):
    """What made the plan of Checkov's fixture quadratic: a role created without a name has no
    literal ARN, and it met every role trusting a service; no IAM principal matches a service
    principal (AWS: a service principal names the service, never a role or user)."""
    trust = hcl_policy([{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}])
    estate = "\n".join(f'resource "aws_iam_role" "r{i}" {{\n  assume_role_policy = {trust}\n}}\n' for i in range(4))
    aws = AwsAccess(_load(tmp_path_factory, estate))
    assert all(aws._trusting(f"aws_iam_role.r{i}") == [] for i in range(4))


# --------------------------------------------------------------------------- 2. Kubernetes


@st.composite
def k8s_estates(draw) -> str:
    blocks = []
    namespaces = ["a", "b", "c"]
    for i in range(draw(st.integers(1, 4))):
        ns = draw(st.sampled_from(namespaces + [None]))
        ns_line = f'    namespace = "{ns}"\n' if ns else ""
        blocks.append(f'resource "kubernetes_secret_v1" "s{i}" {{\n  metadata {{\n    name = "s{i}"\n{ns_line}  }}\n}}\n')
    for i in range(draw(st.integers(1, 8))):
        cluster = draw(st.booleans())
        role = draw(st.sampled_from(["view", "edit", "admin", "cluster-admin", "custom", "missing"]))
        ns = draw(st.sampled_from(namespaces))
        kind = "cluster_role_binding_v1" if cluster else "role_binding_v1"
        meta = f'  metadata {{\n    name = "b{i}"\n' + ("" if cluster else f'    namespace = "{ns}"\n') + "  }\n"
        blocks.append(f'resource "kubernetes_{kind}" "b{i}" {{\n{meta}  role_ref {{\n'
                      f'    api_group = "rbac.authorization.k8s.io"\n    kind = "ClusterRole"\n    name = "{role}"\n  }}\n'
                      f'  subject {{\n    kind = "User"\n    name = "u{draw(st.integers(0, 3))}"\n'
                      f'    api_group = "rbac.authorization.k8s.io"\n  }}\n}}\n')
    names = draw(st.lists(st.sampled_from(["s0", "s1", "other"]), max_size=2))
    blocks.append('resource "kubernetes_cluster_role_v1" "custom" {\n  metadata {\n    name = "custom"\n  }\n'
                  '  rule {\n    api_groups = [""]\n    resources = ["secrets"]\n    verbs = ["get"]\n'
                  + (f"    resource_names = {json.dumps(names)}\n" if names else "") + "  }\n}\n")
    return "\n".join(blocks)


def _k8s_plain(k8s: KubernetesAccess, verb: str, address: str, speculative: bool) -> list[Grant]:
    """members_with_permission asking every binding, skipping only those of another namespace
    (the loop before the index: a RoleBinding grants in its own namespace only)."""
    k8s._bindings_reaching = lambda namespace, *_: [  # type: ignore[method-assign] - the old loop, for comparison
        b for b in k8s.bindings if b.namespace is None or namespace is None or b.namespace == namespace]
    try:
        return k8s.members_with_permission(verb, address, speculative=speculative)
    finally:
        del k8s._bindings_reaching


@RANDOM
@given(k8s_estates())
def test_kubernetes_members_through_the_binding_index_equal_a_scan_of_every_binding(tmp_path_factory, estate):
    project = _load(tmp_path_factory, estate)
    secrets = [r.address for r in project.resources if r.type == "kubernetes_secret_v1"]
    for speculative in (False, True):
        for verb in ("get", "list", "delete"):
            for address in secrets:
                indexed = KubernetesAccess(project).members_with_permission(verb, address, speculative=speculative)
                assert indexed == _k8s_plain(KubernetesAccess(project), verb, address, speculative), estate


@st.composite
def k8s_estates_with_accounts(draw) -> str:
    """k8s_estates plus service accounts in the namespaces, some of them bound too."""
    blocks = [draw(k8s_estates())]
    for i in range(draw(st.integers(1, 5))):
        ns = draw(st.sampled_from(["a", "b", "c"]))
        blocks.append(f'resource "kubernetes_service_account_v1" "sa{i}" {{\n  metadata {{\n    name = "sa{i}"\n'
                      f'    namespace = "{ns}"\n  }}\n}}\n')
        if draw(st.booleans()):
            role = draw(st.sampled_from(["view", "edit", "admin", "cluster-admin"]))
            where = draw(st.sampled_from(["a", "b", "c"]))
            blocks.append(f'resource "kubernetes_role_binding_v1" "sab{i}" {{\n  metadata {{\n    name = "sab{i}"\n'
                          f'    namespace = "{where}"\n  }}\n  role_ref {{\n    api_group = "rbac.authorization.k8s.io"\n'
                          f'    kind = "ClusterRole"\n    name = "{role}"\n  }}\n  subject {{\n    kind = "ServiceAccount"\n'
                          f'    name = "sa{i}"\n    namespace = "{ns}"\n  }}\n}}\n')
    return "\n".join(blocks)


@RANDOM
@given(k8s_estates_with_accounts())
def test_service_accounts_reached_through_binding_namespaces_equal_asking_every_account(tmp_path_factory, estate):
    """Kubernetes escalation asks only the namespaces where a binding of the subject has a rule
    for the verb and resource; the plain definition asks every service account of the estate."""
    from sod_iac.access.kubernetes_escalation import _service_accounts_reached, service_accounts

    k8s = KubernetesAccess(_load(tmp_path_factory, estate))
    accounts = service_accounts(k8s)
    subjects = sorted({b.subject for b in k8s.bindings})
    for subject in subjects:
        for permission in ("impersonate serviceaccounts", "create serviceaccounts/token", "create pods", "get secrets"):
            verb, resource = permission.split(" ", 1)
            for by_name in (True, False):
                plain = [(sa, *k8s.can(subject, verb, resource, ns, name if by_name else None))
                         for sa, ns, name in accounts]
                expected = [(sa, level) for sa, level, _ in plain if level != "no"]
                got = [(r.principal, r.level) for r in _service_accounts_reached(k8s, subject, permission, by_name=by_name)]
                assert got == expected, (estate, subject, permission, by_name)


# --------------------------------------------------------------------------- 3. GCP


@st.composite
def gcp_estates(draw) -> str:
    blocks = ['resource "google_project" "p" {\n  project_id = "proj-a"\n  name = "a"\n}\n']
    projects = ['"proj-a"', '"proj-b"', "google_project.p.project_id", "var.project"]
    blocks.append('variable "project" {\n  type = string\n}\n')
    for i in range(draw(st.integers(1, 3))):
        blocks.append(f'resource "google_secret_manager_secret" "s{i}" {{\n  secret_id = "s{i}"\n'
                      f'  project = {draw(st.sampled_from(projects))}\n  replication {{\n    auto {{}}\n  }}\n}}\n')
    roles = ["roles/secretmanager.secretAccessor", "roles/owner", "roles/viewer", "roles/editor"]
    for i in range(draw(st.integers(1, 8))):
        where = draw(st.sampled_from(["project", "folder", "organization"]))
        role = draw(st.sampled_from(roles))
        member = f"user:u{draw(st.integers(0, 3))}@example.com"
        if where == "project":
            blocks.append(f'resource "google_project_iam_member" "b{i}" {{\n  project = {draw(st.sampled_from(projects))}\n'
                          f'  role = "{role}"\n  member = "{member}"\n}}\n')
        elif where == "folder":
            blocks.append(f'resource "google_folder_iam_member" "b{i}" {{\n  folder = "folders/1"\n'
                          f'  role = "{role}"\n  member = "{member}"\n}}\n')
        else:
            blocks.append(f'resource "google_organization_iam_member" "b{i}" {{\n  org_id = "1"\n'
                          f'  role = "{role}"\n  member = "{member}"\n}}\n')
    return "\n".join(blocks)


@RANDOM
@given(gcp_estates())
def test_gcp_members_through_the_project_index_equal_asking_every_project_binding(tmp_path_factory, estate):
    from sod_iac.access import gcp as gcp_module

    project = _load(tmp_path_factory, estate)
    secrets = [r.address for r in project.resources if r.type == "google_secret_manager_secret"]
    indexed = [GcpAccess(project).members_with_permission("secretmanager.versions.access", a) for a in secrets]
    original = gcp_module._BindingsHolding.applying_to
    gcp_module._BindingsHolding.applying_to = lambda self, resources, project=None: original(self, resources, None)
    try:
        plain = [GcpAccess(project).members_with_permission("secretmanager.versions.access", a) for a in secrets]
    finally:
        gcp_module._BindingsHolding.applying_to = original
    assert indexed == plain, estate
