# SOD111 on GCP only for a role bound on a container (IAM "Resource hierarchy" and "Policy
# inheritance"): a binding on an organization, folder or project reaches every resource inside
# it; a binding on one resource (here a service account, through
# google_service_account_iam_member / _binding) grants the role on that resource only.
#   - roles/owner on the project (user:root@): every permission on every resource of the
#     project: SOD111 (positive).
#   - roles/owner on the service account deployer (user:dev@ additive, user:ops@
#     authoritative): every permission on that one service account, nothing on the project's
#     other resources: no SOD111 (negatives). On that account they can both change it
#     (iam.serviceAccounts.update/delete/setIamPolicy) and act as it (actAs,
#     getAccessToken): SOD102, which is what they hold.

resource "google_project_iam_member" "owner" {
  project = "acme-prod"
  role    = "roles/owner"
  member  = "user:root@example.com"
}

resource "google_service_account" "deployer" {
  project    = "acme-prod"
  account_id = "deployer"
}

resource "google_service_account_iam_member" "dev_owns_deployer" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/owner"
  member             = "user:dev@example.com"
}

resource "google_service_account_iam_binding" "ops_own_deployer" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/owner"
  members            = ["user:ops@example.com"]
}
