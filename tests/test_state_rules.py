"""Approval rules (SOD201-SOD215) beyond what one scenario folder shows: settings, several root
modules, secrets never printed, unreadable Atlantis files. Scenarios in testdata/approval/
cover the vendor semantics; these tests cover the rules' own contracts."""

from __future__ import annotations

import json

from sod_iac.load import load_project
from sod_iac.pipeline.scan import ScanOptions, run_scan
from sod_iac.report.json_report import render as render_json
from sod_iac.rules.approval.state_backends import storage_not_defined

UNLOCKED = '''
terraform {
  backend "s3" {
    bucket = "acme-%s-tfstate"
    key    = "terraform.tfstate"
    region = "eu-west-1"
  }
}
'''


def _scan(root, **config):
    return run_scan([root], ScanOptions(repo_root=root, jobs=1, config=config))


def _found(report, rule_id):
    return [f for f in report.findings if f.rule_id == rule_id]


def test_backends_of_two_root_modules_are_two_findings(write_tree):
    root = write_tree({"app/main.tf": UNLOCKED % "app", "network/main.tf": UNLOCKED % "network"})
    found = _found(_scan(root), "SOD202")
    assert sorted(f.location.path for f in found) == ["app/main.tf", "network/main.tf"]
    assert {f.resource for f in found} == {"terraform.backend.s3"}
    assert len({f.fingerprint for f in found}) == 2  # same address, different root modules


WRITERS = UNLOCKED % "shared" + '''
resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "codebuild.amazonaws.com"}}]})
}
resource "aws_iam_role_policy" "deployer" {
  role   = aws_iam_role.deployer.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::acme-shared-tfstate/*"}]})
}
resource "aws_iam_user" "breakglass" {
  name = "breakglass"
}
resource "aws_iam_user_policy" "breakglass" {
  user   = aws_iam_user.breakglass.name
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:DeleteObject", Resource = "*"}]})
}
'''


def test_state_writers_respect_max_writers_and_the_allowlist(write_tree):
    root = write_tree({"main.tf": WRITERS})
    (finding,) = _found(_scan(root), "SOD203")
    assert finding.principals == ["aws_iam_role.deployer", "aws_iam_user.breakglass"]
    assert _found(_scan(root, rules={"SOD203": {"max_writers": 2}}), "SOD203") == []
    allowed = {"rules": {"SOD203": {"allowed_writers": ["aws_iam_role.deployer", "aws_iam_user.breakglass"]}}}
    assert _found(_scan(root, **allowed), "SOD203") == []
    only_deployer = {"rules": {"SOD203": {"allowed_writers": ["aws_iam_role.deployer"]}}}
    assert len(_found(_scan(root, **only_deployer), "SOD203")) == 1


SECRETS = '''
terraform {
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "terraform.tfstate"
    use_lockfile = true
    access_key   = "AKIAZZZZZZZZZZZZZZZZ"
    secret_key   = "s3cr3t-value-that-must-never-be-printed"
  }
}
'''


def test_credentials_are_named_never_printed(write_tree):
    root = write_tree({"main.tf": SECRETS})
    report = _scan(root)
    (finding,) = _found(report, "SOD204")
    assert "access_key" in finding.message and "secret_key" in finding.message
    rendered = render_json(report)
    for secret in ("AKIAZZZZZZZZZZZZZZZZ", "s3cr3t-value-that-must-never-be-printed"):
        assert secret not in rendered
        assert all(secret not in e.detail for f in report.findings for e in f.evidence)


def test_gcs_credentials_inline_or_a_key_file_in_the_tree(write_tree):
    inline = '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----"}'
    root = write_tree({
        "inline/main.tf": 'terraform {\n  backend "gcs" {\n    bucket = "b"\n    credentials = %s\n  }\n}\n'  # noqa: UP031 - HCL braces
                          % json.dumps(inline),
        "file/main.tf": 'terraform {\n  backend "gcs" {\n    bucket = "b"\n    credentials = "keys/sa.json"\n  }\n}\n',
        "file/keys/sa.json": "{}",
        "elsewhere/main.tf": 'terraform {\n  backend "gcs" {\n    bucket = "b"\n    credentials = "/etc/sa.json"\n  }\n}\n',
    })
    found = {f.location.path: f.message for f in _found(_scan(root), "SOD204")}
    assert set(found) == {"inline/main.tf", "file/main.tf"}
    assert "a key file inside the repository" in found["file/main.tf"]
    assert "PRIVATE KEY" not in found["inline/main.tf"]


def test_partial_backend_configuration_is_not_judged_and_is_listed(write_tree):
    root = write_tree({"main.tf": 'terraform {\n  backend "s3" {}\n}\n'})
    assert [f for f in _scan(root).findings if f.family == "approval"] == []
    assert storage_not_defined(load_project([root])) == [
        "terraform.backend.s3 (main.tf:2): no name in the block (partial configuration)"]


