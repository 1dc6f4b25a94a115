"""The engines' storage questions (access/storage.py): the same question and answer shape for
S3, Cloud Storage and Azure Storage, with writers as each cloud documents them."""

from __future__ import annotations

from sod_iac.access import build_access
from sod_iac.access.storage import public_access, writers
from sod_iac.access.storage_model import StorageTarget
from sod_iac.load import load_project


def _ask(write_tree, code: str, kind: str, name: str, address: str, key: str | None = None):
    project = load_project([str(write_tree({"main.tf": code}))])
    target = StorageTarget(kind, name, key, project.resource(address), f"{kind}://{name}")
    access = build_access(project)
    return writers(project, access, target), public_access(project, access, target)


def test_s3_writers_are_who_may_put_or_delete_the_object(write_tree):
    """s3:PutObject / s3:DeleteObject on the object ARN write; s3:GetObject does not."""
    found, exposure = _ask(write_tree, '''
resource "aws_s3_bucket" "state" {
  bucket = "acme-state"
}
resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "codebuild.amazonaws.com"}}]})
}
resource "aws_iam_role_policy" "deployer" {
  role   = aws_iam_role.deployer.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::acme-state/*"}]})
}
resource "aws_iam_role" "auditor" {
  name               = "auditor"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "codebuild.amazonaws.com"}}]})
}
resource "aws_iam_role_policy" "auditor" {
  role   = aws_iam_role.auditor.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:GetObject", Resource = "*"}]})
}
resource "aws_s3_bucket_acl" "state" {
  bucket = aws_s3_bucket.state.id
  acl    = "public-read"
}
''', "s3", "acme-state", "aws_s3_bucket.state", key="prod/terraform.tfstate")
    assert {name: level for name, (level, _) in found.items()} == {"aws_iam_role.deployer": "yes"}
    # no public access block: the public canned ACL is in force (S3 Block Public Access)
    assert [(o.kind, o.what, o.effective) for o in exposure.openings] == [("acl", 'acl = "public-read"', True)]
    assert exposure.guards == [] and not exposure.acls_ignored


def test_gcs_writers_are_members_whose_role_creates_or_deletes_objects(write_tree):
    """roles/storage.objectCreator writes objects (storage.objects.create); objectViewer does not;
    allUsers on the bucket is public unless public access prevention is enforced."""
    found, exposure = _ask(write_tree, '''
resource "google_storage_bucket" "state" {
  name     = "acme-state"
  location = "EU"
  public_access_prevention = "enforced"
}
resource "google_service_account" "ci" {
  account_id = "ci"
}
resource "google_storage_bucket_iam_member" "ci" {
  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_service_account.ci.email}"
}
resource "google_storage_bucket_iam_member" "public" {
  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}
''', "gcs", "acme-state", "google_storage_bucket.state")
    assert {name: level for name, (level, _) in found.items()} == {"google_service_account.ci": "yes"}
    assert [(o.kind, o.what, o.effective) for o in exposure.openings] == [("member", "allUsers", False)]
    assert exposure.open_guards == []


def test_azure_writers_hold_blob_write_data_actions_or_list_keys_while_shared_keys_are_on(write_tree):
    """The blob write data action writes blobs; blob read does not; listKeys writes through the
    account key only while shared key access is on (Azure Storage authorization). Custom roles
    state the operations (the shipped built-in role data holds no Storage data roles)."""
    code = '''
resource "azurerm_storage_account" "state" {
  name                            = "acmestate"
  resource_group_name             = "rg"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  allow_nested_items_to_be_public = false
  %s
}
resource "azurerm_role_definition" "writer" {
  name  = "state-writer"
  scope = azurerm_storage_account.state.id
  permissions {
    actions      = []
    data_actions = ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"]
  }
}
resource "azurerm_role_definition" "keys" {
  name  = "key-lister"
  scope = azurerm_storage_account.state.id
  permissions {
    actions      = ["Microsoft.Storage/storageAccounts/listKeys/action"]
    data_actions = []
  }
}
resource "azurerm_role_definition" "reader" {
  name  = "state-reader"
  scope = azurerm_storage_account.state.id
  permissions {
    actions      = []
    data_actions = ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]
  }
}
resource "azurerm_user_assigned_identity" "ci" {
  name                = "ci"
  resource_group_name = "rg"
  location            = "westeurope"
}
resource "azurerm_user_assigned_identity" "ops" {
  name                = "ops"
  resource_group_name = "rg"
  location            = "westeurope"
}
resource "azurerm_user_assigned_identity" "audit" {
  name                = "audit"
  resource_group_name = "rg"
  location            = "westeurope"
}
resource "azurerm_role_assignment" "ci" {
  scope              = azurerm_storage_account.state.id
  role_definition_id = azurerm_role_definition.writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.ci.principal_id
}
resource "azurerm_role_assignment" "ops" {
  scope              = azurerm_storage_account.state.id
  role_definition_id = azurerm_role_definition.keys.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.ops.principal_id
}
resource "azurerm_role_assignment" "audit" {
  scope              = azurerm_storage_account.state.id
  role_definition_id = azurerm_role_definition.reader.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.audit.principal_id
}
resource "azurerm_storage_container" "state" {
  name                  = "tfstate"
  storage_account_name  = azurerm_storage_account.state.name
  container_access_type = "blob"
}
'''
    found, exposure = _ask(write_tree, code % "", "azurerm", "acmestate", "azurerm_storage_account.state")
    assert sorted(found) == ["azurerm_user_assigned_identity.ci", "azurerm_user_assigned_identity.ops"]
    assert found["azurerm_user_assigned_identity.ops"][0] == "yes"
    # allow_nested_items_to_be_public = false forbids anonymous access to every container
    assert [(o.kind, o.what, o.effective) for o in exposure.openings] == [
        ("container", "azurerm_storage_container.state", False)]
    assert exposure.open_guards == []
    found, _ = _ask(write_tree, code % "shared_access_key_enabled = false", "azurerm", "acmestate",
                    "azurerm_storage_account.state")
    assert sorted(found) == ["azurerm_user_assigned_identity.ci"]
