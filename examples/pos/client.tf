# The POS's OAuth2 client, as Blink registers third-party apps: the authorization code flow for a confidential
# (server-side) client, asking for "read". NextAuth's callback for the provider id "blink" is the redirect URI.
#   npx lightgate clients apply examples/pos/client.tf --secrets-out pos-client.json
#   npx lightgate clients apply examples/pos/client.tf --var pos_url=https://pos.example.com --secrets-out pos-client.json
# The same file works with Terraform and the ory/hydra provider against a real Hydra.

variable "pos_url" {
  type    = string
  default = "http://localhost:3005"
}

resource "hydra_oauth2_client" "pos" {
  client_name                = "Lightgate POS"
  client_uri                 = var.pos_url
  grant_types                = ["authorization_code", "refresh_token"]
  response_types             = ["code"]
  token_endpoint_auth_method = "client_secret_basic"
  # "offline_access" lets the POS ask for a refresh token (Blink's guide asks for "read" alone).
  scopes                     = ["read", "offline_access"]
  redirect_uris              = ["${var.pos_url}/api/auth/callback/blink"]
  post_logout_redirect_uris  = [var.pos_url]
}
