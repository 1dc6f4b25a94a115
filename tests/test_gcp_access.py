"""The GCP engine: members, roles, the resource hierarchy, and the API for other engines."""

from __future__ import annotations

from sod_iac.access.gcp import GcpAccess, Scope, changes_state, predefined_role
from sod_iac.core.model import Project, Resource
from sod_iac.core.values import Unknown
from sod_iac.load import load_project

HIERARCHY = """
resource "google_folder" "prod" {
  display_name = "prod"
  parent       = "organizations/111"
}
resource "google_project" "app" {
  name       = "app"
  project_id = "acme-app"
  folder_id  = google_folder.prod.name
}
resource "google_secret_manager_secret" "db" {
  secret_id = "db"
  project   = google_project.app.project_id
  replication {
    auto {}
  }
}
resource "google_secret_manager_secret" "other" {
  secret_id = "other"
  project   = "acme-other"
  replication {
    auto {}
  }
}
resource "google_secret_manager_secret" "somewhere" {
  secret_id = "somewhere"
  replication {
    auto {}
  }
}
resource "google_service_account" "reader" {
  account_id = "reader"
  project    = "acme-app"
}
resource "google_organization_iam_member" "org" {
  org_id = "111"
  role   = "roles/secretmanager.secretAccessor"
  member = "group:org-readers@example.com"
}
resource "google_folder_iam_member" "folder" {
  folder = google_folder.prod.name
  role   = "roles/secretmanager.secretAccessor"
  member = "group:folder-readers@example.com"
}
resource "google_project_iam_member" "project" {
  project = "acme-app"
  role    = "roles/secretmanager.secretAccessor"
  member  = "serviceAccount:reader@acme-app.iam.gserviceaccount.com"
}
resource "google_secret_manager_secret_iam_member" "secret" {
  secret_id = google_secret_manager_secret.db.id
  role      = "roles/secretmanager.admin"
  member    = "user:admin@example.com"
  condition {
    title      = "until 2030"
    expression = "request.time < timestamp(\\"2030-01-01T00:00:00Z\\")"
  }
}
resource "google_secret_manager_secret_iam_member" "viewer" {
  secret_id = google_secret_manager_secret.db.id
  role      = "roles/secretmanager.viewer"
  member    = "user:viewer@example.com"
}
"""


def _engine(write_tree, text: str) -> GcpAccess:
    root = write_tree({"main.tf": text})
    return GcpAccess(load_project([str(root)]))


def test_readers_through_the_hierarchy(write_tree) -> None:
    gcp = _engine(write_tree, HIERARCHY)
    readers = {g.principal: g.level for g in gcp.members_with_permission(
        "secretmanager.versions.access", "google_secret_manager_secret.db")}
    assert readers == {
        "group:org-readers@example.com": "yes",       # org 111 > folder prod > project acme-app
        "group:folder-readers@example.com": "yes",
        "google_service_account.reader": "yes",       # the literal email is the account of the code
        "user:admin@example.com": "possible",         # an IAM condition: possible
    }
    other = {g.principal: g.level for g in gcp.members_with_permission(
        "secretmanager.versions.access", "google_secret_manager_secret.other")}
    # acme-other is not in the code: its folder and org are unknown, so those grants may apply
    assert other == {"group:org-readers@example.com": "possible", "group:folder-readers@example.com": "possible"}
    somewhere = {g.principal: g.level for g in gcp.members_with_permission(
        "secretmanager.versions.access", "google_secret_manager_secret.somewhere")}
    assert somewhere["google_service_account.reader"] == "possible"  # provider-default project


def test_scope_applies_is_exact_where_the_code_is() -> None:
    project = Project(resources=[
        Resource(address="google_kms_key_ring.r", type="google_kms_key_ring", name="r",
                 values={"name": "r", "project": "p1", "location": "eu"}),
    ])
    gcp = GcpAccess(project)
    assert gcp.scope_applies(Scope("project", "projects/p1", "p1"), "google_kms_key_ring.r") == "yes"
    assert gcp.scope_applies(Scope("project", "projects/p2", "p2"), "google_kms_key_ring.r") == "no"
    assert gcp.scope_applies(Scope("project", None, "?"), "google_kms_key_ring.r") == "possible"


def test_policy_data_as_json_text_like_a_plan() -> None:
    """In a plan, `policy_data` is the JSON the data source rendered."""
    project = Project(resources=[
        Resource(address="google_project_iam_policy.p", type="google_project_iam_policy", name="p",
                 values={"project": "acme", "policy_data": '{"bindings":[{"role":"roles/cloudkms.admin",'
                         '"members":["user:a@example.com"]}]}'}),
    ])
    gcp = GcpAccess(project)
    assert [(b.member, b.role, b.scope.key) for b in gcp.bindings] == [
        ("user:a@example.com", "roles/cloudkms.admin", "projects/acme")]
    grants = gcp.grants("user:a@example.com", ["cloudkms.cryptoKeys.update"])
    assert grants and grants[0].level == "yes"


