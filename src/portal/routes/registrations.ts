// Admin routes for clients registered through RFC 7591 (issue 16): approve or decline from the review queue.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { approveRegistration, declineRegistration } from '../app/review-registration.ts';
import { actorOf, errorPage, formToken, guard, seeOther, type FlashCookies, type RouteContext } from './support.ts';

type WithId = FastifyRequest<{ Params: { id: string } }>;

export function registerRegistrationReviewRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  for (const [action, run, past] of [
    ['approve', approveRegistration, 'approved'],
    ['decline', declineRegistration, 'declined'],
  ] as const) {
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
