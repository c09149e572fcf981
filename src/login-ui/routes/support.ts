// What every route of the app shares: its dependencies, form helpers and the error pages.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import type { HydraAdmin } from '../../hydra-port/port.ts';
import type { HydraError, OAuth2Client } from '../../hydra-port/types.ts';
import type { IdentityService } from '../../identity/identity-service.ts';
import type { Csrf } from '../../web/csrf.ts';
import { allowFormTargets } from '../../web/security-headers.ts';
import type { FormContext } from '../pages/common.ts';
import { renderErrorPage, type ErrorPage } from '../pages/error-page.ts';
import type { FlowCookies, LoginState } from '../state.ts';
import type { BtcPrice } from '../budget.ts';
import { safeUrl } from '../../web/html.ts';
import { t } from '../messages.ts';
import { appName } from '../pages/common.ts';

export interface UiContext {
  config: Config;
  hydra: HydraAdmin;
  identity: IdentityService;
  csrf: Csrf;
  cookies: FlowCookies;
  /** The display currency's price for the consent page's budget (issue 15); without it, sats only. */
  price?: BtcPrice;
}

export type Kind = 'login' | 'consent' | 'logout' | 'device';

/**
 * A page of this app's flow: its forms end, after the authorization server's redirects, at one of the
 * app's callbacks (CSP form-action, which Chromium checks on each redirect after a form POST).
 */
export function allowAppTargets(reply: FastifyReply, client: Pick<OAuth2Client, 'redirect_uris' | 'post_logout_redirect_uris'> | null | undefined): void {
  allowFormTargets(reply, [...(client?.redirect_uris ?? []), ...(client?.post_logout_redirect_uris ?? [])]);
}

const noun = (kind: Kind): string => t(`flow.noun.${kind}`);

/** A challenge from a query string or form: a non-empty string of sane length, else undefined. */
export function challengeOf(value: unknown): string | undefined {
  // Well-formed Unicode only: a lone surrogate cannot be URL-encoded (found by the fuzz tests).
  return typeof value === 'string' && value.length > 0 && value.length <= 4096 && value.isWellFormed() ? value : undefined;
}

export const fields = (request: FastifyRequest): Record<string, unknown> =>
  request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};

export const str = (value: unknown): string => (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '');

export const pathWith = (path: string, param: string, challenge: string, extra = ''): string => `${path}?${param}=${encodeURIComponent(challenge)}${extra}`;

export function formContext(ctx: UiContext, request: FastifyRequest, reply: FastifyReply): FormContext {
  return { csrfField: ctx.csrf.field, csrfToken: ctx.csrf.issue(request, reply) };
}

export function sendHtml(reply: FastifyReply, body: string, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

export function sendError(reply: FastifyReply, page: ErrorPage) {
  return sendHtml(reply, renderErrorPage(page), page.status);
}

/** After every POST: 303 See Other, so a reload never re-submits (RFC 9110 section 15.4.4). */
export const seeOther = (reply: FastifyReply, url: string) => reply.redirect(url, 303);

export function missingChallenge(reply: FastifyReply, kind: Kind) {
  return sendError(reply, { status: 400, title: t('flow.incompleteTitle'), message: t('flow.incomplete', { noun: noun(kind) }) });
}

export function csrfRejected(reply: FastifyReply, back: string) {
  return sendError(reply, { status: 403, title: t('flow.expiredFormTitle'), message: t('flow.expiredForm'), action: { href: back, label: t('flow.tryAgain') } });
}

/**
 * "Already done" (issue 17 #3): the flow finished, so nothing here can continue it. Hydra's redirect_to is the
 * original authorization request, whose app has used its state by now: the honest way out is the app itself,
 * its registered website, never a replay of the flow.
 */
async function alreadyDone(reply: FastifyReply, hydra: HydraAdmin, kind: Kind, redirectTo: string | undefined) {
  const clientId = redirectTo ? URL.parse(redirectTo)?.searchParams.get('client_id') : undefined;
  const client = clientId ? await hydra.getClient(clientId) : undefined;
  const known = client?.ok ? client.value : undefined;
  const home = safeUrl(known?.client_uri);
  return sendError(reply, {
    status: 410,
    title: t('flow.doneTitle'),
    message: `${t('flow.done', { noun: noun(kind) })}${home ? '' : ` ${t('flow.doneClose')}`}`,
    ...(home ? { action: { href: home, label: t('flow.doneReturn', { app: appName(known) }) } } : {}),
  });
}

/** The admin API's answer about a challenge, as a page in plain words. Never a 500. */
export function hydraErrorPage(reply: FastifyReply, kind: Kind, error: HydraError, hydra: HydraAdmin) {
  if (error.status === 410) return alreadyDone(reply, hydra, kind, error.redirect_to);
  if (error.status === 404) return sendError(reply, { status: 404, title: t('flow.expiredTitle'), message: t('flow.expired', { noun: noun(kind) }) });
  if (error.status === 400 || error.status === 409) return sendError(reply, { status: error.status, title: t('flow.invalidTitle'), message: t('flow.invalid', { noun: noun(kind) }) });
  return sendError(reply, { status: 503, title: t('flow.unavailableTitle'), message: t('flow.unavailable') });
}

/** The login page of this challenge (`extra`: more query, starting with `&`). */
export const loginPath = (challenge: string, extra = ''): string => pathWith('/login', 'login_challenge', challenge, extra);

/** A login step's POST: its challenge, after the CSRF check; answers the request itself when either fails. */
export function loginPostChallenge(csrf: Csrf, request: FastifyRequest, reply: FastifyReply): string | undefined {
  const body = fields(request);
  const challenge = challengeOf(body.login_challenge);
  if (!challenge) {
    missingChallenge(reply, 'login');
    return undefined;
  }
  if (!csrf.verify(request, body[csrf.field])) {
    csrfRejected(reply, loginPath(challenge));
    return undefined;
  }
  return challenge;
}

/**
 * A second step's page (authenticator code, recovery code): the login challenge, this browser's state past the
 * first step and the login request's client, its redirect URIs allowed as form targets. Answers the request
 * itself (and gives undefined) when any of them is missing.
 */
export async function secondStepPage(
  ctx: UiContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ challenge: string; state: LoginState & { totpToken: string }; client: OAuth2Client } | undefined> {
  const challenge = challengeOf((request.query as Record<string, unknown>).login_challenge);
  if (!challenge) {
    await missingChallenge(reply, 'login');
    return undefined;
  }
  const state = ctx.cookies.loginState(request, challenge);
  const totpToken = state?.totpToken;
  if (!state || !totpToken) {
    await reply.redirect(loginPath(challenge), 302);
    return undefined;
  }
  const login = await ctx.hydra.getLoginRequest(challenge);
  if (!login.ok) {
    await hydraErrorPage(reply, 'login', login.error, ctx.hydra);
    return undefined;
  }
  allowAppTargets(reply, login.value.client);
  return { challenge, state: { ...state, totpToken }, client: login.value.client };
}
