# SOD120 for Cloud Build triggers (Cloud Build docs "Create and manage build triggers", REST
# projects.triggers: a trigger runs the repository's build config as its `service_account`;
# `push.branch` is an RE2 regex over the branch name; `pull_request` triggers build the pull
# request's code; `approval_config.approval_required` holds each build for an approver).
#
# Proves:
#   - `pr_builder` (storage admin on the production project) runs every pull request's code:
#     flagged.
#   - `branch_builder` runs on pushes to any branch matching `.*` (feature branches): flagged.
#   - `main_builder` runs only on pushes to `^main$` (reviewed by default): quiet.
#   - `gated_builder` runs pull requests, but each build waits for an approver: quiet.
#   - `lookalike_builder` runs on `main` unanchored, which also matches `feature/main-fix`:
#     flagged.
resource "google_service_account" "pr_builder" {
  account_id = "pr-builder"
  project    = "acme-ci"
}

resource "google_service_account" "branch_builder" {
  account_id = "branch-builder"
  project    = "acme-ci"
}

resource "google_service_account" "main_builder" {
  account_id = "main-builder"
  project    = "acme-ci"
}

resource "google_service_account" "gated_builder" {
  account_id = "gated-builder"
  project    = "acme-ci"
}

resource "google_service_account" "lookalike_builder" {
  account_id = "lookalike-builder"
  project    = "acme-ci"
}

resource "google_project_iam_member" "pr_builder" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.pr_builder.member
}

resource "google_project_iam_member" "branch_builder" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.branch_builder.member
}

resource "google_project_iam_member" "main_builder" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.main_builder.member
}

resource "google_project_iam_member" "gated_builder" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.gated_builder.member
}

resource "google_project_iam_member" "lookalike_builder" {
  project = "acme-prod"
  role    = "roles/storage.admin"
  member  = google_service_account.lookalike_builder.member
}

resource "google_cloudbuild_trigger" "pull_requests" {
  name            = "pull-requests"
  project         = "acme-ci"
  filename        = "cloudbuild.yaml"
  service_account = google_service_account.pr_builder.id
  github {
    owner = "acme"
    name  = "infra"
    pull_request {
      branch = "^main$"
    }
  }
}

resource "google_cloudbuild_trigger" "any_branch" {
  name            = "any-branch"
  project         = "acme-ci"
  filename        = "cloudbuild.yaml"
  service_account = google_service_account.branch_builder.id
  github {
    owner = "acme"
    name  = "infra"
    push {
      branch = ".*"
    }
  }
}

resource "google_cloudbuild_trigger" "main" {
  name            = "main"
  project         = "acme-ci"
  filename        = "cloudbuild.yaml"
  service_account = google_service_account.main_builder.id
  github {
    owner = "acme"
    name  = "infra"
    push {
      branch = "^main$"
    }
  }
}

resource "google_cloudbuild_trigger" "gated" {
  name            = "gated"
  project         = "acme-ci"
  filename        = "cloudbuild.yaml"
  service_account = google_service_account.gated_builder.id
  github {
    owner = "acme"
    name  = "infra"
    pull_request {
      branch = ".*"
    }
  }
  approval_config {
    approval_required = true
  }
}

resource "google_cloudbuild_trigger" "lookalike" {
  name            = "lookalike"
  project         = "acme-ci"
  filename        = "cloudbuild.yaml"
  service_account = "projects/acme-ci/serviceAccounts/lookalike-builder@acme-ci.iam.gserviceaccount.com"
  trigger_template {
    repo_name   = "infra"
    branch_name = "main"
  }
}
