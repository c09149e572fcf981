// The account holder's callback endpoints (issue 14) at /callbacks, the page Account.callbackPortalUrl
// names: signed-in people only, every POST with the portal's CSRF token, and only their own account's
// endpoints and deliveries (another account's id is a 404). A new or rotated secret is shown once, in
// the answer to its form (never stored in the clear, never in a cookie), with Cache-Control: no-store.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Result } from '../../shared/result.ts';
import { WEBHOOK_ERROR_MESSAGES, type EndpointOwner, type WebhookError, type WebhooksService } from '../../webhooks/webhooks-service.ts';
import { callbacksBody, type CallbacksView } from '../pages/callbacks-page.ts';
import { fields, formToken, guard, messagePage, page, seeOther, str, type FlashCookies, type RouteContext, type SignedIn } from './support.ts';
import { tr } from '../portal-route-messages.ts';
import { tq } from '../portal-admin-messages.ts';

type IdParams = FastifyRequest<{ Params: { id: string } }>;

export function registerCallbackRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies, webhooks: WebhooksService): void {
  async function show(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, extra: Partial<CallbacksView> = {}, status = 200) {
    const owner = await webhooks.ownerOfUser(viewer.userId);
    const endpoints = owner ? await webhooks.list(owner) : [];
    const withDeliveries = await Promise.all(
      endpoints.map(async (endpoint) => {
        const d = await webhooks.deliveries(owner!, endpoint.id);
        return { endpoint, deliveries: d.ok ? d.value : [] };
      }),
    );
    const form = formToken(rc, request, reply);
    if (extra.secret) reply.header('cache-control', 'no-store');
    return page(reply, { title: tq('cb.heading'), viewer, current: 'callbacks', form, flash: flash.take(request, reply), body: callbacksBody({ endpoints: withDeliveries, form, ...extra }) }, status);
  }

  /** The webhooks module's error code in the person's language (its English messages are GraphQL's). */
  const said = (code: WebhookError['code']): string => tr(`cbErr.${code}`);

  function failure(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, code: WebhookError['code']) {
    return messagePage(reply, WEBHOOK_ERROR_MESSAGES[code].status, tr('err.cannot'), said(code), { viewer, form: formToken(rc, request, reply), back: { href: '/callbacks', label: tq('cb.heading') } });
  }

  /** The signed-in person's owner, or a 404 page when they have no wallet account yet (nothing of theirs exists). */
  async function ownerOr404(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn): Promise<EndpointOwner | undefined> {
    const owner = await webhooks.ownerOfUser(viewer.userId);
    if (!owner) void failure(request, reply, viewer, 'ENDPOINT_NOT_FOUND');
    return owner;
  }

  const action = (run: (owner: EndpointOwner, id: string) => Promise<Result<unknown, WebhookError>>, notice: 'notice.testSent' | 'notice.enabled' | 'notice.endpointDeleted' | 'notice.replayed') =>
    guard(rc, async (request, reply, viewer) => {
      const owner = await ownerOr404(request, reply, viewer);
      if (!owner) return reply;
      const done = await run(owner, (request as IdParams).params.id);
      if (!done.ok) return failure(request, reply, viewer, done.error.code);
      flash.set(reply, { notice: tr(notice) });
      return seeOther(reply, '/callbacks');
    });

  app.get('/callbacks', guard(rc, (request, reply, viewer) => show(request, reply, viewer)));

  app.post(
    '/callbacks',
    guard(rc, async (request, reply, viewer) => {
      const owner = await ownerOr404(request, reply, viewer);
      if (!owner) return reply;
      const url = str(fields(request).url).trim();
      const added = await webhooks.add(owner, url);
      if (!added.ok) return show(request, reply, viewer, { url, error: said(added.error.code) }, WEBHOOK_ERROR_MESSAGES[added.error.code].status);
      return show(request, reply, viewer, { secret: { endpointId: added.value.endpoint.id, value: added.value.secret } });
    }),
  );

  app.post(
    '/callbacks/:id/rotate',
    guard(rc, async (request, reply, viewer) => {
      const owner = await ownerOr404(request, reply, viewer);
      if (!owner) return reply;
      const rotated = await webhooks.rotateSecret(owner, (request as IdParams).params.id);
      if (!rotated.ok) return failure(request, reply, viewer, rotated.error.code);
      return show(request, reply, viewer, { secret: { endpointId: rotated.value.id, value: rotated.value.secret } });
    }),
  );

  app.post('/callbacks/:id/test', action((owner, id) => webhooks.sendTestEvent(owner, id), 'notice.testSent'));
  app.post('/callbacks/:id/enable', action((owner, id) => webhooks.enable(owner, id), 'notice.enabled'));
  app.post('/callbacks/:id/delete', action((owner, id) => webhooks.remove(owner, id), 'notice.endpointDeleted'));
  app.post('/callbacks/deliveries/:id/replay', action((owner, id) => webhooks.replay(owner, id), 'notice.replayed'));
}
