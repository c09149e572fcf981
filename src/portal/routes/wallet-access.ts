// The user's routes: API keys (create, show once, revoke) and connected apps (list, revoke).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createPortalApiKey, listPortalApiKeys, revokePortalApiKey } from '../app/api-keys.ts';
import { listConnectedApps, revokeConnectedApp } from '../app/connected-apps.ts';
import { PORTAL_CLIENT_ID } from '../app/ensure-portal-client.ts';
import { connectedBody } from '../pages/connected-page.ts';
import { keysBody, type KeyFormState } from '../pages/keys-page.ts';
import { errorPage, fields, formToken, guard, page, seeOther, str, type FlashCookies, type RouteContext, type SignedIn } from './support.ts';
import type { FastifyReply } from 'fastify';

export function registerWalletAccessRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const ctx = rc.ctx;

  async function keysPage(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, state: KeyFormState, status = 200) {
    const lists = await listPortalApiKeys(ctx, viewer.userId);
    const keysById = new Map([...lists.active, ...lists.expired, ...lists.revoked].map((k) => [k.id, k]));
    const form = formToken(rc, request, reply);
    return page(reply, { title: 'API keys', viewer, current: 'keys', form, flash: flash.take(request, reply), body: keysBody({ lists, form, state, keysById }) }, status);
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
        return keysPage(request, reply, viewer, { values, errors: created.error.keyFields ?? {}, message: created.error.message }, 400);
      }
      return seeOther(reply, '/keys');
    }),
  );

  app.post(
    '/keys/:id/revoke',
    guard(rc, async (request, reply, viewer) => {
      const revoked = await revokePortalApiKey(ctx, viewer.userId, (request as FastifyRequest<{ Params: { id: string } }>).params.id);
      if (!revoked.ok) return errorPage(reply, revoked.error, { viewer, form: formToken(rc, request, reply), back: { href: '/keys', label: 'API keys' } });
      flash.set(reply, { notice: 'The key was revoked.' });
      return seeOther(reply, '/keys');
    }),
  );

  app.get(
    '/connected',
    guard(rc, async (request, reply, viewer) => {
      const listed = await listConnectedApps(ctx, viewer.userId, [PORTAL_CLIENT_ID]);
      const form = formToken(rc, request, reply);
      const body = connectedBody({ apps: listed.ok ? listed.value : [], form, ...(listed.ok ? {} : { error: listed.error.message }) });
      return page(reply, { title: 'Connected apps', viewer, current: 'connected', form, flash: flash.take(request, reply), body }, listed.ok ? 200 : 503);
    }),
  );

  app.post(
    '/connected/revoke',
    guard(rc, async (request, reply, viewer) => {
      const revoked = await revokeConnectedApp(ctx, viewer.userId, str(fields(request).client_id));
      if (!revoked.ok) return errorPage(reply, revoked.error, { viewer, form: formToken(rc, request, reply), back: { href: '/connected', label: 'Connected apps' } });
      flash.set(reply, { notice: 'Access revoked: the app can no longer use your wallet.' });
      return seeOther(reply, '/connected');
    }),
  );
}
