// The connected apps' spending budgets (issue 15), the user's side: lower a budget (at once), raise it up to its
// ceiling after a FRESH one-time code (sent now to the person's own address; the pending raise waits in a signed
// HttpOnly cookie bound to this portal session), pause or resume sending. Every route is signed-in only and every
// POST carries the CSRF token (guard); ids come from the form and are looked up for the signed-in person only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { currentLocale } from '../../web/i18n.ts';
import { formatAmount } from '../../web/format.ts';
import type { SafeHtml } from '../../web/html.ts';
import type { UserId } from '../../shared/brand.ts';
import type { BudgetView } from '../../shared/wallet-spend/grant-budgets.ts';
import { ta } from '../account-messages.ts';
import { createAppBudgets, legacyView, planChange, type AppBudgets, type BudgetProblem } from '../app/app-budgets.ts';
import type { ConnectedApp } from '../app/connected-apps.ts';
import { listConnectedApps } from '../app/connected-apps.ts';
import { PORTAL_CLIENT_ID } from '../app/ensure-portal-client.ts';
import { createFreshCode, type FreshCodeError } from '../app/fresh-code.ts';
import { tb } from '../budget-messages.ts';
import { budgetSection, budgetWords, raiseConfirmBody } from '../pages/budget-section.ts';
import type { FormToken } from '../pages/shell.ts';
import { accountReply } from './account-support.ts';
import { fields, formToken, guard, messagePage, seeOther, str, type FlashCookies, type RouteContext, type SignedIn } from './support.ts';

const RAISE_COOKIE = 'lg_portal_raise';
const RAISE_PATH = '/account/apps/budget';
/** As long as the identity module's code lives (CODE_TTL_SECONDS). */
const RAISE_SECONDS = 10 * 60;

interface PendingRaise {
  /** The portal session that asked (another session, or another browser, cannot finish it). */
  s: string;
  c: string;
  a: number;
  /** The fresh code's reference (fresh-code.ts). */
  r: string;
  /** Where the code went, partly hidden. */
  t: string;
  x: number;
}

const STATUS: Record<BudgetProblem['is'], number> = { amount: 400, input: 400, above: 400, notFound: 404, noBudget: 409, tooMany: 429, unavailable: 503 };

function problemWords(p: BudgetProblem): string {
  switch (p.is) {
    case 'amount':
      return tb('e.amount');
    case 'input':
      return tb('e.input');
    case 'above':
      return tb('e.above', { ceiling: formatAmount(p.ceiling, p.currency) });
    case 'notFound':
      return tb('e.notFound');
    case 'noBudget':
      return tb('e.noBudget');
    case 'tooMany':
      return tb('e.tooMany', { n: p.minutes });
    case 'unavailable':
      return tb('e.unavailable');
  }
}

const CODE_WORDS: Record<FreshCodeError, Parameters<typeof tb>[0]> = {
  format: 'e.codeFormat',
  wrong: 'e.codeWrong',
  expired: 'e.codeExpired',
  limited: 'e.codeLimited',
  undelivered: 'e.codeUndelivered',
  'no-address': 'e.noAddress',
};
const CODE_STATUS: Record<FreshCodeError, number> = { format: 400, wrong: 400, expired: 409, limited: 429, undelivered: 503, 'no-address': 409 };

/** The apps page's budget part for each app with `write` that has a budget (nothing without the budgets dep). */
export async function budgetExtras(rc: RouteContext, viewer: SignedIn, form: FormToken): Promise<((app: ConnectedApp, n: number) => SafeHtml | '') | undefined> {
  const budgets = rc.ctx.budgets;
  if (!budgets) return undefined;
  const byClient = new Map((await budgets.grants.budgetsOf(viewer.userId)).map((v) => [v.clientId, v]));
  const priceCents = await budgets.priceCents().catch(() => undefined);
  return (app, n) => {
    if (!app.scopes.includes('write')) return '';
    const view = byClient.get(app.clientId) ?? legacyView(app.clientId, rc.ctx.config.writeBudgetDefault ?? null);
    return budgetSection({ view, clientId: app.clientId, appName: app.name, n, form, priceCents });
  };
}

