# The two OAuth2 clients of Blink's API guide, as `lightgate clients apply` reads them:
#   npx lightgate clients plan  examples/terraform/blink-guide.tf --var app_url=https://app.example.com
#   npx lightgate clients apply examples/terraform/blink-guide.tf --var app_url=https://app.example.com --secrets-out secrets.json
# The same file works with Terraform and the ory/hydra provider against a real Hydra.

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

variable "app_url" {
  type    = string
  default = "http://localhost:3000"
}

locals {
  scopes    = ["read", "write"]
  callbacks = distinct([var.app_url, "http://localhost:3000"])
}

# A third-party app: authorization code flow with refresh tokens, asking for consent.
resource "hydra_oauth2_client" "example" {
  client_name                = "Example App"
  grant_types                = ["authorization_code", "refresh_token"]
  response_types             = ["code", "id_token"]
  token_endpoint_auth_method = "client_secret_post"
  scopes                     = local.scopes
  redirect_uris              = [for u in local.callbacks : "${u}/api/auth/callback/blink"]
}

# A first-party dashboard: same flow, consent skipped.
resource "hydra_oauth2_client" "dashboard" {
  client_name                = "API Dashboard"
  grant_types                = ["authorization_code", "refresh_token"]
  response_types             = ["code", "id_token"]
  token_endpoint_auth_method = "client_secret_post"
  scopes                     = concat(local.scopes, ["receive"])
  redirect_uris              = ["${var.app_url}/dashboard/callback"]
  skip_consent               = true
}
