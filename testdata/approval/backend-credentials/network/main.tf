# A second root module: Entra ID authentication, no secret in the backend block.
terraform {
  backend "azurerm" {
    storage_account_name = "acmenetworkstate"
    container_name       = "tfstate"
    key                  = "network.tfstate"
    use_azuread_auth     = true
    use_oidc             = true
  }
}
