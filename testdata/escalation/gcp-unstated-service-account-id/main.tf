# An IAM binding on a service account whose id the code does not state (GCP IAM: a binding on a
# service account applies to that account only; service_account_id is
# projects/{PROJECT}/serviceAccounts/{EMAIL or UNIQUE_ID}). Here both parts are variables without a
# default, as in terraform-example-foundation's confidential_space workload_identity_binding (parts
# from another stage's remote state): the literal parts "projects/" and "/serviceAccounts/" fit
# every account, so the id may name `org_admin`, which holds organizationAdmin
# (organizations.setIamPolicy). Unknown means possible (DESIGN.md): a possible SOD110 for ops.
# Negative: `auditors` holds Token Creator on `reader` (named by reference), which only reads
# objects; minting its tokens gains no power (lateral access, not escalation).

variable "project" {
  type = string
}

variable "workload_sa" {
  type = string
}

resource "google_service_account" "org_admin" {
  project    = "acme-seed"
  account_id = "org-admin"
}

resource "google_organization_iam_member" "org_admin" {
  org_id = "123456789012"
  role   = "roles/resourcemanager.organizationAdmin"
  member = "serviceAccount:${google_service_account.org_admin.email}"
}

resource "google_service_account_iam_member" "ops_on_unstated" {
  service_account_id = "projects/${var.project}/serviceAccounts/${var.workload_sa}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "group:ops@example.com"
}

resource "google_service_account" "reader" {
  project    = "acme-seed"
  account_id = "reader"
}

resource "google_project_iam_member" "reader" {
  project = "acme-seed"
  role    = "roles/storage.objectViewer"
  member  = "serviceAccount:${google_service_account.reader.email}"
}

resource "google_service_account_iam_member" "auditors_on_reader" {
  service_account_id = google_service_account.reader.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "group:auditors@example.com"
}
