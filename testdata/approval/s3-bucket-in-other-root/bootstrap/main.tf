# The bootstrap root module: creates the shared state bucket (its own state is local).
resource "aws_s3_bucket" "tfstate" {
  bucket = "acme-shared-tfstate"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "tfstate" {
  bucket = aws_s3_bucket.tfstate.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "arn:aws:kms:eu-central-1:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666"
    }
  }
}
