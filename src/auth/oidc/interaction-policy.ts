// Hydra's flow on oidc-provider: every authorization request goes to the login app and then to the consent
// app (each may be skipped by the app when the request says `skip`). prompt=none never leaves the server:
// it succeeds only with an existing session and an existing grant covering the request (OIDC Core 3.1.2.1).
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

const { Prompt, Check } = interactionPolicy;

/** Whether the login request may be skipped: a live session, no prompt=login, max_age satisfied. */
function loginSkippable(ctx: KoaContextWithOIDC): boolean {
  const { oidc } = ctx;
  if (!oidc.session?.accountId) return false;
  if (originalPrompts(ctx).has('login')) return false;
  const maxAge = oidc.params?.max_age as number | string | undefined;
  if (maxAge !== undefined && oidc.session.past(Number(maxAge))) return false;
  return true;
}

/** The prompt values the client sent (before the server added `consent` for offline_access, see provider-factory). */
export function originalPrompts(ctx: KoaContextWithOIDC): Set<string> {
  const raw = ctx.oidc.params?.lg_prompt as string | undefined;
  if (raw !== undefined) return new Set(raw.split(' ').filter((p) => p && p !== '-'));
  return ctx.oidc.prompts;
}

export function hydraPolicy() {
  const login = new Prompt(
    { name: 'login', requestable: true },
    (ctx: KoaContextWithOIDC) => {
      // Keep the browser session from the first request on, so its id is the login request's session_id.
      if (ctx.oidc.session) (ctx.oidc.session as unknown as { touched: boolean }).touched = true;
      return { skip: loginSkippable(ctx), session_id: ctx.oidc.session?.uid ?? '' };
    },
    new Check('hydra_login', 'End-User authentication is required', 'login_required', (ctx: KoaContextWithOIDC) => {
      if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      if (ctx.oidc.promptPending('none') && loginSkippable(ctx)) return Check.NO_NEED_TO_PROMPT;
      return Check.REQUEST_PROMPT;
    }),
  );
  const consent = new Prompt(
    { name: 'consent', requestable: true },
    new Check('hydra_consent', 'End-User consent is required', 'consent_required', (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      if (oidc.result?.consent) return Check.NO_NEED_TO_PROMPT;
      if (oidc.promptPending('none') && oidc.grant) {
        const granted = new Set(oidc.grant.getOIDCScopeEncountered().split(' '));
        if ([...oidc.requestParamOIDCScopes].every((s) => granted.has(s))) return Check.NO_NEED_TO_PROMPT;
      }
      return Check.REQUEST_PROMPT;
    }),
  );
  return [login, consent];
}
