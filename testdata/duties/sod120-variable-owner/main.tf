# SOD120 with an organisation the code does not state (`var.org`), on AWS and Azure.
#
# Proves: a token subject whose owner is a variable still pins what its literal suffix pins.
# GitHub's `sub` is `repo:OWNER/REPO:ref:REF` (GitHub docs, "About security hardening with
# OpenID Connect": example subject claims) and a Git ref holds no `:` (git check-ref-format),
# so `repo:${var.org}/infra:ref:refs/heads/main` admits only main, whatever the owner is;
# HCP Terraform's `organization:ORG:project:P:workspace:W:run_phase:PHASE` ends with the phase.
#   - the AWS role and the Azure identity `main_only` trust only main: quiet.
#   - `tfc_apply` trusts HCP Terraform apply runs of workspace `prod`: quiet.
#   - `any_ref` trusts `repo:${var.org}/infra:*`: any branch, tag or pull request: flagged.
#   - `unknown_ref` (AWS) and the Azure identity `any_ref` trust `repo:acme/infra:ref:${var.ref}`:
#     what it pins is unknown: flagged.
variable "org" {
  type = string
}

variable "ref" {
  type = string
}

resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

resource "aws_iam_openid_connect_provider" "tfc" {
  url             = "https://app.terraform.io"
  client_id_list  = ["aws.workload.identity"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

locals {
  write_s3 = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:PutObject", "s3:DeleteObject"], Resource = "arn:aws:s3:::acme-artifacts/*" }] })
}

resource "aws_iam_role" "main_only" {
  name = "main-only"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:${var.org}/infra:ref:refs/heads/main" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "tfc_apply" {
  name = "tfc-apply"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.tfc.arn }
      Condition = { StringLike = { "app.terraform.io:sub" = "organization:${var.org}:project:infra:workspace:prod:run_phase:apply" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "any_ref" {
  name = "any-ref"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:${var.org}/infra:*" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

resource "aws_iam_role" "unknown_ref" {
  name = "unknown-ref"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:acme/infra:ref:${var.ref}" } }
    }]
  })
  inline_policy {
    name   = "write"
    policy = local.write_s3
  }
}

# --- Azure: federated identity credentials with the same subjects

resource "azurerm_resource_group" "rg" {
  name     = "ci"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "main_only" {
  name                = "main-only"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_user_assigned_identity" "any_ref" {
  name                = "any-ref"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
}

resource "azurerm_federated_identity_credential" "main_only" {
  name                = "github-main"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.main_only.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:${var.org}/infra:ref:refs/heads/main"
}

resource "azurerm_federated_identity_credential" "any_ref" {
  name                = "github-ref"
  resource_group_name = azurerm_resource_group.rg.name
  parent_id           = azurerm_user_assigned_identity.any_ref.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:acme/infra:ref:${var.ref}"
}

resource "azurerm_role_definition" "storage_writer" {
  name  = "storage-writer"
  scope = azurerm_resource_group.rg.id
  permissions {
    actions = ["Microsoft.Storage/storageAccounts/write", "Microsoft.Storage/storageAccounts/read"]
  }
}

resource "azurerm_role_assignment" "main_only" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.main_only.principal_id
}

resource "azurerm_role_assignment" "any_ref" {
  scope              = azurerm_resource_group.rg.id
  role_definition_id = azurerm_role_definition.storage_writer.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.any_ref.principal_id
}
