# An IAM binding on a service account whose id is partly stated (GCP IAM: a binding on a service
# account applies to that account only; service_account_id is
# projects/{PROJECT}/serviceAccounts/{EMAIL or UNIQUE_ID}, and a user-managed account's email is
# ACCOUNT_ID@PROJECT.iam.gserviceaccount.com). What the code states still counts (DESIGN.md:
# "what is known about an unknown still counts"):
# - `ops` holds Token Creator on projects/acme-workloads/serviceAccounts/${var.workload_sa}: an
#   account of project acme-workloads. `org_admin` (organizationAdmin) lives in acme-seed, so it
#   cannot be that account: no SOD110 for ops.
# - `devs` holds Token Creator on projects/acme-seed/serviceAccounts/${var.seed_sa}: the
#   account is unknown but in acme-seed, where `org_admin` lives: a possible SOD110.
# - `ci` holds Token Creator on projects/-/serviceAccounts/${var.name}@acme-workloads.iam.gserviceaccount.com
#   ("-" lets Google infer the project from the email): an acme-workloads account, not
#   `org_admin`: no SOD110.

variable "workload_sa" {
  type = string
}

variable "seed_sa" {
  type = string
}

variable "name" {
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

resource "google_service_account_iam_member" "ops_on_workload" {
  service_account_id = "projects/acme-workloads/serviceAccounts/${var.workload_sa}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "group:ops@example.com"
}

resource "google_service_account_iam_member" "devs_on_seed" {
  service_account_id = "projects/acme-seed/serviceAccounts/${var.seed_sa}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "group:devs@example.com"
}

resource "google_service_account_iam_member" "ci_on_workload_email" {
  service_account_id = "projects/-/serviceAccounts/${var.name}@acme-workloads.iam.gserviceaccount.com"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "group:ci@example.com"
}