export function registerAppBudgetRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const ctx = rc.ctx;
  if (!ctx.budgets) return;
  const budgets: AppBudgets = createAppBudgets(ctx, ctx.budgets);
  const fresh = createFreshCode(rc.identity);
  const secure = ctx.config.cookiesSecure;
  const back = { href: '/account/apps', label: ta('acc.apps') };

  const refuse = (request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, status: number, message: string) =>
    messagePage(reply, status, tb('e.title'), message, { viewer, form: formToken(rc, request, reply), back });
  const refuseProblem = (request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, p: BudgetProblem) => refuse(request, reply, viewer, STATUS[p.is], problemWords(p));
  const price = () => ctx.budgets!.priceCents().catch(() => undefined);
  const wordsOf = async (view: BudgetView) => budgetWords(view.budget, await price());

  function pendingOf(request: FastifyRequest, viewer: SignedIn): PendingRaise | undefined {
    const raw = request.cookies[RAISE_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    if (!unsigned?.valid || !unsigned.value) return undefined;
    try {
      const p = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as PendingRaise;
      const fresh = typeof p.x === 'number' && p.x > Date.now();
      return p.s === viewer.sessionId && typeof p.c === 'string' && Number.isSafeInteger(p.a) && typeof p.r === 'string' && typeof p.t === 'string' && fresh ? p : undefined;
    } catch {
      return undefined;
    }
  }
  const clearPending = (reply: FastifyReply) => reply.clearCookie(RAISE_COOKIE, { path: RAISE_PATH });

  async function appName(userId: string, clientId: string): Promise<string> {
    const listed = await listConnectedApps(ctx, userId, [PORTAL_CLIENT_ID]);
    return (listed.ok ? listed.value.find((a) => a.clientId === clientId)?.name : undefined) ?? clientId;
  }

  /** The person's budget for this app; a legacy `write` grant of theirs (no row yet) gets its default row first. */
  async function findOrAdopt(viewer: SignedIn, clientId: string) {
    const found = await budgets.find(viewer.userId, clientId);
    if (found.ok || found.error.is !== 'notFound' || !clientId || clientId.length > 255) return found;
    const listed = await listConnectedApps(ctx, viewer.userId, [PORTAL_CLIENT_ID]);
    if (!listed.ok || !listed.value.some((a) => a.clientId === clientId && a.scopes.includes('write'))) return found;
    await budgets.adopt(viewer.userId, clientId);
    return budgets.find(viewer.userId, clientId);
  }

  /** The account's Activity shows budget changes (a raise by a stolen session would be seen there). */
  const record = async (viewer: SignedIn, kind: string, clientId: string) => rc.identity.recordActivity(viewer.userId as UserId, kind, await appName(viewer.userId, clientId));

  async function confirmPage(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, pending: PendingRaise, o: { error?: string; status?: number } = {}) {
    const found = await budgets.find(viewer.userId, pending.c);
    if (!found.ok || !found.value.budget) {
      clearPending(reply);
      return refuseProblem(request, reply, viewer, found.ok ? { is: 'noBudget' } : found.error);
    }
    const raised = { ...found.value.budget, limit: { ...found.value.budget.limit, amount: pending.a } };
    const form = formToken(rc, request, reply);
    const body = raiseConfirmBody({ app: await appName(viewer.userId, pending.c), words: budgetWords(raised, await price()), to: pending.t, form, error: o.error });
    reply.header('cache-control', 'no-store');
    return accountReply(reply, { title: tb('b.confirm'), viewer, current: 'apps', form, body }, o.status ?? 200);
  }

  app.post(
    RAISE_PATH,
    guard(rc, async (request, reply, viewer) => {
      const body = fields(request);
      const clientId = str(body.client_id);
      const found = await findOrAdopt(viewer, clientId);
      if (!found.ok) return refuseProblem(request, reply, viewer, found.error);
      const plan = planChange(found.value, body.amount);
      if (!plan.ok) return refuseProblem(request, reply, viewer, plan.error);
      if (plan.value.kind !== 'raise') {
        const lowered = await budgets.lower(viewer.userId, clientId, plan.value.amount);
        if (!lowered.ok) return refuseProblem(request, reply, viewer, lowered.error);
        if (plan.value.kind === 'lower') await record(viewer, 'budget-lowered', clientId);
        flash.set(reply, { notice: tb(plan.value.kind === 'same' ? 'b.same' : 'b.lowered', { words: await wordsOf(lowered.value) }) });
        return seeOther(reply, '/account/apps');
      }
      const counted = await budgets.startRaise(viewer.userId);
      if (!counted.ok) return refuseProblem(request, reply, viewer, counted.error);
      const sent = await fresh.send(viewer.userId, { ip: request.ip, locale: currentLocale() });
      if (!sent.ok) return refuse(request, reply, viewer, CODE_STATUS[sent.error], tb(CODE_WORDS[sent.error]));
      const pending: PendingRaise = { s: viewer.sessionId, c: clientId, a: plan.value.amount, r: sent.value.ref, t: sent.value.to, x: Date.now() + RAISE_SECONDS * 1000 };
      reply.setCookie(RAISE_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), { path: RAISE_PATH, httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: RAISE_SECONDS });
      return seeOther(reply, `${RAISE_PATH}/confirm`);
    }),
  );

  app.get(
    `${RAISE_PATH}/confirm`,
    guard(rc, async (request, reply, viewer) => {
      const pending = pendingOf(request, viewer);
      if (!pending) return refuse(request, reply, viewer, 409, tb('e.noPending'));
      return confirmPage(request, reply, viewer, pending);
    }),
  );

  app.post(
    `${RAISE_PATH}/confirm`,
    guard(rc, async (request, reply, viewer) => {
      const pending = pendingOf(request, viewer);
      if (!pending) return refuse(request, reply, viewer, 409, tb('e.noPending'));
      const checked = await fresh.check(viewer.userId, pending.r, fields(request).code, { ip: request.ip });
      if (!checked.ok) {
        const e = checked.error;
        if (e === 'format' || e === 'wrong') return confirmPage(request, reply, viewer, pending, { error: tb(CODE_WORDS[e]), status: 400 });
        clearPending(reply);
        return refuse(request, reply, viewer, CODE_STATUS[e], tb(CODE_WORDS[e]));
      }
      clearPending(reply);
      const raised = await budgets.raise(viewer.userId, pending.c, pending.a);
      if (!raised.ok) return refuseProblem(request, reply, viewer, raised.error);
      await record(viewer, 'budget-raised', pending.c);
      flash.set(reply, { notice: tb('b.raised', { words: await wordsOf(raised.value) }) });
      return seeOther(reply, '/account/apps');
    }),
  );

  app.post(
    `${RAISE_PATH}/pause`,
    guard(rc, async (request, reply, viewer) => {
      const body = fields(request);
      const paused = str(body.paused);
      if (paused !== 'true' && paused !== 'false') return refuseProblem(request, reply, viewer, { is: 'input' });
      const found = await findOrAdopt(viewer, str(body.client_id));
      if (!found.ok) return refuseProblem(request, reply, viewer, found.error);
      const changed = await budgets.pause(viewer.userId, str(body.client_id), paused === 'true');
      if (!changed.ok) return refuseProblem(request, reply, viewer, changed.error);
      await record(viewer, paused === 'true' ? 'budget-paused' : 'budget-resumed', str(body.client_id));
      flash.set(reply, { notice: tb(paused === 'true' ? 'b.pausedNotice' : 'b.resumedNotice') });
      return seeOther(reply, '/account/apps');
    }),
  );
}
