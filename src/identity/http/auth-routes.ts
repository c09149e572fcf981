// Blink's core auth endpoints (mounted on the API server, port 4002). Thin: parse, call the identity
// service, map its error values to a status and {error: {code, message}} in one place.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseUnavailableError } from '../../db/database.ts';
import type { Result } from '../../shared/result.ts';
import { negotiateLocale } from '../../web/locale.ts';
import { IDENTITY_ERROR_MESSAGES, type IdentityError, type IdentityErrorCode } from '../domain/errors.ts';
import type { IdentityService, LoginSuccess } from '../identity-service.ts';

export interface AuthRoutesOptions {
  identity: IdentityService;
}

const STATUS: Record<IdentityErrorCode, number> = {
  invalid_email: 400,
  invalid_phone: 400,
  invalid_channel: 400,
  invalid_request: 400,
  rate_limited: 429,
  delivery_failed: 503,
  code_invalid: 422,
  code_expired: 422,
  totp_invalid: 422,
  totp_not_pending: 422,
  totp_already_enabled: 409,
  totp_not_enabled: 409,
  registration_invalid: 422,
  session_invalid: 401,
  user_not_found: 404,
  phone_unavailable: 400,
  email_already_set: 409,
  email_taken: 409,
  email_not_set: 409,
  email_only_address: 409,
  recovery_code_invalid: 422,
  passkey_invalid: 422,
  passkey_not_found: 404,
};

function sendError(reply: FastifyReply, error: IdentityError) {
  if (error.retryAfter) reply.header('retry-after', String(error.retryAfter));
  if (error.code === 'session_invalid') reply.header('www-authenticate', 'Bearer error="invalid_token"');
  const { code, ...extra } = error;
  return reply.code(STATUS[code]).send({ error: { code, message: IDENTITY_ERROR_MESSAGES[code], ...extra } });
}

/** Blink's answer to a code login, by email or phone alike. */
const loginAnswer = (v: LoginSuccess) => ({ result: { authToken: v.authToken, totpRequired: v.totpRequired, id: v.userId } });

function reply<T>(res: FastifyReply, result: Result<T, IdentityError>, shape: (value: T) => unknown) {
  return result.ok ? res.send(shape(result.value)) : sendError(res, result.error);
}

const body = (request: FastifyRequest): Record<string, unknown> =>
  request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};

/** The token of `Authorization: Bearer <token>` (RFC 6750 section 2.1). */
export function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** The language the code's message is written in: the app's Accept-Language (Blink's apps send it), else English. */
const localeOf = (request: FastifyRequest) => negotiateLocale(typeof request.headers['accept-language'] === 'string' ? request.headers['accept-language'] : undefined);

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const { identity } = options;

  app.setErrorHandler((error: FastifyError, request, res) => {
    if (error instanceof DatabaseUnavailableError) return res.code(503).send({ error: { code: 'unavailable', message: 'The service is briefly unavailable. Try again.' } });
    const status = error.statusCode ?? 500;
    if (status < 500) return res.code(status).send({ error: { code: 'invalid_request', message: IDENTITY_ERROR_MESSAGES.invalid_request } });
    request.log.error({ err: error }, 'auth route failed');
    return res.code(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
  });

  /** Resolves the Bearer session or answers 401 itself. */
  const authenticated = async (request: FastifyRequest, res: FastifyReply) => {
    const session = await identity.verifySessionToken(bearerToken(request) ?? '');
    if (!session) sendError(res, { code: 'session_invalid' });
    return session;
  };

  /** A public route: the JSON body to one identity use case, its result answered in Blink's shape. */
  const route = <T>(path: string, run: (b: Record<string, unknown>, request: FastifyRequest) => Promise<Result<T, IdentityError>>, shape: (value: T) => unknown) =>
    app.post(path, async (request, res) => reply(res, await run(body(request), request), shape));

  route('/auth/email/code', (b, request) => identity.requestEmailCode({ email: b.email, ip: request.ip, locale: localeOf(request) }), (v) => ({ result: v.emailLoginId }));
  route('/auth/email/login', (b, request) => identity.loginWithEmail({ emailLoginId: b.emailLoginId, code: b.code, ip: request.ip }), loginAnswer);
  route('/auth/phone/code', (b, request) => identity.requestPhoneCode({ phone: b.phone, channel: b.channel, ip: request.ip, locale: localeOf(request) }), () => ({ success: true }));
  route('/auth/phone/login', (b, request) => identity.loginWithPhone({ phone: b.phone, code: b.code, ip: request.ip }), loginAnswer);
  route(
    '/auth/totp/validate',
    (b, request) => identity.validateTotp({ authToken: b.authToken ?? bearerToken(request), totpCode: b.totpCode }),
    (v) => ({ result: { authToken: v.authToken, id: v.userId } }),
  );

  app.post('/auth/logout', async (request, res) => {
    const b = body(request);
    const token = bearerToken(request) ?? (typeof b.authToken === 'string' ? b.authToken : '');
    if (!token) return sendError(res, { code: 'invalid_request' });
    await identity.logout(token);
    // Same answer for a live and an already-ended session: logging out is idempotent.
    return res.send({ success: true });
  });

  app.post('/auth/totp/register/initiate', async (request, res) => {
    const session = await authenticated(request, res);
    if (!session) return res;
    return reply(res, await identity.initiateTotp(session.userId), (v) => ({ result: v }));
  });

  app.post('/auth/totp/register/validate', async (request, res) => {
    const session = await authenticated(request, res);
    if (!session) return res;
    const b = body(request);
    const result = await identity.confirmTotp({ userId: session.userId, totpRegistrationId: b.totpRegistrationId, totpCode: b.totpCode });
    return reply(res, result, () => ({ success: true }));
  });

  app.post('/auth/totp/delete', async (request, res) => {
    const session = await authenticated(request, res);
    if (!session) return res;
    // Over HTTP a current code is required to turn the second factor off.
    const totpCode = body(request).totpCode;
    if (typeof totpCode !== 'string') return sendError(res, { code: 'invalid_request' });
    const result = await identity.disableTotp({ userId: session.userId, totpCode });
    return reply(res, result, () => ({ success: true }));
  });
}
