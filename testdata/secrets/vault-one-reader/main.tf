# Negative (SOD301): a Vault secret read by one auth role; a generic secret path.
#
# Proves: (Vault "Policies") capabilities are granted per path and only read returns a
# value; a token holds the union of its policies' rules, the most specific matching rule
# deciding. The kubernetes role app reads secret/data/billing/stripe (policy billing).
# The approle deployer may only create and update there (write-only: no read), and the token
# role support has a policy for another path: neither reads it. One reader.

resource "vault_generic_secret" "stripe" {
  path = "secret/billing/stripe"
  data_json = jsonencode({
    api_key = "change-me"
  })
}

data "vault_policy_document" "billing" {
  rule {
    path         = "secret/data/billing/*"
    capabilities = ["read"]
  }
}

resource "vault_policy" "billing" {
  name   = "billing"
  policy = data.vault_policy_document.billing.hcl
}

resource "vault_policy" "deployer" {
  name   = "deployer"
  policy = <<-EOT
    # write-only: deployments rotate the key, they never read it
    path "secret/data/billing/*" {
      capabilities = ["create", "update"]
    }
  EOT
}

resource "vault_policy" "support" {
  name   = "support"
  policy = <<-EOT
    path "secret/data/support/*" {
      capabilities = ["read"]
    }
  EOT
}

resource "vault_kubernetes_auth_backend_role" "app" {
  role_name                        = "billing"
  bound_service_account_names      = ["billing"]
  bound_service_account_namespaces = ["prod"]
  token_policies                   = [vault_policy.billing.name]
}

resource "vault_approle_auth_backend_role" "deployer" {
  role_name      = "deployer"
  token_policies = [vault_policy.deployer.name]
}

resource "vault_token_auth_backend_role" "support" {
  role_name        = "support"
  allowed_policies = [vault_policy.support.name]
}
