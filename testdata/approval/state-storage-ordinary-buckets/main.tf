# Negative (SOD201, SOD205): buckets that are not state storage, and state storage that is
# protected, when no backend block names any of them.
#
# Proves:
#   - aws_s3_bucket.assets is an ordinary bucket (no versioning, SSE-S3): nothing pairs it
#     with a lock table (the table beside it has hash key "id", not LockID) and nothing in its
#     names says Terraform state: not judged as state storage;
#   - aws_s3_bucket.tfstate_logs is named for Terraform state but for its access logs: a log
#     bucket holds logs, not state, and is not taken for state storage;
#   - google_storage_bucket.terraform_state is state storage (its name) with versioning on,
#     public access prevention enforced and a default KMS key (Cloud Storage "Object
#     Versioning", "Public access prevention", "Customer-managed encryption keys"): quiet.

resource "aws_s3_bucket" "assets" {
  bucket = "acme-web-assets"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_dynamodb_table" "sessions" {
  name         = "acme-web-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_s3_bucket" "tfstate_logs" {
  bucket = "acme-tfstate-logs"
}

resource "google_storage_bucket" "terraform_state" {
  name                     = "acme-terraform-state"
  project                  = "acme-platform"
  location                 = "EU"
  public_access_prevention = "enforced"
  versioning {
    enabled = true
  }
  encryption {
    default_kms_key_name = "projects/acme-platform/locations/eu/keyRings/state/cryptoKeys/state"
  }
}
