// /consent: show what the app asks for, then accept (with the scopes the person kept) or reject.
// A grant with no scope is refused: an empty grant must never mean full access.
import type { FastifyInstance } from 'fastify';
import type { AcceptConsent, ConsentRequest } from '../../hydra-port/types.ts';
import { renderConsentPage } from '../pages/consent-page.ts';
import { t } from '../messages.ts';
import { describeScope } from '../scopes.ts';
import { allowAppTargets, challengeOf, csrfRejected, fields, formContext, hydraErrorPage, missingChallenge, pathWith, seeOther, sendHtml, str, type UiContext } from './support.ts';

const consentPath = (challenge: string) => pathWith('/consent', 'consent_challenge', challenge);

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);

export function registerConsentRoutes(app: FastifyInstance, ctx: UiContext): void {
  const { hydra, identity, cookies, csrf } = ctx;

  /** Claims for the ID token, only for the identity scopes granted (OIDC Core section 5.4). */
  async function sessionFor(request: ConsentRequest, granted: string[]): Promise<AcceptConsent['session']> {
    if (!granted.includes('email') && !granted.includes('phone')) return undefined;
    const user = await identity.getUser(request.subject);
    if (!user) return undefined;
    const idToken: Record<string, unknown> = {};
    if (granted.includes('email') && user.email) Object.assign(idToken, { email: user.email, email_verified: true });
    if (granted.includes('phone') && user.phone) Object.assign(idToken, { phone_number: user.phone, phone_number_verified: true });
    return { id_token: idToken };
  }

  async function accept(request: ConsentRequest, granted: string[], remember: boolean) {
    const session = await sessionFor(request, granted);
    return hydra.acceptConsentRequest(request.challenge, {
      grant_scope: granted,
      grant_access_token_audience: request.requested_access_token_audience ?? [],
      remember,
      // 0: remembered until revoked (Hydra's meaning of remember_for = 0).
      ...(remember ? { remember_for: 0 } : {}),
      ...(session ? { session } : {}),
    });
  }

  const refuseEmpty = (challenge: string) =>
    hydra.rejectConsentRequest(challenge, { error: 'invalid_scope', error_description: 'The app asked for no permission; an empty grant is refused.', status_code: 400 });

  app.get('/consent', async (request, reply) => {
    const challenge = challengeOf((request.query as Record<string, unknown>).consent_challenge);
    if (!challenge) return missingChallenge(reply, 'consent');
    const got = await hydra.getConsentRequest(challenge);
    if (!got.ok) return hydraErrorPage(reply, 'consent', got.error, hydra);
    const consent = got.value;
    const requested = consent.requested_scope ?? [];
    if (requested.length === 0) {
      const rejected = await refuseEmpty(challenge);
      return rejected.ok ? reply.redirect(rejected.value.redirect_to, 302) : hydraErrorPage(reply, 'consent', rejected.error, hydra);
    }
    if (consent.skip || consent.client.skip_consent) {
      const accepted = await accept(consent, requested, false);
      return accepted.ok ? reply.redirect(accepted.value.redirect_to, 302) : hydraErrorPage(reply, 'consent', accepted.error, hydra);
    }
    const user = await identity.getUser(consent.subject);
    allowAppTargets(reply, consent.client);
    return sendHtml(
      reply,
      renderConsentPage({ form: formContext(ctx, request, reply), request: consent, userLabel: user?.email ?? user?.phone, flash: cookies.takeFlash(request, reply) }),
    );
  });

  app.post('/consent', async (request, reply) => {
    const body = fields(request);
    const challenge = challengeOf(body.consent_challenge);
    if (!challenge) return missingChallenge(reply, 'consent');
    if (!csrf.verify(request, body[csrf.field])) return csrfRejected(reply, consentPath(challenge));
    const got = await hydra.getConsentRequest(challenge);
    if (!got.ok) return seeOther(reply, consentPath(challenge));
    const consent = got.value;
    if (str(body.action) !== 'allow') {
      const rejected = await hydra.rejectConsentRequest(challenge, { error: 'access_denied', error_description: 'The user denied the request.' });
      return seeOther(reply, rejected.ok ? rejected.value.redirect_to : consentPath(challenge));
    }
    const requested = consent.requested_scope ?? [];
    const ticked = new Set(asList(body.scope));
    // Only scopes that were asked for; fixed ones (openid, …) go with any grant.
    const granted = requested.filter((s) => ticked.has(s) || describeScope(s).fixed);
    // At least one of the permissions proper; an optional extra (offline access) alone is no grant.
    const choosable = requested.filter((s) => !describeScope(s).fixed && !describeScope(s).extra);
    if (granted.length === 0 || (choosable.length > 0 && !choosable.some((s) => ticked.has(s)))) {
      if (requested.length === 0) {
        const rejected = await refuseEmpty(challenge);
        return seeOther(reply, rejected.ok ? rejected.value.redirect_to : consentPath(challenge));
      }
      cookies.setFlash(reply, { error: t('consent.chooseOne'), field: true });
      return seeOther(reply, consentPath(challenge));
    }
    const accepted = await accept(consent, granted, str(body.remember) === 'true');
    return seeOther(reply, accepted.ok ? accepted.value.redirect_to : consentPath(challenge));
  });
}
