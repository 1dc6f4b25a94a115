# SOD103 on Google Cloud: log sinks, log buckets and exclusions (roles/logging.configWriter,
# roles/logging.admin) held with permissions that change resources.
#
# Proves:
#   - `sre` holds roles/logging.configWriter and roles/storage.objectAdmin: flagged.
#   - `log_team` holds roles/logging.admin and roles/logging.viewer only: quiet (all of its
#     changes are to logging itself).
#   - `deployer` holds roles/storage.objectAdmin only: quiet (no audit control).
resource "google_service_account" "sre" {
  account_id = "sre"
  project    = "acme-prod"
}

resource "google_service_account" "log_team" {
  account_id = "log-team"
  project    = "acme-prod"
}

resource "google_service_account" "deployer" {
  account_id = "deployer"
  project    = "acme-prod"
}

resource "google_project_iam_member" "sre_logs" {
  project = "acme-prod"
  role    = "roles/logging.configWriter"
  member  = google_service_account.sre.member
}

resource "google_project_iam_member" "sre_objects" {
  project = "acme-prod"
  role    = "roles/storage.objectAdmin"
  member  = google_service_account.sre.member
}

resource "google_project_iam_member" "log_team_admin" {
  project = "acme-prod"
  role    = "roles/logging.admin"
  member  = google_service_account.log_team.member
}

resource "google_project_iam_member" "log_team_viewer" {
  project = "acme-prod"
  role    = "roles/logging.viewer"
  member  = google_service_account.log_team.member
}

resource "google_project_iam_member" "deployer" {
  project = "acme-prod"
  role    = "roles/storage.objectAdmin"
  member  = google_service_account.deployer.member
}
