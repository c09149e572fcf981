// The portal signs people in with Lightgate itself, as an OAuth client created at first start.
//
// Why a confidential client (and not a public one): the portal runs on a server and can keep a secret,
// so it authenticates at the token endpoint like any web backend (RFC 9700 section 2.5: client
// authentication where possible) and still uses PKCE, state and nonce. The secret is generated at
// first start, kept sealed with SECRETS_SYSTEM in portal_settings (first writer wins across processes),
// and set on the client through the admin port, which stores only its hash.
import { generateSecret } from '../../shared/secret-hash.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { OAuth2Client } from '../../hydra-port/types.ts';
import { putSettingOnce } from '../services/portal-store.ts';
import { upstream, type PortalContext, type PortalError } from './context.ts';

export const PORTAL_CLIENT_ID = 'lightgate-portal';
export const PORTAL_SCOPE = 'openid read write';
export const BACKCHANNEL_LOGOUT_PATH = '/auth/backchannel-logout';
const SECRET_SETTING = 'portal_client_secret';

export interface PortalClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export function portalClientBody(portalUrl: string, secret: string): Partial<OAuth2Client> {
  return {
    client_id: PORTAL_CLIENT_ID,
    client_name: 'Lightgate developer portal',
    client_secret: secret,
    client_uri: portalUrl,
    redirect_uris: [`${portalUrl}/auth/callback`],
    post_logout_redirect_uris: [`${portalUrl}/`],
    // Issue 19 #7: Lightgate tells the portal when a sign-in session ends (OIDC Back-Channel Logout 1.0),
    // naming the session (sid) whose portal sessions end.
    backchannel_logout_uri: `${portalUrl}${BACKCHANNEL_LOGOUT_PATH}`,
    backchannel_logout_session_required: true,
    // Signing out of the portal is already a confirmed, CSRF-checked POST; the auth server still asks
    // unless the request carries a valid id_token_hint for the signed-in person (issue 19 #6).
    skip_logout_consent: true,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    scope: PORTAL_SCOPE,
    token_endpoint_auth_method: 'client_secret_basic',
    skip_consent: true,
    metadata: { lightgate_portal: true },
  };
}

/** Idempotent: creates the client, or brings an existing one back to these fields and this secret. */
export async function ensurePortalClient(ctx: PortalContext): Promise<Result<PortalClient, PortalError>> {
  const sealed = await putSettingOnce(ctx.db, SECRET_SETTING, ctx.box.seal(generateSecret(32)));
  const secret = ctx.box.open(sealed);
  if (!secret) return err({ code: 'UPSTREAM', problem: { is: 'portalSecret' } });
  const body = portalClientBody(ctx.config.urls.portal, secret);
  const existing = await ctx.admin.getClient(PORTAL_CLIENT_ID);
  if (!existing.ok && existing.error.status !== 404) return err(upstream('register', existing.error));
  let saved = existing.ok ? await ctx.admin.replaceClient(PORTAL_CLIENT_ID, body) : await ctx.admin.createClient(body);
  // Another process created it between our read and write.
  if (!saved.ok && saved.error.status === 409) saved = await ctx.admin.replaceClient(PORTAL_CLIENT_ID, body);
  if (!saved.ok) return err(upstream('register', saved.error));
  return ok({ clientId: PORTAL_CLIENT_ID, clientSecret: secret, redirectUri: `${ctx.config.urls.portal}/auth/callback` });
}
