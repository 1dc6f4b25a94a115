# Negative for SOD201 and SOD205 with the legacy inline blocks of aws_s3_bucket (AWS provider
# v3, still accepted and deprecated in v4+); positive for SOD202's deprecation notice.
#
# Proves: inline `versioning { enabled = true }` is versioning; inline
# `server_side_encryption_configuration` with sse_algorithm "aws:kms" and a
# kms_master_key_id is a customer-managed key; `acl = "private"` is not public; the account
# level aws_s3_account_public_access_block closes every bucket of the account. The backend
# locks with dynamodb_table, which current Terraform deprecates in favour of use_lockfile:
# SOD202 says so at low severity.
terraform {
  backend "s3" {
    bucket         = "acme-legacy-tfstate"
    key            = "core/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "terraform-locks"
  }
}

resource "aws_kms_key" "state" {
  description = "Terraform state"
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-legacy-tfstate"
  acl    = "private"

  versioning {
    enabled = true
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.state.arn
      }
    }
  }
}

resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
