# Positive for SOD201 and SOD205 where the state bucket lives in another root module.
#
# Proves: the backend of this root module (the application) is matched, by the bucket's
# literal name, to the aws_s3_bucket that a separate bootstrap root module (bootstrap/, not
# called from here) defines. The bucket's own settings are judged there and the findings
# are anchored on the bucket (module_dir bootstrap/), naming this backend: no versioning and
# no public access block. The backend itself locks and carries no credentials.
terraform {
  backend "s3" {
    bucket       = "acme-shared-tfstate"
    key          = "app/terraform.tfstate"
    region       = "eu-central-1"
    use_lockfile = true
    encrypt      = true
  }
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
