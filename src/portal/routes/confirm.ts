// Issue 17 #5: the confirmation pages (GET) in front of the destructive POSTs: rotate a secret, revoke an
// API key, suspend or approve an app. They change nothing; their form POSTs to the existing action with
// a fresh CSRF token. Revoking a connected app is confirmed in the account area (routes/account-apps.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listPortalApiKeys } from '../app/api-keys.ts';
import { isConfidential } from '../domain/application.ts';
import { confirmBody, graceWords, type Confirmation } from '../pages/confirm-page.ts';
import { findApplication } from '../services/portal-store.ts';
import { formToken, guard, messagePage, page, str, type RouteContext, type SignedIn } from './support.ts';

type WithId = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;

export function confirmPage(rc: RouteContext, request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, c: Confirmation, section: 'apps' | 'keys' | 'admin' | 'account') {
  const form = formToken(rc, request, reply);
  return page(reply, { title: c.title, viewer, current: section === 'account' ? 'none' : section, form, body: confirmBody(c, form) });
}

export function registerConfirmRoutes(app: FastifyInstance, rc: RouteContext): void {
  const ctx = rc.ctx;
  const gone = (reply: FastifyReply, viewer: SignedIn, request: FastifyRequest, back: { href: string; label: string }) =>
    messagePage(reply, 404, 'Not found', 'There is nothing to confirm here: it does not exist, or it is not yours.', { viewer, form: formToken(rc, request, reply), back });

  app.get(
    '/apps/:id/rotate',
    guard(rc, async (request, reply, viewer) => {
      const found = await findApplication(ctx.db, (request as WithId).params.id);
      if (!found || found.ownerId !== viewer.userId || !found.clientId || !isConfidential(found.authMethod)) return gone(reply, viewer, request, { href: '/apps', label: 'Your apps' });
      const grace = graceWords(ctx.config.clientSecretRotationGrace);
      return confirmPage(rc, request, reply, viewer, {
        title: `Rotate the secret of ${found.name}?`,
        consequences: `You get a new client secret, shown once. The current secret keeps working for ${grace} beside the new one, so you can switch your app over without downtime; after that only the new secret works.`,
        action: `/apps/${found.id}/rotate`,
        confirmLabel: 'Rotate the secret',
        cancel: { href: `/apps/${found.id}`, label: 'Keep the current secret' },
      }, 'apps');
    }),
  );

  app.get(
    '/keys/:id/revoke',
    guard(rc, async (request, reply, viewer) => {
      const lists = await listPortalApiKeys(ctx, viewer.userId);
      const key = lists.active.find((k) => k.id === (request as WithId).params.id);
      if (!key) return gone(reply, viewer, request, { href: '/keys', label: 'API keys' });
      return confirmPage(rc, request, reply, viewer, {
        title: `Revoke the key “${key.name}”?`,
        consequences: `Anything using the key ${key.prefix}_… stops working at once. This cannot be undone: you would create a new key instead.`,
        action: `/keys/${key.id}/revoke`,
        confirmLabel: 'Revoke the key',
        cancel: { href: '/keys', label: 'Keep the key' },
        danger: true,
      }, 'keys');
    }),
  );

  app.get(
    '/admin/apps/:id/suspend',
    guard(
      rc,
      async (request, reply, viewer) => {
        const found = await findApplication(ctx.db, (request as WithId).params.id);
        if (!found || found.status !== 'approved') return gone(reply, viewer, request, { href: '/admin', label: 'Review queue' });
        return confirmPage(rc, request, reply, viewer, {
          title: `Suspend ${found.name}?`,
          consequences: 'Every token of the app is revoked at once and nobody can sign in to it until it is reactivated. People who connected it will have to allow it again.',
          action: `/admin/apps/${found.id}/suspend`,
          confirmLabel: 'Suspend the app',
          cancel: { href: '/admin', label: 'Keep it running' },
          danger: true,
        }, 'admin');
      },
      { admin: true },
    ),
  );

  app.get(
    '/admin/apps/:id/approve',
    guard(
      rc,
      async (request, reply, viewer) => {
        const found = await findApplication(ctx.db, (request as WithId).params.id);
        if (!found || found.status !== 'pending') return gone(reply, viewer, request, { href: '/admin', label: 'Review queue' });
        const version = str((request as WithId).query.version);
        return confirmPage(rc, request, reply, viewer, {
          title: `Approve ${found.name}?`,
          consequences: `${found.name} gets (or keeps) a client and may ask people for: ${found.scopes.join(', ')}. Its developer sees the client secret once.`,
          action: `/admin/apps/${found.id}/approve`,
          fields: { version: /^[0-9]{1,9}$/.test(version) ? version : '' },
          confirmLabel: 'Approve',
          cancel: { href: '/admin', label: 'Back to the queue' },
        }, 'admin');
      },
      { admin: true },
    ),
  );
}
