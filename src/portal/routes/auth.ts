// Sign-in with Lightgate (the portal is an OAuth client of the auth server) and sign-out.
// The flow's checks (state, nonce, PKCE verifier) wait in a signed HttpOnly cookie until the callback;
// the session is a random token in an HttpOnly SameSite=Lax cookie, stored as its SHA-256.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newSessionToken } from '../services/session-token.ts';
import type { LoginChecks } from '../services/oidc-login.ts';
import { deleteSession, deleteSessionsOf, insertSession } from '../services/portal-store.ts';
import { InvalidLogoutToken } from '../services/logout-token.ts';
import { BACKCHANNEL_LOGOUT_PATH } from '../app/ensure-portal-client.ts';
import { signInBody } from '../pages/admin-pages.ts';
import { csrfRejected, fields, hashToken, localPath, page, SESSION_COOKIE, seeOther, type RouteContext } from './support.ts';
import { tr } from '../portal-route-messages.ts';
import { tq } from '../portal-admin-messages.ts';

const FLOW_COOKIE = 'lg_portal_flow';
/** A portal session lasts a working day at most (shorter than the auth server's login session). */
export const PORTAL_SESSION_SECONDS = 12 * 3600;

interface FlowState extends LoginChecks {
  returnTo: string;
}

export function registerAuthRoutes(app: FastifyInstance, rc: RouteContext): void {
  const secure = rc.ctx.config.cookiesSecure;
  const signInPage = (reply: FastifyReply, status: number, error: string) => page(reply, { title: tq('signin.title'), body: signInBody({ error }) }, status);

  app.get('/auth/login', async (request: FastifyRequest<{ Querystring: { return_to?: string } }>, reply) => {
    const client = await rc.portalClient();
    if (!client.ok) return signInPage(reply, 503, tr('signin.unavailable'));
    let started;
    try {
      started = await rc.login.start(client.value);
    } catch (error) {
      request.log.warn({ err: error }, 'portal sign-in could not start');
      return signInPage(reply, 503, tr('signin.unavailable'));
    }
    const flow: FlowState = { ...started.checks, returnTo: localPath(request.query.return_to) ?? '/apps' };
    reply.setCookie(FLOW_COOKIE, Buffer.from(JSON.stringify(flow)).toString('base64url'), { path: '/auth', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: 600 });
    return reply.redirect(started.url, 302);
  });

  app.get('/auth/callback', async (request, reply) => {
    const raw = request.cookies[FLOW_COOKIE];
    reply.clearCookie(FLOW_COOKIE, { path: '/auth' });
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    let flow: FlowState | undefined;
    try {
      flow = unsigned?.valid && unsigned.value ? (JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as FlowState) : undefined;
    } catch {
      flow = undefined;
    }
    if (!flow || typeof flow.state !== 'string' || typeof flow.verifier !== 'string' || typeof flow.nonce !== 'string') {
      return signInPage(reply, 400, tr('signin.expired'));
    }
    const query = new URL(request.url, 'http://portal.invalid').search;
    if (new URLSearchParams(query).get('error') === 'access_denied') return signInPage(reply, 400, tr('signin.cancelled'));
    const client = await rc.portalClient();
    if (!client.ok) return signInPage(reply, 503, tr('signin.unavailable'));
    let signedIn: Awaited<ReturnType<typeof rc.login.finish>>;
    try {
      // The callback as registered (the public portal URL), with the query the auth server sent.
      signedIn = await rc.login.finish(client.value, new URL(`${client.value.redirectUri}${query}`), flow);
    } catch (error) {
      request.log.warn({ err: error }, 'portal sign-in failed');
      return signInPage(reply, 400, tr('signin.incomplete'));
    }
    const token = newSessionToken();
    await insertSession(rc.ctx.db, { tokenHash: hashToken(token), userId: signedIn.sub, ttlSeconds: PORTAL_SESSION_SECONDS, sid: signedIn.sid, idTokenSealed: rc.ctx.box.seal(signedIn.idToken) });
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: PORTAL_SESSION_SECONDS });
    return seeOther(reply, flow.returnTo);
  });

  // Sign-out ends the portal session, then the Lightgate session through OIDC RP-Initiated Logout 1.0
  // (issue 19 #7): otherwise "Sign in" would go straight back in. The auth server comes back to '/'.
  app.post('/auth/logout', async (request, reply) => {
    if (!rc.csrf.verify(request, fields(request)[rc.csrf.field])) return csrfRejected(reply);
    const token = request.cookies[SESSION_COOKIE];
    const ended = token ? await deleteSession(rc.ctx.db, hashToken(token)) : undefined;
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    const idToken = ended?.idTokenSealed ? rc.ctx.box.open(ended.idTokenSealed) : undefined;
    const client = idToken ? await rc.portalClient() : undefined;
    if (!idToken || !client?.ok) return seeOther(reply, '/');
    try {
      return seeOther(reply, await rc.login.endSessionUrl(client.value, idToken, `${rc.ctx.config.urls.portal}/`));
    } catch (error) {
      request.log.warn({ err: error }, 'portal sign-out could not reach the auth server');
      return seeOther(reply, '/');
    }
  });

  // OIDC Back-Channel Logout 1.0 section 2.5: Lightgate POSTs a logout token when a sign-in session
  // ends; the portal sessions of that session (sid) or person (sub) end with it. No cookie, no CSRF
  // token: the signed logout token is the proof (section 2.6).
  app.post(BACKCHANNEL_LOGOUT_PATH, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const token = fields(request).logout_token;
    if (typeof token !== 'string' || !token || token.length > 16_384) return reply.code(400).send({ error: 'invalid_request', error_description: 'logout_token is required' });
    const client = await rc.portalClient();
    if (!client.ok) return reply.code(503).send({ error: 'temporarily_unavailable', error_description: 'the portal cannot verify logout tokens right now' });
    try {
      const claims = await rc.login.verifyLogoutToken(client.value, token);
      const ended = await deleteSessionsOf(rc.ctx.db, claims);
      request.log.info({ ended }, 'back-channel logout');
      return reply.code(200).send();
    } catch (error) {
      if (error instanceof InvalidLogoutToken) return reply.code(400).send({ error: 'invalid_request', error_description: `invalid logout token: ${error.message}` });
      request.log.warn({ err: error }, 'back-channel logout could not be verified');
      return reply.code(503).send({ error: 'temporarily_unavailable', error_description: 'the portal cannot verify logout tokens right now' });
    }
  });
}
