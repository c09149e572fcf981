// Issue 17 #5: the confirmation pages (GET) in front of the destructive POSTs: rotate a secret, revoke an
// API key, suspend or approve an app. They change nothing; their form POSTs to the existing action with
// a fresh CSRF token. Revoking a connected app is confirmed in the account area (routes/account-apps.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listPortalApiKeys } from '../app/api-keys.ts';
import { isConfidential } from '../domain/application.ts';
import { confirmBody, graceWords, type Confirmation } from '../pages/confirm-page.ts';
import { findApplication } from '../services/portal-store.ts';
import { formToken, guard, messagePage, page, str, type RouteContext, type SignedIn } from './support.ts';
import { tr } from '../portal-route-messages.ts';
import { tq } from '../portal-admin-messages.ts';

type WithId = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;

export function confirmPage(rc: RouteContext, request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, c: Confirmation, section: 'apps' | 'keys' | 'admin' | 'account') {
  const form = formToken(rc, request, reply);
  return page(reply, { title: c.title, viewer, current: section === 'account' ? 'none' : section, form, body: confirmBody(c, form) });
}

export function registerConfirmRoutes(app: FastifyInstance, rc: RouteContext): void {
  const ctx = rc.ctx;
  const gone = (reply: FastifyReply, viewer: SignedIn, request: FastifyRequest, back: { href: string; label: string }) =>
    messagePage(reply, 404, tr('conf.goneTitle'), tr('conf.gone'), { viewer, form: formToken(rc, request, reply), back });

  app.get(
    '/apps/:id/rotate',
    guard(rc, async (request, reply, viewer) => {
      const found = await findApplication(ctx.db, (request as WithId).params.id);
      if (!found || found.ownerId !== viewer.userId || !found.clientId || !isConfidential(found.authMethod)) return gone(reply, viewer, request, { href: '/apps', label: tr('back.apps') });
      const grace = graceWords(ctx.config.clientSecretRotationGrace);
      return confirmPage(rc, request, reply, viewer, {
        title: tr('conf.rotateTitle', { name: found.name }),
        consequences: tr('conf.rotateWhat', { grace }),
        action: `/apps/${found.id}/rotate`,
        confirmLabel: tr('conf.rotate'),
        cancel: { href: `/apps/${found.id}`, label: tr('conf.rotateKeep') },
      }, 'apps');
    }),
  );

  app.get(
    '/keys/:id/revoke',
    guard(rc, async (request, reply, viewer) => {
      const lists = await listPortalApiKeys(ctx, viewer.userId);
      const key = lists.active.find((k) => k.id === (request as WithId).params.id);
      if (!key) return gone(reply, viewer, request, { href: '/keys', label: tq('keys.heading') });
      return confirmPage(rc, request, reply, viewer, {
        title: tr('conf.revokeTitle', { name: key.name }),
        consequences: tr('conf.revokeWhat', { prefix: key.prefix }),
        action: `/keys/${key.id}/revoke`,
        confirmLabel: tr('conf.revoke'),
        cancel: { href: '/keys', label: tr('conf.revokeKeep') },
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
        if (!found || found.status !== 'approved') return gone(reply, viewer, request, { href: '/admin', label: tq('adm.queue') });
        return confirmPage(rc, request, reply, viewer, {
          title: tr('conf.suspendTitle', { name: found.name }),
          consequences: tr('conf.suspendWhat'),
          action: `/admin/apps/${found.id}/suspend`,
          confirmLabel: tr('conf.suspend'),
          cancel: { href: '/admin', label: tr('conf.suspendKeep') },
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
        if (!found || found.status !== 'pending') return gone(reply, viewer, request, { href: '/admin', label: tq('adm.queue') });
        const version = str((request as WithId).query.version);
        return confirmPage(rc, request, reply, viewer, {
          title: tr('conf.approveTitle', { name: found.name }),
          consequences: tr('conf.approveWhat', { name: found.name, scopes: found.scopes.join(', ') }),
          action: `/admin/apps/${found.id}/approve`,
          fields: { version: /^[0-9]{1,9}$/.test(version) ? version : '' },
          confirmLabel: tr('conf.approve'),
          cancel: { href: '/admin', label: tr('conf.approveBack') },
        }, 'admin');
      },
      { admin: true },
    ),
  );
}
