// Hydra's verifier leg (issue 11 #1). The app's decision is applied to the oidc-provider interaction only
// here, when the browser presents the random verifier AND the flow's own cookie: oidc-provider's resume
// cookie (signed, HttpOnly, SameSite=Lax, path /oauth2/auth/<uid>, value = the interaction uid), set
// in the browser that started the flow, like Hydra's login/consent CSRF cookies. Whatever fails, the
// verifier is used up, and a verifier shown by another browser also ends its flow. The challenge alone
// (/oauth2/auth/<uid>) never finishes a flow. An accept's redirect_to goes straight to /oauth2/auth/<uid>?…
// (flows/interactions.ts); a verifier on Hydra's /oauth2/auth?…&login_verifier= is looked up and sent there.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { FlowVerifiers } from './flow-verifiers.ts';
import type { ConsentAtLeg } from './flows/consent-at-leg.ts';
import type { InteractionLike } from './flows/interactions.ts';
import { redirectError } from './hydra-compat.ts';
import { saveInRequestOnly, withKnownRows } from './known-rows.ts';
import { renderErrorPage } from './pages.ts';
import { HYDRA_ROUTES } from './routes.ts';

type Next = () => Promise<unknown>;
type Kind = 'login' | 'consent';
type Interaction = {
  uid: string;
  exp: number;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  result?: Record<string, unknown>;
  save(ttl: number): Promise<string>;
  destroy(): Promise<void>;
};

const epoch = () => Math.floor(Date.now() / 1000);

/** The verifier in the query and its kind, when exactly one is there. */
function verifierOf(query: Record<string, unknown>): { kind: Kind; verifier: string } | undefined {
  const login = query.login_verifier;
  const consent = query.consent_verifier;
  if (typeof login === 'string' && consent === undefined) return { kind: 'login', verifier: login };
  if (typeof consent === 'string' && login === undefined) return { kind: 'consent', verifier: consent };
  return undefined;
}

function page(ctx: KoaContextWithOIDC, status: number, error: string, description: string) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = renderErrorPage({ error, error_description: description }, status);
}

/** RFC 6749 section 4.1.2.1: to the client's registered redirect_uri when the flow's parameters name one, else a page. */
async function deny(provider: Provider, ctx: KoaContextWithOIDC, params: Record<string, unknown> | undefined, description: string) {
  const fallback = async () => page(ctx, 403, 'access_denied', description);
  if (!params) return fallback();
  const query = { client_id: params.client_id, redirect_uri: params.redirect_uri, state: params.state } as Record<string, string | undefined>;
  return redirectError(provider, ctx, query, 'access_denied', description, fallback);
}

/** At /oauth2/auth, and at /oauth2/device/verify for device sign-ins (RFC 8628, issue 16). */
export function verifierStep(provider: Provider, verifiers: FlowVerifiers, base: string = HYDRA_ROUTES.authorization, atLeg?: ConsentAtLeg) {
  return async (ctx: KoaContextWithOIDC, next: Next) => {
    if (ctx.method !== 'GET') return next();
    const query = ctx.query as Record<string, unknown>;

    if (ctx.path === base) {
      const found = verifierOf(query);
      if (!found) {
        if (query.login_verifier !== undefined || query.consent_verifier !== undefined) return deny(provider, ctx, query, 'The login or consent verifier is invalid.');
        return next();
      }
      const decision = await verifiers.peek(found.verifier);
      // A verifier is single use: replaying it never yields a second code.
      if (!decision || decision.kind !== found.kind) return deny(provider, ctx, query, 'The login or consent verifier has already been used, has not been granted, or is invalid.');
      // The flow's cookie is sent only on its own path: continue there (nothing is used up yet).
      ctx.status = 303;
      ctx.redirect(`${base}/${encodeURIComponent(decision.challenge)}?${found.kind}_verifier=${encodeURIComponent(found.verifier)}`);
      return;
    }

    if (!ctx.path.startsWith(`${base}/`)) return next();
    // Issue 18: the interaction read and saved here is not read again by oidc-provider's resume (known-rows.ts).
    return withKnownRows(() => resume(ctx, next));
  };

  async function resume(ctx: KoaContextWithOIDC, next: Next) {
    const query = ctx.query as Record<string, unknown>;
    const uid = decodeURIComponent(ctx.path.slice(base.length + 1));
    const found = verifierOf(query);
    if (!found) {
      // Only this step writes a result, after checking this browser's cookie; oidc-provider checks the cookie
      // again. Without a result, resuming would finish nothing: refuse it plainly.
      const interaction = (await provider.Interaction.find(uid)) as Interaction | undefined;
      if (interaction?.result) return next();
      return page(ctx, 400, 'invalid_request', 'This sign-in cannot be continued from this address.');
    }

    // The interaction goes with the verifier, and the browser's session is read with them (challenge-rows.ts).
    // The session cookie's signature is not checked here: the row read is only kept under its id, and only
    // oidc-provider's Session.get, which checks it, asks for that id (a forged cookie's row is never used).
    const decision = await verifiers.takeToResume(found.verifier, ctx.cookies.get(provider.cookieName('session'), { signed: false }));
    // As on Hydra's path: to the client named by the request's parameters (its registered redirect_uri only).
    if (!decision || decision.kind !== found.kind) return deny(provider, ctx, query, 'The login or consent verifier has already been used, has not been granted, or is invalid.');
    const interaction = (await provider.Interaction.find(decision.challenge)) as Interaction | undefined;
    const cookie = ctx.cookies.get(provider.cookieName('resume'), { signed: true });
    const sameBrowser = cookie === decision.challenge && uid === decision.challenge;
    if (!interaction || interaction.prompt.name !== found.kind || interaction.result) {
      return deny(provider, ctx, interaction?.params, 'The authorization request has expired or was already completed.');
    }
    if (!sameBrowser) {
      // Another browser than the one that started the flow: the flow ends here, for everyone (its row went with the verifier).
      await interaction.destroy();
      return deny(provider, ctx, interaction.params, `The ${found.kind} verifier was presented by another browser than the one that started the request.`);
    }
    // Issue 18: a consent accepted as the app's input alone is decided here, in the browser that started the flow.
    const result = decision.accept && found.kind === 'consent' ? await atLeg?.(interaction as unknown as InteractionLike, decision) : (decision.result ?? {});
    if (!result) return deny(provider, ctx, interaction.params, 'The client of this authorization request is no longer available.');
    interaction.result = result;
    // Issue 18: oidc-provider's resume, next in this request, reads the interaction and deletes it; the result
    // reaches it in memory (known-rows.ts), not through a row deleted a moment later. No other request sees
    // the result meanwhile, so the flow's cookie alone (/oauth2/auth/<uid>) cannot finish the flow in parallel.
    // A resume that keeps the interaction (its logout-confirm detour) saves it itself, result included.
    await saveInRequestOnly('Interaction', interaction.uid, () => interaction.save(Math.max(1, interaction.exp - epoch())));
    // The login request's session_id becomes the new session's id (Hydra: the ID token's sid), see patches.ts (loginAccount).
    if (found.kind === 'login' && typeof interaction.prompt.details.session_id === 'string') ctx.state.lgSessionId = interaction.prompt.details.session_id;
    return next();
  }
}
