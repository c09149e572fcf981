# The POS's OAuth2 client: the "Blink POS" client of Blink's OAuth2 guide (https://dev.blink.sv/api/oauth2,
# hydra_oauth2_client.galoy_pay), every attribute as the guide writes it but one. The guide's redirect URIs are
# "https://${host}/api/auth/callback/blink" for each host; here they are "<url>/api/auth/callback/blink" for each
# whole base URL, so that the example also runs on http://localhost (NextAuth's callback for the provider id
# "blink"). examples/terraform/blink-guide.tf holds the guide's resource verbatim.
#   npx lightgate clients apply examples/pos/client.tf --secrets-out pos-client.json
#   npx lightgate clients apply examples/pos/client.tf --var pos_url=https://pos.example.com --secrets-out pos-client.json
# The same file works with OpenTofu/Terraform and the svrakitin/hydra provider against a real Hydra.

variable "pos_url" {
  type    = string
  default = "http://localhost:3005"
}

locals {
  galoy_pay_urls = [var.pos_url]
}

resource "hydra_oauth2_client" "galoy_pay" {
  client_name                = "Blink POS"
  grant_types                = ["authorization_code"]
  response_types             = ["code", "id_token"]
  token_endpoint_auth_method = "client_secret_basic"
  scopes                     = ["read"]
  redirect_uris              = [for url in local.galoy_pay_urls : "${url}/api/auth/callback/blink"]
  skip_consent               = true
}
