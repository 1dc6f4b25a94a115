# Positive (SOD301, SOD303): a second reader through a project-level role.
#
# Proves: IAM policies are inherited down the resource hierarchy: roles can be granted on the
# organization, a folder, the project or the secret, and a role granted on a project applies
# to every secret in it (Secret Manager, "Access control with IAM"). roles/secretmanager.secretAccessor
# holds secretmanager.versions.access. The app's service account is granted it on the secret;
# the group platform-oncall on the whole project: two readers of the secret (SOD301), and the
# group reads every secret of the project, present and future (SOD303).

resource "google_service_account" "app" {
  project    = "acme-prod"
  account_id = "app"
}

resource "google_secret_manager_secret" "db" {
  project   = "acme-prod"
  secret_id = "db-password"
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

resource "google_project_iam_member" "oncall" {
  project = "acme-prod"
  role    = "roles/secretmanager.secretAccessor"
  member  = "group:platform-oncall@example.com"
}
