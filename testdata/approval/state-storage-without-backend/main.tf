# Positive (SOD201, SOD205): state storage that no backend block of the scan names, judged
# as state storage because of what it is (a module that creates state storage for others).
#
# Proves:
#   - module.backend.aws_s3_bucket.primary (state-backend/) is the only bucket of a module
#     that also creates a DynamoDB table whose hash key is LockID, the table the S3 backend
#     locks state in (Terraform "Backend Type: s3", dynamodb_table: "a
#     partition key named LockID with type of String"). It is versioned and closed to the
#     public but encrypted by default with SSE-S3 (AES256), not a customer-managed KMS key
#     (Amazon S3 "Setting default server-side encryption behavior"): SOD205 only;
#   - google_storage_bucket.state is named for Terraform state (acme-tfstate): versioning is
#     off (Cloud Storage "Object Versioning": without it an overwrite or delete keeps no
#     noncurrent version), public access prevention is not enforced and no default KMS key
#     is set: SOD201 and SOD205;
#   - azurerm_storage_account.state holds a container named tfstate: no customer-managed key,
#     and allow_nested_items_to_be_public is left at the provider default (true): SOD205;
#     soft delete is on (delete_retention_policy), so no SOD201;
#   - aws_s3_bucket.shared is read as state by a terraform_remote_state data source, and
#     aws_s3_bucket.generated is named in the backend configuration (use_lockfile) that
#     local_file.backend writes for another root module: both hold state. Neither is
#     versioned, closed by a public access block or encrypted with a KMS key: SOD201, SOD205.

module "backend" {
  source = "./state-backend"
}

resource "google_storage_bucket" "state" {
  name     = "acme-tfstate"
  project  = "acme-platform"
  location = "EU"
}

resource "azurerm_storage_account" "state" {
  name                     = "acmeplatformstore"
  resource_group_name      = "platform"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  blob_properties {
    delete_retention_policy {
      days = 30
    }
  }
}

resource "azurerm_storage_container" "tfstate" {
  name                 = "tfstate"
  storage_account_name = azurerm_storage_account.state.name
}

resource "aws_s3_bucket" "shared" {
  bucket = "acme-shared-store"
}

data "terraform_remote_state" "network" {
  backend = "s3"
  config = {
    bucket = "acme-shared-store"
    key    = "network/terraform.tfstate"
    region = "eu-west-1"
  }
}

resource "aws_s3_bucket" "generated" {
  bucket = "acme-generated-store"
}

resource "local_file" "backend" {
  filename = "${path.module}/app/backend.tf"
  content  = <<-EOT
    terraform {
      backend "s3" {
        bucket       = "${aws_s3_bucket.generated.id}"
        key          = "app/terraform.tfstate"
        use_lockfile = true
      }
    }
  EOT
}
