// Hydra's flow on oidc-provider: every authorization request goes to the login app and then to the consent
// app (each may be skipped by the app when the request says `skip`). prompt=none never leaves the server:
// it succeeds only with a remembered login and a remembered consent covering the request (OIDC Core 3.1.2.1).
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import type { ConsentSessions } from './consent-sessions.ts';

/** Issue 15: the budget a request asks (its details, the client's default, the operator's), for prompt=none. */
export type RequestedBudgetOf = (ctx: KoaContextWithOIDC, scopes: readonly string[]) => Promise<WalletSpendDetail[]>;

const { Prompt, Check } = interactionPolicy;

/**
 * Whether a session may let a login request skip: only a remembered (non-transient) login (Hydra's `remember`).
 * A login accepted with remember=false gives a transient session (oidc-provider: a browser-session cookie): it
 * finishes the flow but never lets a later login request skip (issue 19 #10).
 */
export const rememberedLogin = (session: { accountId?: string; transient?: boolean } | undefined): boolean => Boolean(session?.accountId) && !session?.transient;

/** Whether the login request may be skipped: a live remembered session, no prompt=login, max_age satisfied. */
function loginSkippable(ctx: KoaContextWithOIDC): boolean {
  const { oidc } = ctx;
  if (!oidc.session || !rememberedLogin(oidc.session)) return false;
  if (originalPrompts(ctx).has('login')) return false;
  const maxAge = oidc.params?.max_age as number | string | undefined;
  if (maxAge !== undefined && oidc.session.past(Number(maxAge))) return false;
  return true;
}

/** The prompt values the client sent (before the server added `consent` for offline_access, see hydra-compat.ts). */
export function originalPrompts(ctx: KoaContextWithOIDC): Set<string> {
  const raw = ctx.oidc.params?.lg_prompt as string | undefined;
  if (raw !== undefined) return new Set(raw.split(' ').filter((p) => p && p !== '-'));
  return ctx.oidc.prompts;
}

export function hydraPolicy(consentSessions: ConsentSessions, requestedBudgetOf: RequestedBudgetOf) {
  const login = new Prompt(
    { name: 'login', requestable: true },
    // The session is not stored before a login is accepted (issue 19 #16); patches.ts (loginAccount) gives this id to the
    // session the login creates, so it is still the ID token's sid (Hydra).
    (ctx: KoaContextWithOIDC) => ({ skip: loginSkippable(ctx), session_id: ctx.oidc.session?.uid ?? '' }),
    new Check('hydra_login', 'End-User authentication is required', 'login_required', (ctx: KoaContextWithOIDC) => {
      if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      if (ctx.oidc.promptPending('none') && loginSkippable(ctx)) return Check.NO_NEED_TO_PROMPT;
      return Check.REQUEST_PROMPT;
    }),
  );
  const consent = new Prompt(
    { name: 'consent', requestable: true },
    new Check('hydra_consent', 'End-User consent is required', 'consent_required', async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      if (oidc.result?.consent) return Check.NO_NEED_TO_PROMPT;
      // Hydra: prompt=none only with a remembered consent (issue 19 #9); a grant alone is not one.
      const accountId = oidc.session?.accountId;
      if (oidc.promptPending('none') && oidc.grant && accountId && oidc.client) {
        const granted = new Set(oidc.grant.getOIDCScopeEncountered().split(' '));
        const scopes = [...oidc.requestParamOIDCScopes];
        const audience = String(oidc.params?.audience ?? '').split(' ').filter(Boolean);
        if (!scopes.every((s) => granted.has(s))) return Check.REQUEST_PROMPT;
        // The grant's budget stays as it is (issue 15), so the remembered consent must cover the requested one.
        const requested = await requestedBudgetOf(ctx, scopes);
        if (await consentSessions.findRemembered(accountId, oidc.client.clientId, scopes, audience, requested)) return Check.NO_NEED_TO_PROMPT;
      }
      return Check.REQUEST_PROMPT;
    }),
  );
  return [login, consent];
}