def test_custom_role_by_literal_id_and_unknown_roles() -> None:
    project = Project(resources=[
        Resource(address="google_project_iam_custom_role.c", type="google_project_iam_custom_role", name="c",
                 values={"project": "acme", "role_id": "rotator", "permissions": ["secretmanager.versions.add"]}),
        Resource(address="google_project_iam_member.m", type="google_project_iam_member", name="m",
                 values={"project": "acme", "role": "projects/acme/roles/rotator", "member": "user:r@example.com"}),
        Resource(address="google_project_iam_member.u", type="google_project_iam_member", name="u",
                 values={"project": "acme", "role": "roles/secretmanager.brandNewRole",
                         "member": Unknown("var.member")}),
    ])
    gcp = GcpAccess(project)
    assert [g.permission for g in gcp.grants("user:r@example.com", ["secretmanager.versions.add"])] == [
        "secretmanager.versions.add"]
    member = "${var.member}"
    assert gcp.grants(member, ["secretmanager.versions.access"]) == []           # unknown role: not counted
    speculative = gcp.grants(member, ["secretmanager.versions.access"], speculative=True)
    assert [g.level for g in speculative] == ["possible"]                        # ...unless speculative
    assert gcp.grants(member, ["cloudkms.cryptoKeyVersions.useToDecrypt"], speculative=True) == []


def test_roles_data_and_state_changes() -> None:
    assert predefined_role("roles/owner")["all"] is True
    assert "iam.serviceAccounts.actAs" in predefined_role("roles/editor")["permissions"]
    assert "secretmanager.versions.access" not in predefined_role("roles/editor")["permissions"]
    assert changes_state("storage.objects.create") and not changes_state("storage.objects.get")
    assert not changes_state("secretmanager.versions.access")


def test_two_patterns_overlap_only_when_their_literal_ends_agree() -> None:
    """A text matching both globs starts with both prefixes and ends with both suffixes: an
    email of project acme-workloads is never one of acme-seed, whatever the account name."""
    from sod_iac.access.cloud_common import globs_overlap

    workloads = "projects/-/serviceAccounts/*@acme-workloads.iam.gserviceaccount.com"
    assert not globs_overlap(workloads, "projects/-/serviceAccounts/*@acme-seed.iam.gserviceaccount.com")
    assert globs_overlap(workloads, "projects/-/serviceAccounts/*@*.iam.gserviceaccount.com")
    assert globs_overlap("projects/*/serviceAccounts/*", workloads)
    assert not globs_overlap("projects/acme-workloads/serviceAccounts/*", "projects/acme-seed/serviceAccounts/*")


GROUPS = """
resource "google_cloud_identity_group" "ops" {
  parent               = "customers/C01abc234"
  initial_group_config = "WITH_INITIAL_OWNER"
  group_key {
    id = "ops@example.com"
  }
  labels = { "cloudidentity.googleapis.com/groups.discussion_forum" = "" }
}
resource "google_project_iam_member" "ops" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = "group:ops@example.com"
}
resource "google_service_account" "ci" {
  account_id = "ci"
  project    = "acme-prod"
}
resource "google_cloud_identity_group_membership" "ci" {
  group = google_cloud_identity_group.ops.id
  preferred_member_key {
    id = "ci@acme-prod.iam.gserviceaccount.com"
  }
  roles {
    name = "MEMBER"
  }
  roles {
    name = "MANAGER"
  }
}
resource "google_project_iam_member" "alice" {
  project = "acme-prod"
  role    = "roles/viewer"
  member  = "user:alice@example.com"
}
resource "google_cloud_identity_group_membership" "alice" {
  group = google_cloud_identity_group.ops.id
  member_key {
    id = "alice@example.com"
  }
  roles {
    name = "MEMBER"
  }
}
variable "role" {}
resource "google_cloud_identity_group_membership" "bob" {
  group = "groups/0123abc"
  preferred_member_key {
    id = "bob@example.com"
  }
  roles {
    name = var.role
  }
}
"""


def test_group_roles_from_cloud_identity_memberships(write_tree) -> None:
    """Cloud Identity groups API: OWNER and MANAGER add members, MEMBER does not; the member key
    is an email (a service account's is the account of the code); a role the code does not
    state is possibly any role."""
    gcp = _engine(write_tree, GROUPS)
    ci = gcp.group_roles("google_service_account.ci", ["OWNER", "MANAGER"])
    assert [(g.permission, g.level, g.scope) for g in ci] == [("MANAGER", "yes", "ops@example.com")]
    assert ci[0].evidence[0].address == "google_cloud_identity_group_membership.ci"
    assert "the group itself holds roles/editor on project acme-prod" in ci[0].evidence[0].detail
    assert gcp.group_roles("user:alice@example.com", ["OWNER", "MANAGER"]) == []  # a MEMBER only
    assert [g.permission for g in gcp.group_roles("user:alice@example.com", ["MEMBER"])] == ["MEMBER"]
    bob = gcp.group_roles("user:bob@example.com", ["OWNER", "MANAGER"])
    assert [(g.level, g.scope) for g in bob] == [("possible", "groups/0123abc")]
