// /logout: confirm, then accept or reject the logout challenge; /logged-out: the page after.
import type { FastifyInstance } from 'fastify';
import { renderLoggedOutPage, renderLogoutPage } from '../pages/logout-pages.ts';
import { allowAppTargets, challengeOf, csrfRejected, fields, formContext, hydraErrorPage, missingChallenge, pathWith, seeOther, sendHtml, str, type UiContext } from './support.ts';

export function registerLogoutRoutes(app: FastifyInstance, ctx: UiContext): void {
  const { hydra, csrf } = ctx;

  app.get('/logout', async (request, reply) => {
    const challenge = challengeOf((request.query as Record<string, unknown>).logout_challenge);
    if (!challenge) return missingChallenge(reply, 'logout');
    const got = await hydra.getLogoutRequest(challenge);
    if (!got.ok) return hydraErrorPage(reply, 'logout', got.error, hydra);
    // Hydra: only an RP-initiated logout (a valid id_token_hint for this session) may skip the confirmation (issue 19 #6).
    if (got.value.rp_initiated && got.value.client?.skip_logout_consent) {
      const accepted = await hydra.acceptLogoutRequest(challenge);
      return accepted.ok ? reply.redirect(accepted.value.redirect_to, 302) : hydraErrorPage(reply, 'logout', accepted.error, hydra);
    }
    allowAppTargets(reply, got.value.client);
    return sendHtml(reply, renderLogoutPage({ form: formContext(ctx, request, reply), request: got.value }));
  });

  app.post('/logout', async (request, reply) => {
    const body = fields(request);
    const challenge = challengeOf(body.logout_challenge);
    if (!challenge) return missingChallenge(reply, 'logout');
    const back = pathWith('/logout', 'logout_challenge', challenge);
    if (!csrf.verify(request, body[csrf.field])) return csrfRejected(reply, back);
    if (str(body.action) === 'yes') {
      const accepted = await hydra.acceptLogoutRequest(challenge);
      return seeOther(reply, accepted.ok ? accepted.value.redirect_to : back);
    }
    const rejected = await hydra.rejectLogoutRequest(challenge);
    return seeOther(reply, rejected.ok ? '/logged-out?stayed=1' : back);
  });

  app.get('/logged-out', async (request, reply) => sendHtml(reply, renderLoggedOutPage((request.query as Record<string, unknown>).stayed === '1')));
}
