# Positive (SOD301) and negative (SOD303): Vault KV v2 readers through policies.
#
# Proves: (Vault "Policies" concept page, KV v2 API) a KV v2 value is read at
# <mount>/data/<path> with the read capability; `+` matches one path segment, a trailing `*`
# any suffix; of the matching rules the most specific one applies, so a deny on the exact
# path beats a broader read. The secret is kv/data/app/db.
# - kubernetes role app (policy app: kv/data/app/*): reader.
# - jwt role ci (policy ci: kv/data/+/db): reader.
# - GitHub team platform (policy platform: kv/*): reader; the whole kv mount, but no other
#   mount: not every secret (no SOD303; see vault-read-all).
# - approle ops (policy ops: kv/data/* read, kv/data/app/db deny): not a reader.
# - LDAP group auditors (policy audit: kv/metadata/* read): metadata only, not a reader.

resource "vault_mount" "kv" {
  path = "kv"
  type = "kv"
  options = {
    version = "2"
  }
}

resource "vault_kv_secret_v2" "db" {
  mount = vault_mount.kv.path
  name  = "app/db"
  data_json = jsonencode({
    password = "change-me"
  })
}

resource "vault_policy" "app" {
  name   = "app"
  policy = <<-EOT
    path "kv/data/app/*" {
      capabilities = ["read"]
    }
  EOT
}

resource "vault_policy" "ci" {
  name   = "ci"
  policy = <<-EOT
    path "kv/data/+/db" {
      capabilities = ["read", "list"]
    }
  EOT
}

resource "vault_policy" "platform" {
  name   = "platform"
  policy = <<-EOT
    path "kv/*" {
      capabilities = ["create", "read", "update", "list"]
    }
  EOT
}

resource "vault_policy" "ops" {
  name   = "ops"
  policy = <<-EOT
    path "kv/data/*" {
      capabilities = ["read"]
    }
    path "kv/data/app/db" {
      capabilities = ["deny"]
    }
  EOT
}

resource "vault_policy" "audit" {
  name   = "audit"
  policy = <<-EOT
    path "kv/metadata/*" {
      capabilities = ["read", "list"]
    }
  EOT
}

resource "vault_kubernetes_auth_backend_role" "app" {
  backend                          = "kubernetes"
  role_name                        = "app"
  bound_service_account_names      = ["app"]
  bound_service_account_namespaces = ["prod"]
  token_policies                   = [vault_policy.app.name]
}

resource "vault_jwt_auth_backend_role" "ci" {
  backend        = "jwt"
  role_name      = "ci"
  role_type      = "jwt"
  user_claim     = "sub"
  token_policies = ["ci"]
}

resource "vault_github_team" "platform" {
  backend  = "github"
  team     = "platform"
  policies = [vault_policy.platform.name]
}

resource "vault_approle_auth_backend_role" "ops" {
  role_name      = "ops"
  token_policies = [vault_policy.ops.name]
}

resource "vault_ldap_auth_backend_group" "auditors" {
  groupname = "auditors"
  policies  = [vault_policy.audit.name]
}
