# Negative for SOD201-SOD205 on a gcs backend.
#
# Proves: `versioning { enabled = true }`, public_access_prevention = "enforced" and a
# customer-managed default key (encryption.default_kms_key_name) on the bucket, one member
# with object write permissions (the deploy service account), and a backend whose
# `credentials` is a path to a key file that is not in the repository (Terraform's gcs
# backend reads a path or the JSON itself: a path outside the tree puts no secret in the
# code) are all quiet.
terraform {
  backend "gcs" {
    bucket      = "acme-gcs-guarded-tfstate"
    prefix      = "prod"
    credentials = "/var/run/secrets/tf-deployer.json"
  }
}

resource "google_storage_bucket" "state" {
  name                        = "acme-gcs-guarded-tfstate"
  project                     = "acme-platform"
  location                    = "EU"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  encryption {
    default_kms_key_name = "projects/acme-platform/locations/eu/keyRings/state/cryptoKeys/tfstate"
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

resource "google_storage_bucket_iam_member" "auditors" {
  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectViewer"
  member = "group:auditors@acme.example"
}
