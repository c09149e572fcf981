// The developer's routes: apply, follow, edit, rotate, integrate, delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Application } from '../domain/application.ts';
import { HYDRA_PATHS } from '../domain/hydra-paths.ts';
import { takeClientSecret, rotateClientSecret } from '../app/client-secret.ts';
import { deleteApplication } from '../app/delete-application.ts';
import { editApplication } from '../app/edit-application.ts';
import { submitApplication } from '../app/submit-application.ts';
import { graceWords } from '../pages/confirm-page.ts';
import { appBody, appFormBody, appsListBody, deleteBody, formValues, integrationBody } from '../pages/apps-pages.ts';
import { findApplication, listApplicationsOf } from '../services/portal-store.ts';
import type { FormToken } from '../pages/shell.ts';
import { actorOf, errorPage, fields, formToken, guard, messagePage, page, seeOther, type FlashCookies, type RouteContext, type SignedIn } from './support.ts';
import { tr } from '../portal-route-messages.ts';
import { problemText } from './problem-words.ts';
import { tp } from '../portal-messages.ts';

type WithId = FastifyRequest<{ Params: { id: string } }>;

/** What was typed, to refill the form when the application is refused as a whole. */
const formValuesOf = (body: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v.join(k === 'scopes' ? ' ' : '\n') : typeof v === 'string' ? v : '']));

