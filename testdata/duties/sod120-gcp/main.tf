# SOD120 on Google Cloud: Workload Identity Federation for GitHub Actions. Pool members that
# may impersonate a service account (roles/iam.workloadIdentityUser on it) get its access;
# the provider's attribute_condition and the member's principalSet decide which runs those are.
#
# Proves:
#   - `deployer` (storage admin on the project) can be impersonated by every identity of the
#     `github` pool whose repository is acme/infra, and the provider only checks the
#     repository: any branch or pull request of it: flagged.
#   - `releaser` (same rights) can be impersonated only through the `github-main` pool, whose
#     provider requires `assertion.ref == 'refs/heads/main'`: quiet.
resource "google_iam_workload_identity_pool" "github" {
  workload_identity_pool_id = "github"
  project                   = "acme-ci"
}

resource "google_iam_workload_identity_pool_provider" "github" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  project                            = "acme-ci"
  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
  }
  attribute_condition = "assertion.repository == 'acme/infra'"
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_iam_workload_identity_pool" "github_main" {
  workload_identity_pool_id = "github-main"
  project                   = "acme-ci"
}

resource "google_iam_workload_identity_pool_provider" "github_main" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.github_main.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  project                            = "acme-ci"
  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
  }
  attribute_condition = "assertion.repository == 'acme/infra' && assertion.ref == 'refs/heads/main'"
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account" "deployer" {
  account_id = "deployer"
  project    = "acme-ci"
}

resource "google_service_account" "releaser" {
  account_id = "releaser"
  project    = "acme-ci"
}

resource "google_project_iam_member" "deployer" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.deployer.member
}

resource "google_project_iam_member" "releaser" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.releaser.member
}

resource "google_service_account_iam_member" "deployer_wif" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/github/attribute.repository/acme/infra"
}

resource "google_service_account_iam_member" "releaser_wif" {
  service_account_id = google_service_account.releaser.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/github-main/attribute.repository/acme/infra"
}
