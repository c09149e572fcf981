// Admin routes: the review queue (approve, reject with a reason), suspend and reactivate, the audit log.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { approveApplication, MAX_REASON, rejectApplication } from '../app/review-application.ts';
import { setApplicationSuspended } from '../app/suspend-application.ts';
import { adminQueueBody, auditBody } from '../pages/admin-pages.ts';
import { pendingRegistrations } from '../app/review-registration.ts';
import { registrationsSection } from '../pages/registrations-section.ts';
import { html } from '../../web/html.ts';
import { listApplicationsByStatus, listAudit } from '../services/portal-store.ts';
import { actorOf, errorPage, fields, formToken, guard, page, seeOther, str, type FlashCookies, type RouteContext, type SignedIn } from './support.ts';
import { tr } from '../portal-route-messages.ts';
import { tq } from '../portal-admin-messages.ts';

type WithId = FastifyRequest<{ Params: { id: string } }>;

/** The version the admin reviewed (a hidden field of the review form); a form without one is stale. */
const reviewedVersion = (request: FastifyRequest): number => {
  const v = str(fields(request).version);
  return /^[0-9]{1,9}$/.test(v) ? Number(v) : -1;
};

export function registerAdminRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const ctx = rc.ctx;

  async function queue(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, rejectError?: { id: string; message: string }) {
    const pending = await listApplicationsByStatus(ctx.db, ['pending']);
    const live = (await listApplicationsByStatus(ctx.db, ['approved', 'suspended'])).filter((a) => a.clientId);
    const owners = new Map<string, string>();
    for (const id of new Set([...pending, ...live].map((a) => a.ownerId))) {
      const user = await rc.identity.getUser(id);
      owners.set(id, user?.email ?? user?.phone ?? id);
    }
    const form = formToken(rc, request, reply);
    return page(reply, { title: tq('adm.queue'), viewer, current: 'admin', form, flash: flash.take(request, reply), body: html`${adminQueueBody({ pending, live, owners, form, ...(rejectError ? { rejectError } : {}) })}${registrationsSection({ clients: await pendingRegistrations(ctx) })}` }, rejectError ? 400 : 200);
  }

  app.get('/admin', guard(rc, (request, reply, viewer) => queue(request, reply, viewer), { admin: true }));

  app.get(
    '/admin/audit',
    guard(rc, async (request, reply, viewer) => page(reply, { title: tq('audit.heading'), viewer, current: 'audit', form: formToken(rc, request, reply), body: auditBody(await listAudit(ctx.db, 500)) }), { admin: true }),
  );

  app.post(
    '/admin/apps/:id/approve',
    guard(
      rc,
      async (request, reply, viewer) => {
        const approved = await approveApplication(ctx, actorOf(viewer), (request as WithId).params.id, reviewedVersion(request));
        if (!approved.ok) return errorPage(reply, approved.error, { viewer, form: formToken(rc, request, reply), back: { href: '/admin', label: tq('adm.queue') } });
        flash.set(reply, { notice: tr('notice.approved', { name: approved.value.name }) });
        return seeOther(reply, '/admin');
      },
      { admin: true },
    ),
  );

  app.post(
    '/admin/apps/:id/reject',
    guard(
      rc,
      async (request, reply, viewer) => {
        const id = (request as WithId).params.id;
        const rejected = await rejectApplication(ctx, actorOf(viewer), id, str(fields(request).reason), reviewedVersion(request));
        if (!rejected.ok) {
          if (rejected.error.code === 'INVALID_INPUT') return queue(request, reply, viewer, { id, message: tr('err.reason', { max: String(MAX_REASON) }) });
          return errorPage(reply, rejected.error, { viewer, form: formToken(rc, request, reply), back: { href: '/admin', label: tq('adm.queue') } });
        }
        flash.set(reply, { notice: tr('notice.rejected', { name: rejected.value.name }) });
        return seeOther(reply, '/admin');
      },
      { admin: true },
    ),
  );

  for (const [action, suspend] of [['suspend', true], ['reactivate', false]] as const) {
    app.post(
      `/admin/apps/:id/${action}`,
      guard(
        rc,
        async (request, reply, viewer) => {
          const done = await setApplicationSuspended(ctx, actorOf(viewer), (request as WithId).params.id, suspend);
          if (!done.ok) return errorPage(reply, done.error, { viewer, form: formToken(rc, request, reply), back: { href: '/admin', label: tq('adm.queue') } });
          flash.set(reply, { notice: tr(suspend ? 'notice.suspended' : 'notice.reactivated', { name: done.value.name }) });
          return seeOther(reply, '/admin');
        },
        { admin: true },
      ),
    );
  }
}
