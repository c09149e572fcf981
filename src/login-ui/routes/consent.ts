// /consent: show what the app asks for, then accept (with the scopes the person kept) or reject.
// A grant with no scope is refused: an empty grant must never mean full access. A spending budget asked with
// `write` (issue 15) may be lowered here, never raised; the auth server checks the same again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AcceptConsent, ConsentRequest } from '../../hydra-port/types.ts';
import type { WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import { askedBudget, priceOrNone, readBudgetForm, type BudgetInput, type BudgetProblem } from '../budget.ts';
import { renderConsentPage } from '../pages/consent-page.ts';
import { t } from '../messages.ts';
import { describeScope } from '../scopes.ts';
import { allowAppTargets, challengeOf, csrfRejected, fields, formContext, hydraErrorPage, missingChallenge, pathWith, seeOther, sendHtml, str, type UiContext } from './support.ts';

const consentPath = (challenge: string) => pathWith('/consent', 'consent_challenge', challenge);

/** A form field's text; undefined when the field was not sent at all. */
const optional = (value: unknown): string | undefined => (value === undefined ? undefined : str(value));

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

  /** `details` undefined: none sent (a skipped consent: the server keeps what was granted before). */
  async function accept(request: ConsentRequest, granted: string[], remember: boolean, details?: WalletSpendDetail[]) {
    const session = await sessionFor(request, granted);
    return hydra.acceptConsentRequest(request.challenge, {
      grant_scope: granted,
      ...(details ? { grant_authorization_details: details } : {}),
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
    return showPage(request, reply, consent);
  });

  /** The consent page; again after a refused budget, with what the person typed and chose (400). */
  async function showPage(request: FastifyRequest, reply: FastifyReply, consent: ConsentRequest, again?: { typed: BudgetInput; problems: BudgetProblem[]; ticked: Set<string>; remember: boolean }) {
    const user = await identity.getUser(consent.subject);
    const asked = askedBudget(consent);
    const budget = asked && { asked, centsPerBtc: await priceOrNone(ctx.price), ...(again ? { typed: again.typed, problems: again.problems } : {}) };
    allowAppTargets(reply, consent.client);
    return sendHtml(
      reply,
      renderConsentPage({
        form: formContext(ctx, request, reply),
        request: consent,
        userLabel: user?.email ?? user?.phone,
        flash: again ? {} : cookies.takeFlash(request, reply),
        ...(budget ? { budget } : {}),
        ...(again ? { ticked: again.ticked, remember: again.remember } : {}),
      }),
      again ? 400 : 200,
    );
  }

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
    // The budget goes with `write` only: unticked, none is granted ([] rather than absent, which keeps the asked one).
    const asked = askedBudget(consent);
    let details: WalletSpendDetail[] | undefined;
    if (asked && !granted.includes('write')) details = [];
    else if (asked) {
      const typed: BudgetInput = { amount: optional(body.budget_amount), perPayment: optional(body.budget_per_payment) };
      const read = readBudgetForm(asked, typed);
      if (!read.ok) return showPage(request, reply, consent, { typed, problems: read.error, ticked, remember: str(body.remember) === 'true' });
      details = [read.value];
    }
    const accepted = await accept(consent, granted, str(body.remember) === 'true', details);
    return seeOther(reply, accepted.ok ? accepted.value.redirect_to : consentPath(challenge));
  });
}
