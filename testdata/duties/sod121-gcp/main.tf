# SOD121 on Google Cloud: one member with write roles in two projects of different
# environments (recognised from the project ids and labels).
#
# Proves:
#   - `deploy` holds storage.objectAdmin in `acme-prod` and in `acme-staging`: flagged.
#   - `prod_only` holds storage.objectAdmin in `acme-prod` and storage.objectViewer in
#     `acme-staging`: quiet (viewing is not changing).
#   - `tools` writes `acme-tools-1` (labelled env = dev) and `acme-sandbox`: both
#     are development (labels and the word `sandbox`): one environment, quiet.
resource "google_project" "tools" {
  name       = "tools"
  project_id = "acme-tools-1"
  labels = {
    env = "dev"
  }
}

resource "google_service_account" "deploy" {
  account_id = "deploy"
  project    = "acme-ci"
}

resource "google_service_account" "prod_only" {
  account_id = "prod-only"
  project    = "acme-ci"
}

resource "google_service_account" "tools" {
  account_id = "tools"
  project    = "acme-ci"
}

resource "google_project_iam_member" "deploy_prod" {
  project = "acme-prod"
  role    = "roles/storage.objectAdmin"
  member  = google_service_account.deploy.member
}

resource "google_project_iam_member" "deploy_staging" {
  project = "acme-staging"
  role    = "roles/storage.objectAdmin"
  member  = google_service_account.deploy.member
}

resource "google_project_iam_member" "prod_only_prod" {
  project = "acme-prod"
  role    = "roles/storage.objectAdmin"
  member  = google_service_account.prod_only.member
}

resource "google_project_iam_member" "prod_only_staging" {
  project = "acme-staging"
  role    = "roles/storage.objectViewer"
  member  = google_service_account.prod_only.member
}

resource "google_project_iam_member" "tools_dev" {
  project = google_project.tools.project_id
  role    = "roles/storage.objectAdmin"
  member  = google_service_account.tools.member
}

resource "google_project_iam_member" "tools_sandbox" {
  project = "acme-sandbox"
  role    = "roles/storage.objectAdmin"
  member  = google_service_account.tools.member
}
