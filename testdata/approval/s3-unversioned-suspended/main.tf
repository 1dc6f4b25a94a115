# Positive for SOD201 and SOD205 with the split S3 resources of AWS provider v4+.
#
# Proves: aws_s3_bucket_versioning with status "Suspended" is not versioning (S3 stops
# keeping new versions: an overwrite of the state object replaces it); a public access block
# with restrict_public_buckets = false leaves the bucket open to a public policy; and
# SSE-S3 (sse_algorithm "AES256") is not a customer-managed key, while the backend sets no
# kms_key_id either. The backend itself locks (use_lockfile) and holds no credentials.
terraform {
  backend "s3" {
    bucket       = "acme-suspended-tfstate"
    key          = "app/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-suspended-tfstate"
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = false
}
