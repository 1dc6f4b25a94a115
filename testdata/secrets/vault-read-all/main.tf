# Proves: (SOD303 on Vault) who reads every secret (Vault "Policies": a path is a prefix glob, `*`
# only at the end, `+` exactly one segment; the most specific matching rule applies, deny
# wins on it). Every secret means every mount: a rule whose first segment is a wildcard.
# A rule under one mount or prefix grants nothing outside it, as a Key Vault role on one
# vault reads that vault only: such readers count in each secret's reader set (SOD301).
# Secrets: kv/data/app/db (KV v2 mount kv) and team/ci/token (KV v1 mount team).
# - LDAP group security, `path "*"` read: every secret at any mount: SOD303 (positive).
# - approle kv2_everywhere, `path "+/data/*"` read: every KV v2 mount, but not the KV v1
#   secret team/ci/token: not every secret (negative).
# - approle one_mount, `path "kv/*"` read: the whole kv mount only (negative).
# - approle app_prefix, `path "kv/data/app/*"` read: one prefix only (negative).
# - approle all_but_team, `path "*"` read and `path "team/*"` deny: not team's secrets
#   (negative).
# SOD301: kv/data/app/db is read by all five (positive); team/ci/token by security
# only (negative).

resource "vault_mount" "kv" {
  path    = "kv"
  type    = "kv"
  options = { version = "2" }
}

resource "vault_mount" "team" {
  path    = "team"
  type    = "kv"
  options = { version = "1" }
}

resource "vault_kv_secret_v2" "db" {
  mount     = vault_mount.kv.path
  name      = "app/db"
  data_json = jsonencode({ password = "change-me" })
}

resource "vault_kv_secret" "token" {
  path      = "${vault_mount.team.path}/ci/token"
  data_json = jsonencode({ token = "change-me" })
}

resource "vault_policy" "all" {
  name   = "read-all"
  policy = <<-EOT
    path "*" {
      capabilities = ["read", "list"]
    }
  EOT
}

resource "vault_policy" "kv2_everywhere" {
  name   = "kv2-everywhere"
  policy = <<-EOT
    path "+/data/*" {
      capabilities = ["read"]
    }
  EOT
}

resource "vault_policy" "one_mount" {
  name   = "one-mount"
  policy = <<-EOT
    path "kv/*" {
      capabilities = ["read", "list"]
    }
  EOT
}

resource "vault_policy" "app_prefix" {
  name   = "app-prefix"
  policy = <<-EOT
    path "kv/data/app/*" {
      capabilities = ["read"]
    }
  EOT
}

resource "vault_policy" "all_but_team" {
  name   = "all-but-team"
  policy = <<-EOT
    path "*" {
      capabilities = ["read"]
    }
    path "team/*" {
      capabilities = ["deny"]
    }
  EOT
}

resource "vault_ldap_auth_backend_group" "security" {
  groupname = "security"
  policies  = [vault_policy.all.name]
}

resource "vault_approle_auth_backend_role" "kv2_everywhere" {
  role_name      = "kv2-everywhere"
  token_policies = [vault_policy.kv2_everywhere.name]
}

resource "vault_approle_auth_backend_role" "one_mount" {
  role_name      = "one-mount"
  token_policies = [vault_policy.one_mount.name]
}

resource "vault_approle_auth_backend_role" "app_prefix" {
  role_name      = "app-prefix"
  token_policies = [vault_policy.app_prefix.name]
}

resource "vault_approle_auth_backend_role" "all_but_team" {
  role_name      = "all-but-team"
  token_policies = [vault_policy.all_but_team.name]
}
