# Positive for SOD201 and SOD205 (critical) with the legacy inline blocks of aws_s3_bucket.
#
# Proves: inline `versioning { enabled = false }` is not versioning; the legacy canned
# `acl = "public-read"` makes the state readable by everyone when no public access block
# ignores public ACLs (S3 "Blocking public access": ignore_public_acls / block_public_acls);
# and with no public access block at all the bucket is not closed to the public.
terraform {
  backend "s3" {
    bucket       = "acme-open-tfstate"
    key          = "terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-open-tfstate"
  acl    = "public-read"

  versioning {
    enabled = false
  }
}
