# The CLI example's OAuth2 client: a native app (RFC 8252), so a public client with PKCE and a loopback
# redirect. The server lets only the port vary, so the CLI may listen on any free port. `--device` signs a
# terminal in with the device authorization grant (RFC 8628) instead: no redirect at all.
#   npx lightgate clients apply examples/cli/client.tf
resource "hydra_oauth2_client" "cli" {
  client_name                = "Lightgate CLI example"
  grant_types                = ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"]
  response_types             = ["code"]
  token_endpoint_auth_method = "none"
  scopes                     = ["read", "offline_access"]
  redirect_uris              = ["http://127.0.0.1/callback"]
}
