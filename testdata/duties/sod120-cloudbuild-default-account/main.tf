# SOD120 for Cloud Build triggers without `service_account`. Cloud Build docs "Default Cloud
# Build service account" and "Cloud Build default service account change": a build runs as the
# project's default Cloud Build account, the legacy PROJECT_NUMBER@cloudbuild.gserviceaccount.com
# or, where the project's or organisation's settings make it the default (projects that started
# using Cloud Build after the 2024 change), the Compute Engine default service account
# PROJECT_NUMBER-compute@developer.gserviceaccount.com. Which one the code does not say, so each
# is possibly the trigger's identity, with what the code grants it.
#
# Proves:
#   - `pull_requests` (project acme-ci, no service_account) builds every pull request. The code
#     grants storage.admin on acme-prod to acme-ci's legacy Cloud Build account and to acme-ci's
#     Compute Engine default account (by number and through data
#     "google_compute_default_service_account"): all three flagged as possible, anchored on the
#     grant that names them.
#   - acme-other's legacy account (storage.admin too) is another project's default account: no
#     trigger of acme-other runs unreviewed code, and pull_requests is not in acme-other: quiet.
#   - `main_only` (project acme-release, no service_account) runs pushes to `^main$` only: the
#     release project's legacy account (storage.admin) is quiet.
data "google_project" "ci" {
  project_id = "acme-ci"
}

data "google_project" "release" {
  project_id = "acme-release"
}

resource "google_project" "other" {
  project_id = "acme-other"
  name       = "acme-other"
}

data "google_compute_default_service_account" "ci" {
  project = "acme-ci"
}

resource "google_project_iam_member" "ci_legacy" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = "serviceAccount:${data.google_project.ci.number}@cloudbuild.gserviceaccount.com"
}

resource "google_project_iam_member" "ci_compute" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = "serviceAccount:${data.google_project.ci.number}-compute@developer.gserviceaccount.com"
}

resource "google_project_iam_member" "ci_compute_data" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = data.google_compute_default_service_account.ci.member
}

resource "google_project_iam_member" "other_legacy" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = "serviceAccount:${google_project.other.number}@cloudbuild.gserviceaccount.com"
}

resource "google_project_iam_member" "release_legacy" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = "serviceAccount:${data.google_project.release.number}@cloudbuild.gserviceaccount.com"
}

resource "google_cloudbuild_trigger" "pull_requests" {
  name     = "pull-requests"
  project  = "acme-ci"
  filename = "cloudbuild.yaml"
  github {
    owner = "acme"
    name  = "infra"
    pull_request {
      branch = ".*"
    }
  }
}

resource "google_cloudbuild_trigger" "main_only" {
  name     = "main-only"
  project  = data.google_project.release.project_id
  filename = "cloudbuild.yaml"
  github {
    owner = "acme"
    name  = "infra"
    push {
      branch = "^main$"
    }
  }
}
