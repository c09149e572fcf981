// Admin routes for clients registered through RFC 7591 (issue 16): approve or decline from the review queue,
// each confirmed first on a page of its own (GET, changes nothing) whose form POSTs the action (issue 17 #5).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { approveRegistration, declineRegistration, pendingRegistration } from '../app/review-registration.ts';
import { confirmPage } from './confirm.ts';
import { actorOf, errorPage, formToken, guard, seeOther, type FlashCookies, type RouteContext } from './support.ts';

type WithId = FastifyRequest<{ Params: { id: string } }>;

const ACTIONS = {
  approve: {
    run: approveRegistration,
    past: 'approved',
    confirm: (name: string) => ({
      title: `Approve ${name}?`,
      consequences: 'The client becomes active: it can send people to sign in and ask for the permissions listed, with the callback URLs listed. Check them before approving.',
      confirmLabel: 'Approve',
      cancel: 'Back to the review queue',
      danger: false,
    }),
  },
  decline: {
    run: declineRegistration,
    past: 'declined',
    confirm: (name: string) => ({
      title: `Decline ${name}?`,
      consequences: 'The registration is deleted, with its client ID and secret. This cannot be undone: the developer would have to register again.',
      confirmLabel: 'Decline and delete',
      cancel: 'Keep it in the queue',
      danger: true,
    }),
  },
} as const;

export function registerRegistrationReviewRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  for (const [action, { run, past, confirm }] of Object.entries(ACTIONS)) {
    app.get(
      `/admin/registrations/:id/${action}`,
      guard(
        rc,
        async (request, reply, viewer) => {
          const id = (request as WithId).params.id;
          const found = await pendingRegistration(rc.ctx, id);
          if (!found.ok) return errorPage(reply, found.error, { viewer, form: formToken(rc, request, reply), back: { href: '/admin', label: 'Review queue' } });
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
          if (!done.ok) return errorPage(reply, done.error, { viewer, form: formToken(rc, request, reply), back: { href: '/admin', label: 'Review queue' } });
          flash.set(reply, { notice: `${done.value.name} was ${past}.` });
          return seeOther(reply, '/admin');
        },
        { admin: true },
      ),
    );
  }
}
