# SOD101 on Google Cloud (CIS GCP 1.11: separation of duties for KMS roles), in the member,
# binding and authoritative policy forms, at several levels of the resource hierarchy.
#
# Proves:
#   - `ops` holds roles/cloudkms.admin on the key ring (member form) and
#     roles/cloudkms.cryptoKeyEncrypterDecrypter on the project (member form): a binding on a
#     project applies to every key in it, and CIS judges the member "at any level": flagged.
#   - `user:alice@example.com` gets cloudkms.admin through google_project_iam_binding and
#     Decrypter on one key through google_kms_crypto_key_iam_binding: flagged.
#   - `group:crypto@example.com` gets both through one authoritative google_project_iam_policy
#     (data "google_iam_policy"): flagged.
#   - `custom` holds a custom role with cloudkms.cryptoKeys.update and useToDecrypt: flagged
#     (duties are permissions, so custom roles count).
#   - `app` holds Encrypter and Decrypter (two use roles): quiet. `auditor` holds
#     cloudkms.admin only: quiet. `viewer` holds cloudkms.viewer: quiet.
resource "google_service_account" "ops" {
  account_id = "ops"
  project    = "acme-sec"
}

resource "google_service_account" "app" {
  account_id = "app"
  project    = "acme-sec"
}

resource "google_service_account" "auditor" {
  account_id = "auditor"
  project    = "acme-sec"
}

resource "google_service_account" "custom" {
  account_id = "custom-keys"
  project    = "acme-sec"
}

resource "google_kms_key_ring" "ring" {
  name     = "data"
  location = "europe-west1"
  project  = "acme-sec"
}

resource "google_kms_crypto_key" "data" {
  name     = "data"
  key_ring = google_kms_key_ring.ring.id
}

resource "google_kms_key_ring_iam_member" "ops_admin" {
  key_ring_id = google_kms_key_ring.ring.id
  role        = "roles/cloudkms.admin"
  member      = "serviceAccount:${google_service_account.ops.email}"
}

resource "google_project_iam_member" "ops_use" {
  project = "acme-sec"
  role    = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member  = google_service_account.ops.member
}

resource "google_project_iam_binding" "kms_admins" {
  project = "acme-sec"
  role    = "roles/cloudkms.admin"
  members = ["user:alice@example.com", "serviceAccount:${google_service_account.auditor.email}"]
}

resource "google_kms_crypto_key_iam_binding" "decrypters" {
  crypto_key_id = google_kms_crypto_key.data.id
  role          = "roles/cloudkms.cryptoKeyDecrypter"
  members       = ["user:alice@example.com", "serviceAccount:${google_service_account.app.email}"]
}

resource "google_kms_crypto_key_iam_member" "app_encrypt" {
  crypto_key_id = google_kms_crypto_key.data.id
  role          = "roles/cloudkms.cryptoKeyEncrypter"
  member        = "serviceAccount:${google_service_account.app.email}"
}

resource "google_kms_crypto_key_iam_member" "viewer" {
  crypto_key_id = google_kms_crypto_key.data.id
  role          = "roles/cloudkms.viewer"
  member        = "user:viewer@example.com"
}

data "google_iam_policy" "keys" {
  binding {
    role    = "roles/cloudkms.admin"
    members = ["group:crypto@example.com"]
  }
  binding {
    role    = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    members = ["group:crypto@example.com"]
  }
}

resource "google_project_iam_policy" "keys" {
  project     = "acme-keys"
  policy_data = data.google_iam_policy.keys.policy_data
}

resource "google_project_iam_custom_role" "key_rotator" {
  project     = "acme-sec"
  role_id     = "keyRotator"
  title       = "Key rotator"
  permissions = ["cloudkms.cryptoKeys.update", "cloudkms.cryptoKeyVersions.useToDecrypt"]
}

resource "google_project_iam_member" "custom" {
  project = "acme-sec"
  role    = google_project_iam_custom_role.key_rotator.id
  member  = "serviceAccount:${google_service_account.custom.email}"
}
