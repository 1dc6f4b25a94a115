# Positive for SOD202 and SOD204 on the http backend.
#
# Proves (Terraform http backend schema): without lock_address the http backend does not lock
# state; its basic-auth `password` is a credential in the code. The consul root module
# (consul/) turns its native lock off with `lock = false` (the consul backend locks unless
# told not to) and passes an ACL token: SOD202 and SOD204 there as well, anchored on
# terraform.backend.consul at that module's block.
terraform {
  backend "http" {
    address  = "https://state.acme.example/terraform/app"
    username = "terraform"
    password = "not-a-real-password"
  }
}
