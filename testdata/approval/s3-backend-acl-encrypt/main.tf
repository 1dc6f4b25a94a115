# Positive for SOD205 on the backend block itself (the bucket is not in the scanned code).
#
# Proves (Terraform S3 backend schema: `acl` "Canned ACL to be applied to the state file",
# `encrypt` "Whether to enable server side encryption of the state file", `kms_key_id`):
# acl = "public-read" makes every state object the backend writes readable by anyone, and
# encrypt = false without kms_key_id asks for no encryption with a managed key. Both are the
# backend's own settings, so they are judged even though the bucket's settings are not.
terraform {
  backend "s3" {
    bucket       = "acme-elsewhere-tfstate"
    key          = "terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
    encrypt      = false
    acl          = "public-read"
  }
}
