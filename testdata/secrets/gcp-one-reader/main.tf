# Negative (SOD301, SOD303): roles that see secrets but cannot access their payload.
#
# Proves: only roles that contain secretmanager.versions.access read a payload
# (Secret Manager roles: secretAccessor and admin do; roles/secretmanager.viewer "allows viewing
# metadata" only; the basic Editor role does not include secretmanager.versions.access). The
# app's service account is the one accessor; the ops group holds viewer on the project, the
# deployer service account Editor on the project, and a second secret's accessor is bound on
# that other secret only: none of them reads db-password. One reader.

resource "google_service_account" "app" {
  project    = "acme-prod"
  account_id = "app"
}

resource "google_service_account" "deployer" {
  project    = "acme-prod"
  account_id = "deployer"
}

resource "google_secret_manager_secret" "db" {
  project   = "acme-prod"
  secret_id = "db-password"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret" "api" {
  project   = "acme-prod"
  secret_id = "api-key"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "app" {
  project   = "acme-prod"
  secret_id = google_secret_manager_secret.db.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.app.email}"
}

resource "google_secret_manager_secret_iam_binding" "api" {
  project   = "acme-prod"
  secret_id = google_secret_manager_secret.api.secret_id
  role      = "roles/secretmanager.secretAccessor"
  members   = ["serviceAccount:${google_service_account.deployer.email}"]
}

resource "google_project_iam_member" "ops_viewer" {
  project = "acme-prod"
  role    = "roles/secretmanager.viewer"
  member  = "group:ops@example.com"
}

resource "google_project_iam_member" "deployer_editor" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.deployer.email}"
}
