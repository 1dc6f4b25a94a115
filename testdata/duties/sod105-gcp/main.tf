# SOD105 on Google Secret Manager, judged per secret through the IAM hierarchy.
#
# Proves:
#   - `rotator` adds versions to `db` (secret-level) and reads every secret of the project
#     (project-level Secret Accessor applies to `db`): flagged.
#   - `split` adds versions to `db` and reads only `api` (both secret-level): quiet.
#   - `group:secret-admins@example.com` holds roles/secretmanager.admin on the project, which
#     includes secretmanager.versions.access (the predefined role's permissions): flagged on
#     its own.
#   - `reader` holds only Secret Accessor: quiet.
resource "google_service_account" "rotator" {
  account_id = "rotator"
  project    = "acme-prod"
}

resource "google_service_account" "split" {
  account_id = "split"
  project    = "acme-prod"
}

resource "google_service_account" "reader" {
  account_id = "reader"
  project    = "acme-prod"
}

resource "google_secret_manager_secret" "db" {
  secret_id = "db"
  project   = "acme-prod"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret" "api" {
  secret_id = "api"
  project   = "acme-prod"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "rotator_add" {
  secret_id = google_secret_manager_secret.db.id
  role      = "roles/secretmanager.secretVersionAdder"
  member    = google_service_account.rotator.member
}

resource "google_project_iam_member" "rotator_read" {
  project = "acme-prod"
  role    = "roles/secretmanager.secretAccessor"
  member  = google_service_account.rotator.member
}

resource "google_secret_manager_secret_iam_member" "split_add" {
  secret_id = google_secret_manager_secret.db.id
  role      = "roles/secretmanager.secretVersionAdder"
  member    = google_service_account.split.member
}

resource "google_secret_manager_secret_iam_member" "split_read" {
  secret_id = google_secret_manager_secret.api.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.split.member
}

resource "google_project_iam_member" "admins" {
  project = "acme-prod"
  role    = "roles/secretmanager.admin"
  member  = "group:secret-admins@example.com"
}

resource "google_secret_manager_secret_iam_member" "reader" {
  secret_id = google_secret_manager_secret.db.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.reader.member
}
