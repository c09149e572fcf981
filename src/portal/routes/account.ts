// The account area (issue 17 #9), apart from the developer pages: overview, connected apps (remove access after
// a confirmation page), recent activity (sign-ins, security changes, grants) and "sign out everywhere", which
// ends the person's login sessions at the authorization server (Hydra's revoke login sessions by subject),
// every portal session and every API session token. Signed-in only; every POST carries the CSRF token (guard).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UserId } from '../../shared/brand.ts';
import { ta } from '../account-messages.ts';
import { listConnectedApps, revokeConnectedApp } from '../app/connected-apps.ts';
import { PORTAL_CLIENT_ID } from '../app/ensure-portal-client.ts';
import { activityBody, appsBody, overviewBody, type ActivityItem } from '../pages/account-pages.ts';
import { deleteSessionsOf } from '../services/portal-store.ts';
import { accountConfirm, accountReply } from './account-support.ts';
import { budgetExtras } from './app-budgets.ts';
import { errorPage, fields, formToken, guard, messagePage, SESSION_COOKIE, seeOther, str, type FlashCookies, type RouteContext } from './support.ts';

const ACTIVITY_SHOWN = 50;

export function registerAccountRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const ctx = rc.ctx;
  const hide = [PORTAL_CLIENT_ID];

  app.get(
    '/account',
    guard(rc, async (request, reply, viewer) => {
      const form = formToken(rc, request, reply);
      const apps = await listConnectedApps(ctx, viewer.userId, hide);
      const user = await rc.identity.getUser(viewer.userId);
      const passkeys = await rc.identity.listPasskeys(viewer.userId as UserId);
      const body = overviewBody({ who: viewer.label, apps: apps.ok ? apps.value.length : 0, totp: user?.totpEnabled ?? false, passkeys: passkeys.length });
      return accountReply(reply, { title: ta('acc.overview'), viewer, current: 'overview', form, flash: flash.take(request, reply), body });
    }),
  );

  app.get(
    '/account/apps',
    guard(rc, async (request, reply, viewer) => {
      const listed = await listConnectedApps(ctx, viewer.userId, hide);
      const form = formToken(rc, request, reply);
      if (!listed.ok) return errorPage(reply, listed.error, { viewer, form, back: { href: '/account', label: ta('acc.overview') } });
      const budget = await budgetExtras(rc, viewer, form);
      return accountReply(reply, { title: ta('acc.apps'), viewer, current: 'apps', form, flash: flash.take(request, reply), body: appsBody({ apps: listed.value, ...(budget ? { budget } : {}) }) });
    }),
  );

  app.get(
    '/account/apps/remove',
    guard(rc, async (request, reply, viewer) => {
      const clientId = str((request as FastifyRequest<{ Querystring: Record<string, unknown> }>).query.client_id);
      const listed = await listConnectedApps(ctx, viewer.userId, hide);
      const found = listed.ok ? listed.value.find((a) => a.clientId === clientId) : undefined;
      const form = formToken(rc, request, reply);
      if (!found) return messagePage(reply, 404, ta('acc.notFound'), ta('acc.appNotConnected'), { viewer, form, back: { href: '/account/apps', label: ta('acc.apps') } });
      return accountConfirm(reply, {
        viewer,
        current: 'apps',
        form,
        confirmation: {
          title: ta('acc.removeTitle', { app: found.name }),
          consequences: ta('acc.removeWhat', { app: found.name }),
          action: '/account/apps/remove',
          fields: { client_id: found.clientId },
          confirmLabel: ta('acc.remove'),
          cancel: { href: '/account/apps', label: ta('acc.removeKeep') },
          danger: true,
        },
      });
    }),
  );

  app.post(
    '/account/apps/remove',
    guard(rc, async (request, reply, viewer) => {
      const revoked = await revokeConnectedApp(ctx, viewer.userId, str(fields(request).client_id));
      if (!revoked.ok) return errorPage(reply, revoked.error, { viewer, form: formToken(rc, request, reply), back: { href: '/account/apps', label: ta('acc.apps') } });
      flash.set(reply, { notice: ta('acc.removed') });
      return seeOther(reply, '/account/apps');
    }),
  );

  app.get(
    '/account/activity',
    guard(rc, async (request, reply, viewer) => {
      const own = await rc.identity.activity(viewer.userId as UserId, ACTIVITY_SHOWN);
      const apps = await listConnectedApps(ctx, viewer.userId, hide);
      const grants: ActivityItem[] = apps.ok ? apps.value.map((a) => ({ kind: 'grant', detail: a.name, at: a.grantedAt })) : [];
      const items = [...own, ...grants].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, ACTIVITY_SHOWN);
      const form = formToken(rc, request, reply);
      return accountReply(reply, { title: ta('acc.activity'), viewer, current: 'activity', form, body: activityBody(items) });
    }),
  );

  app.get(
    '/account/security/sign-out-everywhere',
    guard(rc, async (request, reply, viewer) =>
      accountConfirm(reply, {
        viewer,
        current: 'security',
        form: formToken(rc, request, reply),
        confirmation: {
          title: ta('sec.everywhereTitle'),
          consequences: ta('sec.everywhereWhat'),
          action: '/account/security/sign-out-everywhere',
          confirmLabel: ta('sec.everywhere'),
          cancel: { href: '/account/security', label: ta('sec.everywhereKeep') },
          danger: true,
        },
      }),
    ),
  );

  app.post(
    '/account/security/sign-out-everywhere',
    guard(rc, async (request, reply, viewer) => {
      const userId = viewer.userId as UserId;
      // The authorization server first: if it cannot be reached, nothing is half done and the person can retry.
      const ended = await ctx.admin.revokeLoginSessions(userId);
      if (!ended.ok) return messagePage(reply, 503, ta('acc.tryAgain'), ta('acc.everywhereFailed'), { viewer, form: formToken(rc, request, reply), back: { href: '/account/security', label: ta('acc.security') } });
      await rc.identity.revokeAllSessions(userId);
      await deleteSessionsOf(ctx.db, { sub: userId });
      await rc.identity.recordActivity(userId, 'signed-out-everywhere');
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      request.log.info({ userId }, 'signed out everywhere');
      return messagePage(reply, 200, ta('sec.everywhereDone'), ta('sec.everywhereDone'), { back: { href: '/', label: ta('acc.overview') } });
    }),
  );
}
