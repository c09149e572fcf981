// Every prototype override of oidc-provider in Lightgate, in one place. Each replaces a method the
// Configuration cannot reach, was checked against oidc-provider 9.13.3 (the installed version, see
// node_modules/oidc-provider/package.json), and must be checked again on every upgrade:
// - Client.prototype.compareClientSecret   lib/models/client.js
// - Client.prototype.includeSid            lib/models/client.js
// - Client.prototype.redirectUriAllowed    lib/models/client.js (and postLogoutRedirectUriAllowed)
// - Session.prototype.ensureClientContainer lib/models/session.js
// - Session.prototype.loginAccount         lib/models/session.js
// - Session.prototype.save                 lib/models/session.js
// - Session.get (static)                   lib/models/session.js
// Changes of Koa's request are not overrides of oidc-provider: hydra-compat.ts (a logout verifier turned into
// end_session's confirmation) is middleware, and request-origin.ts pins the origin on the Koa app's own request
// prototype.
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { verifySecret } from '../../shared/secret-hash.ts';
import type { ClientAuthThrottle } from './client-auth-throttle.ts';
import { tooManyFailures } from './error-map.ts';
import { deviceXsrf } from './device-verification.ts';
import { replacingRow } from './replaced-rows.ts';
import { HYDRA_ROUTES } from './routes.ts';

type ClientProto = {
  compareClientSecret(this: { clientId: string; clientSecret: string }, actual: string): Promise<boolean>;
  includeSid(): boolean;
  redirectUriAllowed(this: RedirectClient, value: string): boolean;
  postLogoutRedirectUriAllowed(this: RedirectClient, value: string): boolean;
};

type RedirectClient = { clientAuthMethod: string; redirectUris?: string[]; postLogoutRedirectUris?: string[] };

type SessionProto = {
  uid: string;
  oldId?: string;
  adapter: { destroy(id: string): Promise<void> };
  save(ttl: number): Promise<unknown>;
  new?: boolean;
  accountId?: string;
  transient?: boolean;
  sidFor(clientId: string, value?: string): string | undefined;
  ensureClientContainer(clientId: string): void;
  loginAccount(details: Record<string, unknown>): void;
};

/** The hashes of a client's rotated secrets still in their grace period (issue 17 #5). */
export type RotatedSecrets = (clientId: string) => Promise<string[]>;

export function applyPatches(provider: Provider, { throttle, rotatedSecrets }: { throttle: ClientAuthThrottle; rotatedSecrets?: RotatedSecrets }): void {
  const client = (provider.Client as unknown as { prototype: ClientProto }).prototype;
  const session = (provider.Session as unknown as { prototype: SessionProto }).prototype;

  // Why: client secrets are stored hashed (oidc-provider compares plain values), so compare hashes.
  // Issue 11 #4: the right secret is always accepted, whatever others sent (generated secrets are 256-bit:
  // online guessing is hopeless); wrong ones are counted per client and address, and past the limit that
  // address gets 429 for its wrong tries (client-auth-throttle.ts).
  client.compareClientSecret = async function compareClientSecret(actual: string) {
    if (verifySecret(actual, this.clientSecret)) return true;
    // Issue 17 #5: a rotated secret works until its grace ends (Hydra's zero-downtime rotation). Asked only
    // when the current secret did not match, so the usual request pays nothing.
    if (rotatedSecrets && (await rotatedSecrets(this.clientId)).some((hash) => verifySecret(actual, hash))) return true;
    const ctx = Provider.ctx;
    // An outage while counting is not a reason to refuse with 429: the wrong secret is refused anyway.
    const retryAfter = await throttle.recordFailure(this.clientId, ctx?.ip ?? '').catch(() => 0);
    if (retryAfter > 0) {
      if (ctx) ctx.state.retryAfter = retryAfter;
      throw tooManyFailures();
    }
    return false;
  };

  // Why: RFC 8252 section 7.3 (any loopback port) is for public native apps. oidc-provider grants it to every
  // `application_type: native` client, and a confidential client with a custom-scheme redirect must be
  // native to register that URI (client-metadata.ts). Confidential clients get exact matching (issue 11 #5).
  const redirectUriAllowed = client.redirectUriAllowed;
  client.redirectUriAllowed = function exactUnlessPublic(this: RedirectClient, value: string) {
    if (this.clientAuthMethod !== 'none') return (this.redirectUris ?? []).includes(value);
    return redirectUriAllowed.call(this, value);
  };
  const postLogoutRedirectUriAllowed = client.postLogoutRedirectUriAllowed;
  client.postLogoutRedirectUriAllowed = function exactUnlessPublic(this: RedirectClient, value: string) {
    if (this.clientAuthMethod !== 'none') return (this.postLogoutRedirectUris ?? []).includes(value);
    return postLogoutRedirectUriAllowed.call(this, value);
  };

  // Why: Hydra puts the login session's sid in every ID token (OIDC Front/Back-Channel Logout use it);
  // oidc-provider only does for clients with backchannel_logout_session_required.
  client.includeSid = () => true;

  // Why: Hydra's device verifier (device-verification.ts) confirms a user code the login app accepted, as if
  // oidc-provider's own user-code form had been posted in this browser; that form's xsrf value lives in the
  // session (lib/shared/xsrf.js), so the session of exactly that request gets the value the step chose.
  const Session = provider.Session as unknown as { get(this: unknown, ctx: KoaContextWithOIDC): Promise<{ state?: unknown }> };
  const getSession = Session.get;
  Session.get = async function withDeviceXsrf(this: unknown, ctx: KoaContextWithOIDC) {
    const found = await getSession.call(this, ctx);
    const xsrf = deviceXsrf(ctx);
    if (xsrf && ctx.path === HYDRA_ROUTES.code_verification && ctx.method === 'POST') found.state = { secret: xsrf };
    return found;
  };

  // Why: Hydra's sid is the login session id (the login request's session_id), the same for every client;
  // oidc-provider makes a random sid per client.
  session.ensureClientContainer = function ensureClientContainer(clientId: string) {
    if (!this.sidFor(clientId)) this.sidFor(clientId, this.uid);
  };

  // Why: Hydra's login session on oidc-provider's Session model.
  // - No session row exists before a login is accepted (issue 19 #16): the login request's session_id is a
  //   fresh id that becomes the session's id only when the login verifier is used in the browser that
  //   started the flow (verifier-step.ts puts it on ctx.state), so the ID token's sid still equals it.
  // - oidc-provider only ever sets `transient` (remember=false, issue 19 #10); a remembered login after a
  //   transient one must clear it.
  const loginAccount = session.loginAccount;
  session.loginAccount = function adoptLoginSessionId(this: SessionProto, details: Record<string, unknown>) {
    const sessionId = (Provider.ctx?.state as { lgSessionId?: unknown } | undefined)?.lgSessionId;
    if (this.new && !this.accountId && typeof sessionId === 'string' && sessionId) this.uid = sessionId;
    if (!details.transient && this.transient) this.transient = false;
    return loginAccount.call(this, details);
  };

  // Why (issue 18): after resetIdentifier() (every login and consent resume) save() deletes the old row, then
  // writes the new one; the delete now goes in the write's statement (replaced-rows.ts), one round trip fewer.
  const save = session.save;
  session.save = function saveReplacing(this: SessionProto, ttl: number) {
    const oldId = this.oldId;
    if (!oldId) return save.call(this, ttl);
    return replacingRow('Session', oldId, () => save.call(this, ttl), () => this.adapter.destroy(oldId));
  };
}
