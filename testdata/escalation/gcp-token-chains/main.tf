# SOD110 through chains of service accounts (Google Cloud IAM, "Roles for service account
# authentication": Token Creator on an account mints its access tokens, so holding it on an
# account that can itself mint tokens for an administrator reaches the administrator in two
# calls, and so on down the chain).
#
# Positives: hop1 -> hop2 -> hop3 -> hop4 -> hop5 -> admin (roles/owner, SOD111): each of hop1..hop5
# mints tokens for the next, so every one of them reaches `admin`, however long the chain.
# Negatives: peer1 -> peer2 -> peer3: the chain ends at an account that only reads objects;
# none of them gains power (lateral access, DESIGN.md "Escalation is about power").

resource "google_service_account" "admin" {
  project    = "acme-prod"
  account_id = "admin"
}

resource "google_project_iam_member" "admin_owner" {
  project = "acme-prod"
  role    = "roles/owner"
  member  = "serviceAccount:${google_service_account.admin.email}"
}

resource "google_service_account" "peer3" {
  project    = "acme-prod"
  account_id = "peer3"
}

resource "google_project_iam_member" "peer3_reader" {
  project = "acme-prod"
  role    = "roles/storage.objectViewer"
  member  = "serviceAccount:${google_service_account.peer3.email}"
}

resource "google_service_account" "hop1" {
  project    = "acme-prod"
  account_id = "hop1"
}

resource "google_service_account" "hop2" {
  project    = "acme-prod"
  account_id = "hop2"
}

resource "google_service_account" "hop3" {
  project    = "acme-prod"
  account_id = "hop3"
}

resource "google_service_account" "hop4" {
  project    = "acme-prod"
  account_id = "hop4"
}

resource "google_service_account" "hop5" {
  project    = "acme-prod"
  account_id = "hop5"
}

resource "google_service_account_iam_member" "hop1_on_hop2" {
  service_account_id = google_service_account.hop2.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.hop1.email}"
}

resource "google_service_account_iam_member" "hop2_on_hop3" {
  service_account_id = google_service_account.hop3.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.hop2.email}"
}

resource "google_service_account_iam_member" "hop3_on_hop4" {
  service_account_id = google_service_account.hop4.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.hop3.email}"
}

resource "google_service_account_iam_member" "hop4_on_hop5" {
  service_account_id = google_service_account.hop5.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.hop4.email}"
}

resource "google_service_account_iam_member" "hop5_on_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.hop5.email}"
}

resource "google_service_account" "peer1" {
  project    = "acme-prod"
  account_id = "peer1"
}

resource "google_service_account" "peer2" {
  project    = "acme-prod"
  account_id = "peer2"
}

resource "google_service_account_iam_member" "peer1_on_peer2" {
  service_account_id = google_service_account.peer2.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.peer1.email}"
}

resource "google_service_account_iam_member" "peer2_on_peer3" {
  service_account_id = google_service_account.peer3.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.peer2.email}"
}
