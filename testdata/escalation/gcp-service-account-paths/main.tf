# SOD110 on GCP through service accounts: whoever can mint credentials for, or run code as, a
# service account that is more privileged than itself holds that account's power (Google Cloud
# IAM, "Roles for service account authentication",
# https://cloud.google.com/iam/docs/service-account-permissions: Token Creator creates access
# tokens and signs JWTs/blobs, Key Admin creates keys, Service Account User with a way to run
# code "can indirectly access all the resources that the service account has access to";
# delegation chains: https://cloud.google.com/iam/docs/create-short-lived-credentials-delegated).
# "More privileged": a full administrator, or an account with an escalation path of its own
# (DESIGN.md: escalation is about power, not difference).
#
# `admin` holds roles/owner on acme-prod (SOD111); `app` only reads objects (a peer).
#
# Positives:
# - user:tokens@example.com: Token Creator on `admin` (gcp-get-access-token);
# - user:keys@example.com: Service Account Key Admin on `admin` (gcp-create-service-account-key);
# - ci: Service Account User on the whole project (acts as every account of acme-prod, `admin`
#   included) and Compute Instance Admin: starts a VM as `admin` (gcp-act-as-compute-instance);
# - middle: Token Creator on `admin`; user:chain@example.com holds only implicitDelegation on
#   `middle` (a custom role): it mints tokens for `admin` through `middle` (gcp-implicit-delegation).
#
# Negatives:
# - user:peer@example.com: Token Creator on `app` only: `app` is no stronger (lateral access);
# - user:actor@example.com: Service Account User on the project but no way to run code there;
# - loop_a and loop_b: token creators on each other only (see below).

resource "google_service_account" "admin" {
  project    = "acme-prod"
  account_id = "admin"
}

resource "google_service_account" "app" {
  project    = "acme-prod"
  account_id = "app"
}

# path: gcp-act-as-compute-instance
resource "google_service_account" "ci" {
  project    = "acme-prod"
  account_id = "ci"
}

resource "google_service_account" "middle" {
  project    = "acme-prod"
  account_id = "middle"
}

resource "google_project_iam_member" "admin_owner" {
  project = "acme-prod"
  role    = "roles/owner"
  member  = "serviceAccount:${google_service_account.admin.email}"
}

resource "google_project_iam_member" "app_reader" {
  project = "acme-prod"
  role    = "roles/storage.objectViewer"
  member  = "serviceAccount:${google_service_account.app.email}"
}

# path: gcp-get-access-token
resource "google_service_account_iam_member" "tokens_on_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "user:tokens@example.com"
}

# path: gcp-create-service-account-key
resource "google_service_account_iam_member" "keys_on_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountKeyAdmin"
  member             = "user:keys@example.com"
}

resource "google_project_iam_member" "ci_sa_user" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountUser"
  member  = "serviceAccount:${google_service_account.ci.email}"
}

resource "google_project_iam_member" "ci_instances" {
  project = "acme-prod"
  role    = "roles/compute.instanceAdmin.v1"
  member  = "serviceAccount:${google_service_account.ci.email}"
}

resource "google_service_account_iam_member" "middle_on_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.middle.email}"
}

resource "google_project_iam_custom_role" "delegator" {
  project     = "acme-prod"
  role_id     = "delegator"
  title       = "Delegator"
  permissions = ["iam.serviceAccounts.implicitDelegation"]
}

# path: gcp-implicit-delegation
resource "google_service_account_iam_member" "chain_on_middle" {
  service_account_id = google_service_account.middle.name
  role               = google_project_iam_custom_role.delegator.id
  member             = "user:chain@example.com"
}

resource "google_service_account_iam_member" "peer_on_app" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "user:peer@example.com"
}

resource "google_project_iam_member" "actor_sa_user" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountUser"
  member  = "user:actor@example.com"
}

# More positives, one per remaining path: each member holds the permission on `admin` alone
# (a binding on the account), plus, for the actAs paths, a project role that runs code there
# (Cloud Functions Developer, Cloud Run Admin, Cloud Build Editor, Deployment Manager Editor).

# path: gcp-set-service-account-iam-policy
resource "google_service_account_iam_member" "sa_admin_on_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountAdmin"
  member             = "user:sa-admin@example.com"
}

resource "google_project_iam_custom_role" "jwt_signer" {
  project     = "acme-prod"
  role_id     = "jwtSigner"
  title       = "JWT signer"
  permissions = ["iam.serviceAccounts.signJwt"]
}

# path: gcp-sign-jwt
resource "google_service_account_iam_member" "jwt_on_admin" {
  service_account_id = google_service_account.admin.name
  role               = google_project_iam_custom_role.jwt_signer.id
  member             = "user:jwt@example.com"
}

resource "google_project_iam_custom_role" "blob_signer" {
  project     = "acme-prod"
  role_id     = "blobSigner"
  title       = "Blob signer"
  permissions = ["iam.serviceAccounts.signBlob"]
}

# path: gcp-sign-blob
resource "google_service_account_iam_member" "blob_on_admin" {
  service_account_id = google_service_account.admin.name
  role               = google_project_iam_custom_role.blob_signer.id
  member             = "user:blob@example.com"
}

# path: gcp-act-as-cloud-function
resource "google_service_account_iam_member" "functions_act_as_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountUser"
  member             = "user:functions@example.com"
}

resource "google_project_iam_member" "functions_runs_code" {
  project = "acme-prod"
  role    = "roles/cloudfunctions.developer"
  member  = "user:functions@example.com"
}

# path: gcp-act-as-cloud-run
resource "google_service_account_iam_member" "run_act_as_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountUser"
  member             = "user:run@example.com"
}

resource "google_project_iam_member" "run_runs_code" {
  project = "acme-prod"
  role    = "roles/run.admin"
  member  = "user:run@example.com"
}

# path: gcp-act-as-cloud-build
resource "google_service_account_iam_member" "build_act_as_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountUser"
  member             = "user:build@example.com"
}

resource "google_project_iam_member" "build_runs_code" {
  project = "acme-prod"
  role    = "roles/cloudbuild.builds.editor"
  member  = "user:build@example.com"
}

# path: gcp-act-as-deployment-manager
resource "google_service_account_iam_member" "dm_act_as_admin" {
  service_account_id = google_service_account.admin.name
  role               = "roles/iam.serviceAccountUser"
  member             = "user:dm@example.com"
}

resource "google_project_iam_member" "dm_runs_code" {
  project = "acme-prod"
  role    = "roles/deploymentmanager.editor"
  member  = "user:dm@example.com"
}
# Negative: `loop_a` and `loop_b` may mint tokens for each other and hold nothing else. Each
# reaches only a peer whose one path leads back to itself: no power is gained (lateral access),
# and judging the pair must not loop.
resource "google_service_account" "loop_a" {
  project    = "acme-prod"
  account_id = "loop-a"
}

resource "google_service_account" "loop_b" {
  project    = "acme-prod"
  account_id = "loop-b"
}

resource "google_service_account_iam_member" "a_on_b" {
  service_account_id = google_service_account.loop_b.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.loop_a.email}"
}

resource "google_service_account_iam_member" "b_on_a" {
  service_account_id = google_service_account.loop_a.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.loop_b.email}"
}
