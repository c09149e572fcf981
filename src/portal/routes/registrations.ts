// Admin routes for clients registered through RFC 7591 (issue 16): approve or decline from the review queue,
// each confirmed first on a page of its own (GET, changes nothing) whose form POSTs the action (issue 17 #5).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { approveRegistration, declineRegistration, pendingRegistration } from '../app/review-registration.ts';
import { confirmPage } from './confirm.ts';
import { actorOf, errorPage, formToken, guard, seeOther, type FlashCookies, type RouteContext } from './support.ts';
import { tq } from '../portal-admin-messages.ts';
import { tr } from '../portal-route-messages.ts';

type WithId = FastifyRequest<{ Params: { id: string } }>;

const ACTIONS = {
  approve: {
    run: approveRegistration,
    done: (name: string) => tr('notice.approved', { name }),
    confirm: (name: string) => ({
      title: tr('conf.approveTitle', { name }),
      consequences: tr('conf.regApproveWhat'),
      confirmLabel: tr('conf.approve'),
      cancel: tr('conf.regApproveBack'),
      danger: false,
    }),
  },
  decline: {
    run: declineRegistration,
    done: (name: string) => tr('notice.regDeclined', { name }),
    confirm: (name: string) => ({
      title: tr('conf.regDeclineTitle', { name }),
      consequences: tr('conf.regDeclineWhat'),
      confirmLabel: tr('conf.regDecline'),
      cancel: tr('conf.regDeclineKeep'),
      danger: true,
    }),
  },
} as const;

export function registerRegistrationReviewRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  for (const [action, { run, done: said, confirm }] of Object.entries(ACTIONS)) {
    app.get(
      `/admin/registrations/:id/${action}`,
      guard(
        rc,
        async (request, reply, viewer) => {
          const id = (request as WithId).params.id;
          const found = await pendingRegistration(rc.ctx, id);
          if (!found.ok) return errorPage(reply, found.error, { viewer, form: formToken(rc, request, reply), back: { href: '/admin', label: tq('adm.queue') } });
          const c = confirm(found.value.client_name || id);
          return confirmPage(rc, request, reply, viewer, { title: c.title, consequences: c.consequences, action: `/admin/registrations/${encodeURIComponent(id)}/${action}`, confirmLabel: c.confirmLabel, cancel: { href: '/admin', label: c.cancel }, danger: c.danger }, 'admin');
        },
        { admin: true },
      ),
    );
    app.post(
      `/admin/registrations/:id/${action}`,
      guard(
        rc,
        async (request, reply, viewer) => {
          const done = await run(rc.ctx, actorOf(viewer), (request as WithId).params.id);
          if (!done.ok) return errorPage(reply, done.error, { viewer, form: formToken(rc, request, reply), back: { href: '/admin', label: tq('adm.queue') } });
          flash.set(reply, { notice: said(done.value.name) });
          return seeOther(reply, '/admin');
        },
        { admin: true },
      ),
    );
  }
}
