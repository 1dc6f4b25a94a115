# SOD102 on Google Cloud (CIS GCP 1.8: separation of duties for service-account roles).
#
# Proves:
#   - `user:sam@example.com` holds roles/iam.serviceAccountAdmin and roles/iam.serviceAccountUser
#     on the project: flagged.
#   - `group:platform@example.com` holds serviceAccountAdmin on the folder and
#     serviceAccountTokenCreator on one service account (resource-level IAM): flagged
#     (creating identities and minting their tokens).
#   - `user:dev@example.com` holds only serviceAccountUser, `user:iam@example.com` only
#     serviceAccountAdmin, and `ci` only roles/iam.workloadIdentityUser: quiet.
resource "google_service_account" "runner" {
  account_id = "runner"
  project    = "acme-apps"
}

resource "google_service_account" "ci" {
  account_id = "ci"
  project    = "acme-apps"
}

resource "google_project_iam_member" "sam_admin" {
  project = "acme-apps"
  role    = "roles/iam.serviceAccountAdmin"
  member  = "user:sam@example.com"
}

resource "google_project_iam_member" "sam_user" {
  project = "acme-apps"
  role    = "roles/iam.serviceAccountUser"
  member  = "user:sam@example.com"
}

resource "google_folder_iam_member" "platform_admin" {
  folder = "folders/123456789"
  role   = "roles/iam.serviceAccountAdmin"
  member = "group:platform@example.com"
}

resource "google_service_account_iam_member" "platform_tokens" {
  service_account_id = google_service_account.runner.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "group:platform@example.com"
}

resource "google_project_iam_member" "dev_user" {
  project = "acme-apps"
  role    = "roles/iam.serviceAccountUser"
  member  = "user:dev@example.com"
}

resource "google_project_iam_member" "iam_admin" {
  project = "acme-apps"
  role    = "roles/iam.serviceAccountAdmin"
  member  = "user:iam@example.com"
}

resource "google_service_account_iam_member" "ci_wif" {
  service_account_id = google_service_account.runner.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${google_service_account.ci.email}"
}
