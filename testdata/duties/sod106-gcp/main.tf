# SOD106 on Google Cloud: Cloud Identity group administration together with setIamPolicy.
#
# Per the Cloud Identity Groups API (memberships.create, MembershipRole) and Google Groups'
# roles: a group's OWNERs and MANAGERs add and remove its members; a MEMBER does not. An allow
# policy's setIamPolicy (here storage.buckets.setIamPolicy, held through roles/storage.admin on
# one bucket) decides which identities get access. The group's creator becomes its owner only
# with initial_group_config = "WITH_INITIAL_OWNER", and the creator is Terraform's own
# credential, which the code does not name: creating a group is not a holding of anyone here.
#
# Proves:
#   - `joiner` is MANAGER of `prod_admins` (its email by reference) and can change the
#     bucket's allow policy: flagged, evidence the membership and the bucket binding.
#   - `literal_owner` is OWNER of `prod_admins` (its email written out) and bucket admin: flagged.
#   - `group_owner` is OWNER of the group only: quiet (provisioning only).
#   - `bucket_admin` only changes the bucket's allow policy: quiet (assignment only).
#   - `plain_member` is a MEMBER of the group and bucket admin: quiet (a member adds no one).
#   - `project_joiner` is MANAGER and holds roles/resourcemanager.projectIamAdmin on the
#     project: it can grant itself anything there, so SOD110 reports it and SOD106 does not
#     repeat it (DESIGN.md, "Certain beats possible").
resource "google_cloud_identity_group" "prod_admins" {
  display_name         = "prod-admins"
  initial_group_config = "WITH_INITIAL_OWNER"
  parent               = "customers/C01abc234"
  group_key {
    id = "prod-admins@example.com"
  }
  labels = {
    "cloudidentity.googleapis.com/groups.discussion_forum" = ""
  }
}

resource "google_storage_bucket" "prod_data" {
  name     = "acme-prod-data"
  project  = "acme-prod"
  location = "EU"
}

resource "google_service_account" "joiner" {
  account_id = "joiner"
  project    = "acme-prod"
}

resource "google_cloud_identity_group_membership" "joiner" {
  group = google_cloud_identity_group.prod_admins.id
  preferred_member_key {
    id = google_service_account.joiner.email
  }
  roles {
    name = "MEMBER"
  }
  roles {
    name = "MANAGER"
  }
}

resource "google_storage_bucket_iam_member" "joiner" {
  bucket = google_storage_bucket.prod_data.name
  role   = "roles/storage.admin"
  member = "serviceAccount:${google_service_account.joiner.email}"
}

resource "google_service_account" "literal_owner" {
  account_id = "literal-owner"
  project    = "acme-prod"
}

resource "google_cloud_identity_group_membership" "literal_owner" {
  group = google_cloud_identity_group.prod_admins.id
  preferred_member_key {
    id = "literal-owner@acme-prod.iam.gserviceaccount.com"
  }
  roles {
    name = "MEMBER"
  }
  roles {
    name = "OWNER"
  }
}

resource "google_storage_bucket_iam_member" "literal_owner" {
  bucket = google_storage_bucket.prod_data.name
  role   = "roles/storage.admin"
  member = "serviceAccount:literal-owner@acme-prod.iam.gserviceaccount.com"
}

resource "google_service_account" "group_owner" {
  account_id = "group-owner"
  project    = "acme-prod"
}

resource "google_cloud_identity_group_membership" "group_owner" {
  group = google_cloud_identity_group.prod_admins.id
  preferred_member_key {
    id = google_service_account.group_owner.email
  }
  roles {
    name = "MEMBER"
  }
  roles {
    name = "OWNER"
  }
}

resource "google_service_account" "bucket_admin" {
  account_id = "bucket-admin"
  project    = "acme-prod"
}

resource "google_storage_bucket_iam_member" "bucket_admin" {
  bucket = google_storage_bucket.prod_data.name
  role   = "roles/storage.admin"
  member = "serviceAccount:${google_service_account.bucket_admin.email}"
}

resource "google_service_account" "plain_member" {
  account_id = "plain-member"
  project    = "acme-prod"
}

resource "google_cloud_identity_group_membership" "plain_member" {
  group = google_cloud_identity_group.prod_admins.id
  preferred_member_key {
    id = google_service_account.plain_member.email
  }
  roles {
    name = "MEMBER"
  }
}

resource "google_storage_bucket_iam_member" "plain_member" {
  bucket = google_storage_bucket.prod_data.name
  role   = "roles/storage.admin"
  member = "serviceAccount:${google_service_account.plain_member.email}"
}

resource "google_service_account" "project_joiner" {
  account_id = "project-joiner"
  project    = "acme-prod"
}

resource "google_cloud_identity_group_membership" "project_joiner" {
  group = google_cloud_identity_group.prod_admins.id
  preferred_member_key {
    id = google_service_account.project_joiner.email
  }
  roles {
    name = "MEMBER"
  }
  roles {
    name = "MANAGER"
  }
}

resource "google_project_iam_member" "project_joiner" {
  project = "acme-prod"
  role    = "roles/resourcemanager.projectIamAdmin"
  member  = "serviceAccount:${google_service_account.project_joiner.email}"
}
