"""The permission a GCP holding is explained by: the most telling of the role, never the
alphabetically first (issue 17). Facts from Google's predefined roles reference: roles/storage.
objectAdmin grants storage.objects.* (create, delete, get, list, update, ...) and, for
hierarchical-namespace buckets, storage.folders.*; it is about objects."""

from __future__ import annotations

from sod_iac.access.telling import rank_permissions


def test_a_role_is_explained_by_a_change_to_what_its_name_is_about():
    perms = ["storage.folders.create", "storage.folders.delete", "storage.objects.create",
             "storage.objects.delete", "storage.objects.get", "storage.objects.list"]
    assert rank_permissions(perms, "roles/storage.objectAdmin")[0] == "storage.objects.create"


def test_reads_come_after_changes_and_other_services_last():
    perms = ["resourcemanager.projects.get", "secretmanager.versions.access", "secretmanager.secrets.delete"]
    ranked = rank_permissions(perms, "roles/secretmanager.admin")
    assert ranked[0] == "secretmanager.secrets.delete"
    assert ranked[-1] == "resourcemanager.projects.get"


def test_basic_roles_rank_by_verb_then_name():
    perms = ["clouddeploy.automationRuns.cancel", "storage.anywhereCaches.create", "compute.instances.create"]
    # roles/editor names no service: a create before a cancel, then alphabetical
    assert rank_permissions(perms, "roles/editor")[:2] == ["compute.instances.create", "storage.anywhereCaches.create"]
