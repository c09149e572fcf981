// The user's routes: API keys (create, show once, revoke); connected apps' old paths (now in the account area).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createPortalApiKey, listPortalApiKeys, revokePortalApiKey } from '../app/api-keys.ts';
import { revokeConnectedApp } from '../app/connected-apps.ts';
import { keysBody, type KeyFormState } from '../pages/keys-page.ts';
import { errorPage, fields, formToken, guard, page, seeOther, str, type FlashCookies, type RouteContext, type SignedIn } from './support.ts';
import type { FastifyReply } from 'fastify';
import { tq } from '../portal-admin-messages.ts';
import { tr } from '../portal-route-messages.ts';
import { ta } from '../account-messages.ts';
import { problemText } from './problem-words.ts';

export function registerWalletAccessRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const ctx = rc.ctx;

  async function keysPage(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, state: KeyFormState, status = 200) {
    const lists = await listPortalApiKeys(ctx, viewer.userId);
    const keysById = new Map([...lists.active, ...lists.expired, ...lists.revoked].map((k) => [k.id, k]));
    const form = formToken(rc, request, reply);
    return page(reply, { title: tq('keys.heading'), viewer, current: 'keys', form, flash: flash.take(request, reply), body: keysBody({ lists, form, state, keysById }) }, status);
  }

  app.get('/keys', guard(rc, (request, reply, viewer) => keysPage(request, reply, viewer, { values: {}, errors: {} })));

  app.post(
    '/keys',
    guard(rc, async (request, reply, viewer) => {
      const body = fields(request);
      const created = await createPortalApiKey(ctx, viewer.userId, body);
      if (!created.ok) {
        const scopes = Array.isArray(body.scopes) ? body.scopes.map(str).join(' ') : str(body.scopes);
        const values = { name: str(body.name), expiry: str(body.expiry), custom_days: str(body.custom_days), scopes };
        return keysPage(request, reply, viewer, { values, errors: created.error.keyFields ?? {}, message: problemText(created.error.problem) }, 400);
      }
      return seeOther(reply, '/keys');
    }),
  );

  app.post(
    '/keys/:id/revoke',
    guard(rc, async (request, reply, viewer) => {
      const revoked = await revokePortalApiKey(ctx, viewer.userId, (request as FastifyRequest<{ Params: { id: string } }>).params.id);
      if (!revoked.ok) return errorPage(reply, revoked.error, { viewer, form: formToken(rc, request, reply), back: { href: '/keys', label: tq('keys.heading') } });
      flash.set(reply, { notice: tr('notice.keyRevoked') });
      return seeOther(reply, '/keys');
    }),
  );

  // Connected apps moved to the account area (issue 17 #9): routes/account.ts. Old links and forms land there.
  app.get('/connected', async (_request, reply) => reply.redirect('/account/apps', 301));
  app.post(
    '/connected/revoke',
    guard(rc, async (request, reply, viewer) => {
      const revoked = await revokeConnectedApp(ctx, viewer.userId, str(fields(request).client_id));
      if (!revoked.ok) return errorPage(reply, revoked.error, { viewer, form: formToken(rc, request, reply), back: { href: '/account/apps', label: ta('acc.apps') } });
      flash.set(reply, { notice: tr('notice.accessRevoked') });
      return seeOther(reply, '/account/apps');
    }),
  );
}