def test_a_versioning_status_the_code_does_not_state_is_not_judged(write_tree):
    root = write_tree({"main.tf": UNLOCKED % "x" + '''
variable "status" {
  type = string
}
resource "aws_s3_bucket" "state" {
  bucket = "acme-x-tfstate"
}
resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = var.status
  }
}
'''})
    assert _found(_scan(root), "SOD201") == []


def test_production_patterns_are_configurable(write_tree):
    root = write_tree({"main.tf": '''
resource "github_repository_environment" "shop" {
  repository  = "shop"
  environment = "customer-facing"
}
resource "github_repository_environment" "prd" {
  repository  = "shop"
  environment = "prd"
}
'''})
    default = {f.resource for f in _found(_scan(root), "SOD213")}
    assert default == {"github_repository_environment.prd"}
    custom = {"rules": {"SOD213": {"production": ["customer-facing"]}}}
    assert {f.resource for f in _found(_scan(root, **custom), "SOD213")} == {"github_repository_environment.shop"}
    per_resource = {"resources": [["github_repository_environment.shop", {"production": ["customer-facing"]}]]}
    assert {f.resource for f in _found(_scan(root, **per_resource), "SOD213")} == {
        "github_repository_environment.shop", "github_repository_environment.prd"}  # prd keeps the default


def test_unreadable_atlantis_config_is_an_error_and_other_findings_remain(write_tree):
    root = write_tree({
        "main.tf": 'resource "tfe_workspace" "w" {\n  name = "w-prod"\n  organization = "o"\n  auto_apply = true\n}\n',
        "repos.yaml": "repos:\n  - id: /.*/\n    apply_requirements: [approved\n",
    })
    report = _scan(root)
    assert [(e.path, e.line) for e in report.errors] == [("repos.yaml", 4)]
    assert [f.resource for f in _found(report, "SOD210")] == ["tfe_workspace.w"]


def test_atlantis_entries_inherit_keys_from_earlier_matching_entries(write_tree):
    root = write_tree({
        "main.tf": "",
        "repos.yaml": (
            "repos:\n"
            "  - id: /.*/\n    apply_requirements: []\n"
            "  - id: /github.com/acme/.*/\n    apply_requirements: [approved]\n"
            "  - id: github.com/acme/app\n    workflow: default\n"
            "  - id: github.com/other/app\n    workflow: default\n"),
    })
    flagged = {f.resource for f in _found(_scan(root), "SOD211")}
    assert flagged == {'atlantis.repos["/.*/"]', 'atlantis.repos["github.com/other/app"]'}


def test_gcs_writers_of_a_bucket_not_in_the_code_come_from_bindings_that_name_it(write_tree):
    root = write_tree({"main.tf": '''
terraform {
  backend "gcs" {
    bucket = "acme-external-state"
    prefix = "prod"
  }
}
resource "google_storage_bucket_iam_member" "ci" {
  bucket = "acme-external-state"
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:ci@acme.iam.gserviceaccount.com"
}
resource "google_storage_bucket_iam_binding" "devs" {
  bucket  = "b/acme-external-state"
  role    = "roles/storage.objectCreator"
  members = ["group:devs@acme.example"]
}
resource "google_storage_bucket_iam_member" "other_bucket" {
  bucket = "acme-logs"
  role   = "roles/storage.admin"
  member = "user:ops@acme.example"
}
'''})
    report = _scan(root)
    (finding,) = _found(report, "SOD203")
    assert finding.principals == ["group:devs@acme.example", "serviceAccount:ci@acme.iam.gserviceaccount.com"]
    assert _found(report, "SOD201") == [] and _found(report, "SOD205") == []


def test_a_public_member_in_policy_json_with_references_makes_gcs_state_public(write_tree):
    """google_storage_bucket_iam_policy's policy_data as jsonencode() with a reference: the GCP
    engine's one parser reads it (the state rule once read policy JSON a second way, and missed
    allUsers when the document held a reference). allUsers on a bucket without public access
    prevention "enforced" makes its objects public (Cloud Storage IAM, public access prevention)."""
    root = write_tree({"main.tf": '''
terraform {
  backend "gcs" {
    bucket = "acme-tfstate"
    prefix = "prod"
  }
}
resource "google_service_account" "ci" {
  account_id = "ci"
}
resource "google_storage_bucket" "state" {
  name                     = "acme-tfstate"
  location                 = "EU"
  public_access_prevention = "inherited"
  versioning {
    enabled = true
  }
}
resource "google_storage_bucket_iam_policy" "state" {
  bucket = google_storage_bucket.state.name
  policy_data = jsonencode({
    bindings = [{
      role    = "roles/storage.objectViewer"
      members = ["allUsers", "serviceAccount:${google_service_account.ci.email}"]
    }]
  })
}
'''})
    (finding,) = _found(_scan(root), "SOD205")
    assert finding.severity == "critical"
    assert "IAM grants it to allUsers/allAuthenticatedUsers: the state is public" in finding.message
    assert any(e.address == "google_storage_bucket_iam_policy.state" and "allUsers" in e.detail
               for e in finding.evidence)
