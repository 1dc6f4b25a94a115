# SOD104 on Google Cloud Deploy: roles/clouddeploy.approver (approve rollouts) held with
# roles/clouddeploy.releaser (create releases and rollouts).
#
# Proves:
#   - `group:release@example.com` holds both on the project: flagged.
#   - `group:qa@example.com` holds approver only, `ci` holds releaser only: quiet.
resource "google_service_account" "ci" {
  account_id = "ci"
  project    = "acme-delivery"
}

resource "google_project_iam_member" "release_approver" {
  project = "acme-delivery"
  role    = "roles/clouddeploy.approver"
  member  = "group:release@example.com"
}

resource "google_project_iam_member" "release_releaser" {
  project = "acme-delivery"
  role    = "roles/clouddeploy.releaser"
  member  = "group:release@example.com"
}

resource "google_project_iam_member" "qa" {
  project = "acme-delivery"
  role    = "roles/clouddeploy.approver"
  member  = "group:qa@example.com"
}

resource "google_project_iam_member" "ci" {
  project = "acme-delivery"
  role    = "roles/clouddeploy.releaser"
  member  = google_service_account.ci.member
}
