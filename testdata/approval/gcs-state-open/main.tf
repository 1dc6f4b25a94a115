# Positive for SOD201, SOD203 and SOD205 on a gcs backend.
#
# Proves (Cloud Storage docs: object versioning, IAM roles, public access prevention):
# a bucket with `versioning { enabled = false }` keeps no noncurrent versions of the state;
# besides the deploy service account (roles/storage.objectAdmin), the developers group holds
# roles/storage.objectCreator (storage.objects.create) on the bucket, so two members can write
# the state objects under prefix "prod/"; allUsers holds roles/storage.objectViewer and
# public_access_prevention is not "enforced", so the state is public; no customer-managed
# key encrypts it. The gcs backend locks natively (no SOD202) and holds no credentials.
terraform {
  backend "gcs" {
    bucket = "acme-gcs-tfstate"
    prefix = "prod"
  }
}

resource "google_storage_bucket" "state" {
  name     = "acme-gcs-tfstate"
  project  = "acme-platform"
  location = "EU"

  versioning {
    enabled = false
  }
}

resource "google_service_account" "deployer" {
  project    = "acme-platform"
  account_id = "tf-deployer"
}

resource "google_storage_bucket_iam_member" "deployer" {
  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:${google_service_account.deployer.email}"
}

resource "google_storage_bucket_iam_member" "developers" {
  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectCreator"
  member = "group:developers@acme.example"
}

resource "google_storage_bucket_iam_member" "public" {
  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}
