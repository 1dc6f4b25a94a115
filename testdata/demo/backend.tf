# State for production lives in S3. Planted: no `use_lockfile` and no `dynamodb_table`
# (concurrent applies can corrupt state), and the bucket in state.tf has no versioning.
terraform {
  required_version = ">= 1.10"

  backend "s3" {
    bucket = "acme-prod-tfstate"
    key    = "prod/terraform.tfstate"
    region = "eu-west-1"
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    github = {
      source  = "integrations/github"
      version = "~> 6.0"
    }
    tfe = {
      source  = "hashicorp/tfe"
      version = "~> 0.60"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "account_id" {
  type    = string
  default = "111122223333"
}

variable "github_repository" {
  type    = string
  default = "acme/platform"
}
