# Proves: a reader whose identity the code does not state is an explicit unknown, never a name made
# of expression text. The secret db is read by the service account app (secretAccessor bound
# on the secret) and, possibly, by members the code cannot evaluate:
#   - `extra`: for_each over var.bindings (no default), so each.value is unknown;
#   - `by_key`: members looked up in a zipmap whose keys hold an unknown email
#     (var.ci_email), so the map, and member and role read from it, are unknown.
# Unknown means possible (DESIGN.md): each is one possible reader named after the binding
# that grants it, "(unknown member of ADDRESS)". Three readers: SOD301 (positive).

variable "bindings" {
  type = map(object({ role = string, member = string }))
}

variable "ci_email" {
  type = string
}

locals {
  grants = [{ role = "roles/secretmanager.secretAccessor", member = "serviceAccount:${var.ci_email}" }]
  by_key = zipmap([for g in local.grants : "${g.role}--${g.member}"], local.grants)
}

resource "google_service_account" "app" {
  project    = "acme-prod"
  account_id = "app"
}

resource "google_secret_manager_secret" "db" {
  project   = "acme-prod"
  secret_id = "db-password"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "app" {
  secret_id = google_secret_manager_secret.db.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.app.email}"
}

resource "google_secret_manager_secret_iam_member" "extra" {
  for_each  = var.bindings
  secret_id = google_secret_manager_secret.db.id
  role      = each.value.role
  member    = each.value.member
}

resource "google_secret_manager_secret_iam_member" "by_key" {
  for_each  = toset([for g in local.grants : "${g.role}--${g.member}"])
  secret_id = google_secret_manager_secret.db.id
  role      = local.by_key[each.key].role
  member    = local.by_key[each.key].member
}