export function registerAppRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const ctx = rc.ctx;
  const own = async (viewer: SignedIn, id: string) => {
    const found = await findApplication(ctx.db, id);
    return found && found.ownerId === viewer.userId ? found : undefined;
  };
  const notFound = () => ({ code: 'NOT_FOUND' as const, problem: { is: 'noSuchApp' as const } });
  /** A page of one of the viewer's own apps; any other id gets the same not-found page. */
  const ownAppPage = (path: string, render: (o: { found: Application; form: FormToken; request: FastifyRequest; reply: FastifyReply; viewer: SignedIn }) => unknown) =>
    app.get(
      path,
      guard(rc, async (request, reply, viewer) => {
        const found = await own(viewer, (request as WithId).params.id);
        const form = formToken(rc, request, reply);
        if (!found) return errorPage(reply, notFound(), { viewer, form, back: { href: '/apps', label: tr('back.apps') } });
        return render({ found, form, request, reply, viewer });
      }),
    );

  app.get(
    '/apps',
    guard(rc, async (request, reply, viewer) =>
      page(reply, { title: tp('apps.title'), viewer, current: 'apps', form: formToken(rc, request, reply), flash: flash.take(request, reply), body: appsListBody(await listApplicationsOf(ctx.db, viewer.userId)) }),
    ),
  );

  app.get(
    '/apps/new',
    guard(rc, async (request, reply, viewer) => {
      const form = formToken(rc, request, reply);
      return page(reply, { title: tp('apps.apply'), viewer, current: 'apps', form, body: appFormBody({ form, action: '/apps', state: { values: { auth_method: 'client_secret_basic', scopes: 'read' }, errors: {} } }) });
    }),
  );

  app.post(
    '/apps',
    guard(rc, async (request, reply, viewer) => {
      const submitted = await submitApplication(ctx, viewer.userId, fields(request));
      if (!submitted.ok) {
        const e = submitted.error;
        const form = formToken(rc, request, reply);
        const state = { values: e.code === 'INVALID_INPUT' ? (e.values ?? {}) : {}, errors: e.code === 'INVALID_INPUT' ? (e.fields ?? {}) : {}, message: problemText(e.problem) };
        return page(reply, { title: tp('apps.apply'), viewer, current: 'apps', form, body: appFormBody({ form, action: '/apps', state: e.code === 'INVALID_INPUT' ? state : { ...state, values: formValuesOf(fields(request)) } }) }, e.code === 'INVALID_INPUT' ? 400 : 409);
      }
      flash.set(reply, { notice: tr('notice.submitted') });
      return seeOther(reply, `/apps/${submitted.value.id}`);
    }),
  );

  ownAppPage('/apps/:id', async ({ found, form, request, reply, viewer }) => {
    const secret = await takeClientSecret(ctx, viewer.userId, found.id);
    return page(reply, { title: found.name, viewer, current: 'apps', form, flash: flash.take(request, reply), body: appBody({ app: found, secret, form }) });
  });

  ownAppPage('/apps/:id/edit', ({ found, form, reply, viewer }) =>
    page(reply, { title: tp('form.editHeading', { name: found.name }), viewer, current: 'apps', form, body: appFormBody({ form, action: `/apps/${found.id}`, editing: found, state: { values: formValues(found), errors: {} } }) }),
  );

  app.post(
    '/apps/:id',
    guard(rc, async (request, reply, viewer) => {
      const id = (request as WithId).params.id;
      const edited = await editApplication(ctx, actorOf(viewer), id, fields(request));
      if (!edited.ok) {
        const e = edited.error;
        const form = formToken(rc, request, reply);
        const found = await own(viewer, id);
        if (e.code !== 'INVALID_INPUT' || !found) return errorPage(reply, e, { viewer, form, back: { href: `/apps/${id}`, label: tr('back.app') } });
        const state = { values: e.values ?? formValues(found), errors: e.fields ?? {}, message: problemText(e.problem) };
        return page(reply, { title: tp('form.editHeading', { name: found.name }), viewer, current: 'apps', form, body: appFormBody({ form, action: `/apps/${id}`, editing: found, state }) }, 400);
      }
      const a = edited.value;
      flash.set(reply, { notice: a.status === 'pending' ? tr(a.clientId ? 'notice.savedReview' : 'notice.savedSent') : tr('notice.saved') });
      return seeOther(reply, `/apps/${id}`);
    }),
  );

  app.post(
    '/apps/:id/rotate',
    guard(rc, async (request, reply, viewer) => {
      const id = (request as WithId).params.id;
      const rotated = await rotateClientSecret(ctx, viewer.userId, id);
      if (!rotated.ok) return errorPage(reply, rotated.error, { viewer, form: formToken(rc, request, reply), back: { href: `/apps/${id}`, label: tr('back.app') } });
      flash.set(reply, { notice: tr('notice.rotated', { grace: graceWords(ctx.config.clientSecretRotationGrace) }) });
      return seeOther(reply, `/apps/${id}`);
    }),
  );

  ownAppPage('/apps/:id/integration', ({ found, form, reply, viewer }) => {
    if (!found.clientId) return messagePage(reply, 409, tr('err.cannot'), tr('err.notApproved'), { viewer, form, back: { href: '/apps', label: tr('back.apps') } });
    const issuer = ctx.config.urls.issuer;
    const urls = { issuer, discovery: `${issuer}/.well-known/openid-configuration`, authorize: `${issuer}${HYDRA_PATHS.authorize}`, token: `${issuer}${HYDRA_PATHS.token}`, api: ctx.config.urls.api };
    return page(reply, { title: tp('int.heading', { name: found.name }), viewer, current: 'apps', form, body: integrationBody({ app: found, urls }) });
  });

  ownAppPage('/apps/:id/delete', ({ found, form, reply, viewer }) => page(reply, { title: tp('del.heading', { name: found.name }), viewer, current: 'apps', form, body: deleteBody({ app: found, form }) }));

  app.post(
    '/apps/:id/delete',
    guard(rc, async (request, reply, viewer) => {
      const deleted = await deleteApplication(ctx, viewer.userId, (request as WithId).params.id);
      if (!deleted.ok) return errorPage(reply, deleted.error, { viewer, form: formToken(rc, request, reply), back: { href: '/apps', label: tr('back.apps') } });
      flash.set(reply, { notice: tr('notice.deleted') });
      return seeOther(reply, '/apps');
    }),
  );
}
