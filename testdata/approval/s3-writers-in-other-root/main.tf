# Positive for SOD203 where the state writers are defined in another root module, and both
# roots declare the same `random_id.suffix` and `data.aws_region.current` (two different
# resources in two different states, sharing only their addresses).
#
# Proves: an identity policy that allows s3:PutObject on the state object's ARN makes its role
# a state writer (S3 User Guide, "Policy and permissions in Amazon S3"; with no bucket policy,
# the identity policy alone decides within the account, IAM "Policy evaluation logic"). The
# roles of iam/ (a separate root module, not called from here) may write this root's state:
# two writers, more than the default one allowed. Sharing addresses that identify nothing a rule
# judges (a random value, the provider's region) must not set the roots apart: judged apart,
# this backend would be judged without the roles of iam/, and no writer would be found.
terraform {
  backend "s3" {
    bucket       = "acme-app-state"
    key          = "app/terraform.tfstate"
    region       = "eu-central-1"
    use_lockfile = true
    encrypt      = true
  }
}

data "aws_region" "current" {}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs-${data.aws_region.current.name}-${random_id.suffix.hex}"
}
