# SOD110 on GCP: a member that may change an allow policy where it holds that right grants
# itself roles/owner there (Google Cloud IAM: "Access control for organizations/folders/
# projects with IAM", https://cloud.google.com/resource-manager/docs/access-control-org;
# roles/iam.securityAdmin "permissions to get and set any IAM policy",
# https://cloud.google.com/iam/docs/roles-permissions/iam). Bindings on an organization,
# folder or project reach everything below them (IAM "policy inheritance").
#
# Positives (catalog path in the comment above each):
# - terraform: roles/iam.securityAdmin on the organization, as Google's bootstrap module grants
#   its Terraform service account (gcp-set-organization-iam-policy);
# - org_admin: roles/resourcemanager.organizationAdmin on the organization;
# - user:folders@example.com: roles/resourcemanager.folderIamAdmin on a folder;
# - project_iam: roles/resourcemanager.projectIamAdmin on the project;
# - role_editor: roles/iam.roleAdmin on the project that defines the custom role `deployer`
#   bound to it: it adds any permission to its own role (gcp-update-own-custom-role,
#   https://cloud.google.com/iam/docs/creating-custom-roles#editing_an_existing_custom_role).
#
# Negatives:
# - role_author: roles/iam.roleAdmin but no custom role bound to it: editing roles changes
#   nothing it holds (creating one needs setIamPolicy to bind it);
# - sa_scoped: projectIamAdmin granted on one service account (a resource-level policy) holds
#   resourcemanager.projects.setIamPolicy on nothing: a resource's policy reaches that
#   resource only, and a service account is not a project.

# path: gcp-set-organization-iam-policy
resource "google_service_account" "terraform" {
  project    = "seed-prj"
  account_id = "terraform"
}

# path: gcp-set-organization-iam-policy
resource "google_service_account" "org_admin" {
  project    = "seed-prj"
  account_id = "org-admin"
}

# path: gcp-set-project-iam-policy
resource "google_service_account" "project_iam" {
  project    = "acme-prod"
  account_id = "project-iam"
}

# path: gcp-update-own-custom-role
resource "google_service_account" "role_editor" {
  project    = "acme-prod"
  account_id = "role-editor"
}

resource "google_service_account" "role_author" {
  project    = "acme-prod"
  account_id = "role-author"
}

resource "google_service_account" "sa_scoped" {
  project    = "acme-prod"
  account_id = "sa-scoped"
}

resource "google_organization_iam_member" "terraform_security_admin" {
  org_id = "123456789012"
  role   = "roles/iam.securityAdmin"
  member = "serviceAccount:${google_service_account.terraform.email}"
}

resource "google_organization_iam_member" "org_admin" {
  org_id = "123456789012"
  role   = "roles/resourcemanager.organizationAdmin"
  member = google_service_account.org_admin.member
}

# path: gcp-set-folder-iam-policy
resource "google_folder_iam_member" "folder_iam_admin" {
  folder = "folders/4567"
  role   = "roles/resourcemanager.folderIamAdmin"
  member = "user:folders@example.com"
}

resource "google_project_iam_member" "project_iam_admin" {
  project = "acme-prod"
  role    = "roles/resourcemanager.projectIamAdmin"
  member  = "serviceAccount:${google_service_account.project_iam.email}"
}

resource "google_project_iam_custom_role" "deployer" {
  project     = "acme-prod"
  role_id     = "deployer"
  title       = "Deployer"
  permissions = ["storage.buckets.create", "storage.buckets.get"]
}

resource "google_project_iam_member" "role_editor_admin" {
  project = "acme-prod"
  role    = "roles/iam.roleAdmin"
  member  = "serviceAccount:${google_service_account.role_editor.email}"
}

resource "google_project_iam_member" "role_editor_deployer" {
  project = "acme-prod"
  role    = google_project_iam_custom_role.deployer.id
  member  = "serviceAccount:${google_service_account.role_editor.email}"
}

resource "google_project_iam_member" "role_author_admin" {
  project = "acme-prod"
  role    = "roles/iam.roleAdmin"
  member  = "serviceAccount:${google_service_account.role_author.email}"
}

resource "google_service_account_iam_member" "sa_scoped_project_iam" {
  service_account_id = google_service_account.role_author.name
  role               = "roles/resourcemanager.projectIamAdmin"
  member             = "serviceAccount:${google_service_account.sa_scoped.email}"
}
