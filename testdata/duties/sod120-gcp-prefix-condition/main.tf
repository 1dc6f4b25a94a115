# SOD120 on Google Cloud with a prefix condition (CEL `startsWith`).
#
# Proves: `assertion.ref.startsWith('refs/heads/')` admits every branch (CEL's startsWith is a
# plain prefix test), so the pool's members may impersonate `deployer` (storage admin on
# acme-prod) from any unreviewed branch: flagged, and the reason names the prefix as too broad
# rather than saying that no attribute_condition exists (issue 17).
resource "google_iam_workload_identity_pool" "github" {
  workload_identity_pool_id = "github"
  project                   = "acme-ci"
}

resource "google_iam_workload_identity_pool_provider" "github" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  project                            = "acme-ci"
  attribute_condition                = "assertion.ref.startsWith('refs/heads/')"
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account" "deployer" {
  account_id = "deployer"
  project    = "acme-ci"
}

resource "google_project_iam_member" "deployer" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = "serviceAccount:${google_service_account.deployer.email}"
}

resource "google_service_account_iam_member" "wif" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/*"
}
