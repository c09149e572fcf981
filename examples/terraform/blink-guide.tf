# The two OAuth2 clients of Blink's OAuth2 guide (https://dev.blink.sv/api/oauth2, "Configuration Examples"):
# the two resources below are copied exactly as the guide writes them. The guide leaves out the `locals` they
# read; the block here supplies them, from two variables, for this instance's own hosts.
#   npx lightgate clients plan  examples/terraform/blink-guide.tf
#   npx lightgate clients apply examples/terraform/blink-guide.tf --secrets-out secrets.json \
#     --var dashboard_url=https://dashboard.example.com --var 'galoy_pay_hosts=["pay.example.com"]'
# The same file works unchanged with OpenTofu/Terraform and the svrakitin/hydra provider, against a real Hydra
# or Lightgate's admin API (docs/hydra-compatibility.md).

terraform {
  required_providers {
    hydra = {
      source = "svrakitin/hydra"
    }
  }
}

provider "hydra" {
  endpoint = "http://127.0.0.1:4445"
}

# Where the API dashboard runs; NextAuth's callback for the provider id "blink" is the redirect URI.
variable "dashboard_url" {
  type    = string
  default = "https://dashboard.example.com"
}

# The hosts the Blink POS is served on (the guide's redirect URIs are https://<host>/api/auth/callback/blink).
variable "galoy_pay_hosts" {
  type    = list(string)
  default = ["pay.example.com"]
}

locals {
  api_dashboard_hydra_redirect_uri = "${var.dashboard_url}/api/auth/callback/blink"
  galoy_pay_hosts                  = var.galoy_pay_hosts
}

resource "hydra_oauth2_client" "api_dashboard" {
  client_name                = "Blink Api Dashboard"
  grant_types                = ["authorization_code"]
  response_types             = ["code", "id_token"]
  token_endpoint_auth_method = "client_secret_basic"
  scopes                     = ["read", "write"]
  redirect_uris              = [local.api_dashboard_hydra_redirect_uri]
  skip_consent               = true
}

resource "hydra_oauth2_client" "galoy_pay" {
  client_name                = "Blink POS"
  grant_types                = ["authorization_code"]
  response_types             = ["code", "id_token"]
  token_endpoint_auth_method = "client_secret_basic"
  scopes                     = ["read"]
  redirect_uris              = [for host in local.galoy_pay_hosts : "https://${host}/api/auth/callback/blink"]
  skip_consent               = true
}
