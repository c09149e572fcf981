// Hydra client (as stored) → oidc-provider client metadata.
import { WALLET_SPEND_TYPE } from '../../shared/wallet-spend/spend-detail.ts';
import { effectiveGrantTypes, effectiveResponseTypes, type StoredClient } from '../domain/client.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * RFC 8252 section 7.3: for native apps on a loopback redirect only the port may vary. oidc-provider grants that to
 * `application_type: native`, so public clients whose redirect URIs fit a native app are registered as native.
 * A confidential client with a custom-scheme redirect must be native too (web clients take only http(s) URIs),
 * but it keeps exact matching: patches.ts (issue 11 #5).
 */
function applicationType(client: StoredClient['client']): 'web' | 'native' {
  if (client.token_endpoint_auth_method !== 'none') {
    return client.redirect_uris.some((u) => !/^https?:/i.test(u)) ? 'native' : 'web';
  }
  const fitsNative = client.redirect_uris.every((uri) => {
    const parsed = URL.parse(uri);
    if (!parsed) return false;
    if (parsed.protocol === 'http:') return LOOPBACK_HOSTS.has(parsed.hostname);
    if (parsed.protocol === 'https:') return !LOOPBACK_HOSTS.has(parsed.hostname);
    return true;
  });
  return fitsNative && client.redirect_uris.some((u) => !u.startsWith('https:')) ? 'native' : 'web';
}

export function toProviderMetadata(stored: StoredClient): Record<string, unknown> {
  const client = { ...stored.client, grant_types: effectiveGrantTypes(stored.client), response_types: effectiveResponseTypes(stored.client) };
  return {
    client_id: client.client_id,
    ...(stored.secretHash ? { client_secret: stored.secretHash } : {}),
    client_name: client.client_name || undefined,
    // Only the authorization code flow is offered: an "id_token" response type registered for Hydra is ignored.
    response_types: client.grant_types.includes('authorization_code') && client.response_types.some((r) => r.split(' ').includes('code')) ? ['code'] : [],
    grant_types: client.grant_types.filter((g) => g === 'authorization_code' || g === 'refresh_token' || g === 'client_credentials' || g === 'urn:ietf:params:oauth:grant-type:device_code'),
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    // A client without the code flow (client_credentials only) needs no redirect URI.
    redirect_uris: client.grant_types.includes('authorization_code') ? client.redirect_uris : [],
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    scope: client.scope,
    application_type: applicationType(client),
    // Hydra always puts auth_time in ID tokens: done by the openid scope's claims (configuration.ts), not by
    // require_auth_time, which would refuse requests without openid (Blink's guide asks for scope "read" alone).
    ...(client.logo_uri ? { logo_uri: client.logo_uri } : {}),
    ...(client.policy_uri ? { policy_uri: client.policy_uri } : {}),
    ...(client.tos_uri ? { tos_uri: client.tos_uri } : {}),
    ...(client.client_uri ? { client_uri: client.client_uri } : {}),
    // OIDC Back-Channel Logout 1.0: oidc-provider POSTs a logout token there when the session ends.
    ...(client.backchannel_logout_uri ? { backchannel_logout_uri: client.backchannel_logout_uri, backchannel_logout_session_required: client.backchannel_logout_session_required ?? false } : {}),
    // Issue 16: only when set (oidc-provider knows these fields only with DPoP / PAR enabled).
    ...(client.dpop_bound_access_tokens ? { dpop_bound_access_tokens: true } : {}),
    ...(client.require_pushed_authorization_requests ? { require_pushed_authorization_requests: true } : {}),
    // Issue 15: every client may ask a spending budget (RFC 9396); rich-authorization.ts checks scope and maximum.
    authorization_details_types: [WALLET_SPEND_TYPE],
  };
}
