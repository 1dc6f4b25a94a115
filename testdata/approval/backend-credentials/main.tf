# Positive for SOD204: credentials written into backend configurations.
#
# Proves: the S3 backend's access_key/secret_key (its schema: "AWS access key", "AWS secret
# key") and a terraform_remote_state data source whose remote backend config carries a token
# put usable secrets into the code. The finding names the arguments, never their values.
# The second root module (network/) authenticates to its azurerm backend with Entra ID and
# names no secret: no finding there.
terraform {
  backend "s3" {
    bucket       = "acme-creds-tfstate"
    key          = "app/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
    access_key   = "AKIAEXAMPLEEXAMPLE00"
    secret_key   = "not-a-real-secret-key-but-shaped-like-one000"
  }
}

data "terraform_remote_state" "shared" {
  backend = "remote"
  config = {
    organization = "acme"
    token        = "not-a-real-hcp-terraform-token.atlasv1.0000000000"
    workspaces = {
      name = "shared"
    }
  }
}

data "terraform_remote_state" "network" {
  backend = "s3"
  config = {
    bucket = "acme-creds-tfstate"
    key    = "network/terraform.tfstate"
    region = "eu-west-1"
  }
}
