// The account's credentials and identity: API keys, username, two-step verification, logout. All but
// userLogout are first-party only (issue 11 #5, issue 19 #15).
import { createApiKey } from '../../api-keys/app/create-api-key.ts';
import { listApiKeys } from '../../api-keys/app/api-key-store.ts';
import { revokeApiKey } from '../../api-keys/app/revoke-api-key.ts';
import type { Scope } from '../scopes.ts';
import { IDENTITY_ERROR_MESSAGES, type IdentityError } from '../../identity/domain/errors.ts';
import type { UserId } from '../../shared/brand.ts';
import { updateUsername } from '../../wallet/app/update-username.ts';
import { accountOf, gqlError, requireScope, type ApiContext } from './context.ts';
import { apiKeyNode } from './nodes.ts';
import { failed, input, num, type Resolver } from './resolver-kit.ts';

/**
 * The account holder's own session, nothing else, whatever the scopes: a third-party app or an API key
 * must never mint, list or revoke credentials, change the second factor or set the permanent username
 * (issue 11 #5, issue 19 #15). Each could outlive the app's revocation, lock the user out or take over
 * the account's identity.
 */
function firstPartyPrincipal(ctx: ApiContext, scope: Scope, what: string) {
  const principal = requireScope(ctx, scope);
  if (principal.kind !== 'session') {
    throw gqlError(`${what} by the account holder in a first-party session (the wallet app or the developer portal)`, 'FIRST_PARTY_ONLY');
  }
  return principal;
}

async function firstPartyCaller(ctx: ApiContext, what = 'Two-step verification is changed') {
  const principal = firstPartyPrincipal(ctx, 'write', what);
  return { principal, account: await accountOf(ctx, principal) };
}

const identityFailure = (e: IdentityError) => failed({ code: e.code.toUpperCase(), message: IDENTITY_ERROR_MESSAGES[e.code] });

/** `me` after a change of the second factor: totpEnabled read again. */
function freshMe(ctx: ApiContext, c: Awaited<ReturnType<typeof firstPartyCaller>>) {
  delete ctx.memo.user;
  return { id: c.principal.userId, account: c.account };
}

/** User.apiKeys: the account holder's session only; a third-party app or a key must not see the user's keys. */
export const apiKeysOfUser: Resolver = async (user, _a, ctx) => {
  firstPartyPrincipal(ctx, 'read', 'API keys are listed');
  return (await listApiKeys(ctx.services.wallet.db, (user as { id: UserId }).id)).map(apiKeyNode);
};

export const identityMutations: Record<string, Resolver> = {
  userUpdateUsername: async (_r, args, ctx) => {
    // The username is permanent and is how others pay the account: not for an app to choose.
    const { principal, account } = await firstPartyCaller(ctx, 'The username is set');
    const result = await updateUsername(ctx.services.wallet.db, account.id, String(input(args).username));
    if (!result.ok) return { ...failed(result.error), user: null };
    return { errors: [], user: { id: principal.userId, account: { ...account, username: result.value } } };
  },
  apiKeyCreate: async (_r, args, ctx) => {
    // An API key outlives the credential that made it: a third-party app (or another key) could keep access after
    // the user revokes it. Only the account holder's own session mints keys.
    const { principal } = await firstPartyCaller(ctx, 'API keys are created');
    const i = input(args);
    const scopes = ((i.scopes as string[] | undefined) ?? ['READ', 'WRITE']).map((s) => s.toLowerCase() as Scope);
    const created = await createApiKey(ctx.services.wallet.db, {
      userId: principal.userId,
      name: String(i.name ?? ''),
      scopes,
      expireInDays: num(i.expireInDays) ?? null,
      callerScopes: principal.scopes,
    });
    if (!created.ok) throw gqlError(created.error.message, created.error.code);
    return { apiKey: apiKeyNode(created.value.apiKey), apiKeySecret: created.value.secret };
  },
  apiKeyRevoke: async (_r, args, ctx) => {
    const principal = firstPartyPrincipal(ctx, 'write', 'API keys are revoked');
    const revoked = await revokeApiKey(ctx.services.wallet.db, principal.userId, String(input(args).id));
    if (!revoked.ok) throw gqlError(revoked.error.message, revoked.error.code);
    return { apiKey: apiKeyNode(revoked.value) };
  },
  userTotpRegistrationInitiate: async (_r, _args, ctx) => {
    const c = await firstPartyCaller(ctx);
    const started = await ctx.services.identity.initiateTotp(c.principal.userId);
    if (!started.ok) return { ...identityFailure(started.error), totpRegistrationId: null, totpSecret: null };
    return { errors: [], totpRegistrationId: started.value.totpRegistrationId, totpSecret: started.value.totpSecret };
  },
  userTotpRegistrationValidate: async (_r, args, ctx) => {
    const c = await firstPartyCaller(ctx);
    const i = input(args);
    // Blink's optional input.authToken is not needed: the caller's session is the credential.
    const confirmed = await ctx.services.identity.confirmTotp({ userId: c.principal.userId, totpRegistrationId: i.totpRegistrationId, totpCode: i.totpCode });
    if (!confirmed.ok) return { ...identityFailure(confirmed.error), me: null };
    return { errors: [], me: freshMe(ctx, c) };
  },
  userTotpDelete: async (_r, _args, ctx) => {
    const c = await firstPartyCaller(ctx);
    // Blink's userTotpDelete takes no code: the session, which itself passed TOTP at sign-in, suffices.
    const deleted = await ctx.services.identity.disableTotp({ userId: c.principal.userId });
    if (!deleted.ok) return { ...identityFailure(deleted.error), me: null };
    return { errors: [], me: freshMe(ctx, c) };
  },
  userLogout: async (_r, _args, ctx) => {
    const principal = requireScope(ctx, 'write');
    // A first-party session ends here; OAuth grants are revoked at the auth server, API keys by apiKeyRevoke.
    if (principal.kind === 'session' && principal.sessionToken) await ctx.services.identity.logout(principal.sessionToken);
    return { errors: [], success: true };
  },
};
