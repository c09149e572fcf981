// Cookies of the sign-in flow, signed with SECRETS_COOKIE. `lg_login` carries the identity step
// (which code, which pending session) for one login challenge; `lg_flash` carries one message to
// the page after a 303. Neither carries OAuth state: that stays in the authorization server.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Channel } from '../identity/domain/address.ts';

export interface LoginState {
  /** The login challenge this state belongs to. */
  challenge: string;
  channel: Channel;
  /** Normalised address the code went to. */
  address: string;
  /** emailLoginId (email only). */
  emailLoginId?: string;
  /** Phone delivery channel (sms or whatsapp). */
  phoneVia?: string;
  /** Keep me signed in. */
  remember: boolean;
  /** Session token waiting for its TOTP code. */
  totpToken?: string;
  /** When the last code was sent (epoch ms): the resend countdown and the route back to it (issue 17). */
  sentAt?: number;
  /** The code was tried too many times: the code page offers only a new code. */
  locked?: boolean;
}

/** The one-letter keys of cookies set before the names above: still read, so no sign-in in flight restarts. */
type LegacyLoginState = { c: string; m: Channel; a: string; id?: string; v?: string; r: boolean; t?: string };

function fromStored(stored: LoginState | LegacyLoginState): LoginState {
  if (!('c' in stored)) return stored;
  const { c, m, a, id, v, r, t } = stored;
  return { challenge: c, channel: m, address: a, remember: r, ...(id !== undefined ? { emailLoginId: id } : {}), ...(v !== undefined ? { phoneVia: v } : {}), ...(t !== undefined ? { totpToken: t } : {}) };
}

export interface Flash {
  /** Error message (plain words). */
  error?: string;
  /** Success message. */
  notice?: string;
  /** What the person had typed, to refill the form. */
  value?: string;
  /** The error is about the form's field (error summary, aria-invalid). */
  field?: boolean;
}

const LOGIN = 'lg_login';
const FLASH = 'lg_flash';

export function createFlowCookies(options: { secure: boolean; maxAgeSeconds: number }) {
  const base = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: options.secure, signed: true };
  const read = <T>(request: FastifyRequest, name: string): T | undefined => {
    const rawValue = request.cookies[name];
    if (!rawValue) return undefined;
    const unsigned = request.unsignCookie(rawValue);
    if (!unsigned.valid || !unsigned.value) return undefined;
    try {
      return JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as T;
    } catch {
      return undefined;
    }
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    /** The flow state, only when it belongs to this challenge. */
    loginState(request: FastifyRequest, challenge: string): LoginState | undefined {
      const stored = read<LoginState | LegacyLoginState>(request, LOGIN);
      const state = stored && typeof stored === 'object' ? fromStored(stored) : undefined;
      return state && state.challenge === challenge ? state : undefined;
    },
    setLoginState(reply: FastifyReply, state: LoginState): void {
      reply.setCookie(LOGIN, encode(state), { ...base, maxAge: options.maxAgeSeconds });
    },
    clearLoginState(reply: FastifyReply): void {
      reply.clearCookie(LOGIN, { path: '/' });
    },
    /** Reads and clears the flash. */
    takeFlash(request: FastifyRequest, reply: FastifyReply): Flash {
      const flash = read<Flash>(request, FLASH);
      if (flash) reply.clearCookie(FLASH, { path: '/' });
      return flash ?? {};
    },
    setFlash(reply: FastifyReply, flash: Flash): void {
      reply.setCookie(FLASH, encode(flash), { ...base, maxAge: 120 });
    },
  };
}
export type FlowCookies = ReturnType<typeof createFlowCookies>;
