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
import type { FlowCookies } from '../state.ts';

export interface UiContext {
  config: Config;
  hydra: HydraAdmin;
  identity: IdentityService;
  csrf: Csrf;
  cookies: FlowCookies;
}

export type Kind = 'login' | 'consent' | 'logout' | 'device';

/**
 * A page of this app's flow: its forms end, after the authorization server's redirects, at one of the
 * app's callbacks (CSP form-action, which Chromium checks on each redirect after a form POST).
 */
export function allowAppTargets(reply: FastifyReply, client: Pick<OAuth2Client, 'redirect_uris' | 'post_logout_redirect_uris'> | null | undefined): void {
  allowFormTargets(reply, [...(client?.redirect_uris ?? []), ...(client?.post_logout_redirect_uris ?? [])]);
}

const NOUN: Record<Kind, string> = { login: 'sign-in request', consent: 'permission request', logout: 'sign-out request', device: 'device sign-in' };

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
  return sendError(reply, {
    status: 400,
    title: 'This link is incomplete',
    message: `The ${NOUN[kind]} is missing from the address. Go back to the app and start again.`,
  });
}

export function csrfRejected(reply: FastifyReply, back: string) {
  return sendError(reply, {
    status: 403,
    title: 'This form has expired',
    message: 'For your safety we could not accept this form. It may have been open too long, or sent from another site. Nothing was changed.',
    action: { href: back, label: 'Try again' },
  });
}

/** The admin API's answer about a challenge, as a page in plain words. Never a 500. */
export function hydraErrorPage(reply: FastifyReply, kind: Kind, error: HydraError) {
  const noun = NOUN[kind];
  if (error.status === 410) {
    return sendError(reply, {
      status: 410,
      title: 'Already done',
      message: `This ${noun} was already completed, so it cannot be used again.`,
      ...(error.redirect_to ? { action: { href: error.redirect_to, label: 'Continue to the app' } } : {}),
    });
  }
  if (error.status === 404) {
    return sendError(reply, {
      status: 404,
      title: 'This request has expired',
      message: `We could not find this ${noun}: it expired or the link is wrong. Go back to the app and start again.`,
    });
  }
  if (error.status === 400 || error.status === 409) {
    return sendError(reply, { status: error.status, title: 'This link is not valid', message: `The ${noun} cannot continue. Go back to the app and start again.` });
  }
  return sendError(reply, { status: 503, title: 'Sign-in is unavailable', message: 'We cannot reach the sign-in service right now. Please try again in a moment.' });
}
