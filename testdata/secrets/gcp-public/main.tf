# Positive (SOD302): a secret readable by every authenticated Google account.
#
# Proves: allAuthenticatedUsers is "a special identifier that represents all service accounts
# and all users on the internet who have authenticated with a Google Account" (IAM overview,
# principal identifiers). Granting it secretAccessor on the secret lets anyone with a Google
# account read the payload: SOD302, critical.

resource "google_secret_manager_secret" "api_key" {
  project   = "acme-prod"
  secret_id = "api-key"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "everyone" {
  project   = "acme-prod"
  secret_id = google_secret_manager_secret.api_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "allAuthenticatedUsers"
}
