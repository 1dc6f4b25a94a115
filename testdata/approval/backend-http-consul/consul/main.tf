terraform {
  backend "consul" {
    address      = "consul.acme.example:8500"
    path         = "terraform/app"
    lock         = false
    access_token = "00000000-0000-0000-0000-not-a-real-acl"
  }
}
