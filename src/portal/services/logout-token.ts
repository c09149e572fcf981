// Validation of an OIDC Back-Channel Logout 1.0 logout token (section 2.6), with jose against the
// issuer's published keys: signature, iss, aud, iat (recent), typ logout+jwt, the back-channel
// logout event, a sub or sid, and no nonce (so an ID token can never pass for a logout token).
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

export const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token is sent at once; an older one is refused (iat, section 2.6 step 3). */
const MAX_AGE = '5m';

export interface LogoutClaims {
  sub?: string;
  sid?: string;
}

/** The token breaks a rule (400); anything else (keys unreachable) is an outage (503). */
export class InvalidLogoutToken extends Error {
  override name = 'InvalidLogoutToken';
}

const keySets = new Map<string, JWTVerifyGetKey>();
const keysOf = (jwksUri: string): JWTVerifyGetKey => {
  let keys = keySets.get(jwksUri);
  if (!keys) keySets.set(jwksUri, (keys = createRemoteJWKSet(new URL(jwksUri))));
  return keys;
};

/** The token's sub and sid, or an error saying which rule it broke. */
export async function verifyLogoutToken(token: string, expected: { issuer: string; jwksUri: string; clientId: string }): Promise<LogoutClaims> {
  const verified = await jwtVerify(token, keysOf(expected.jwksUri), {
    issuer: expected.issuer,
    audience: expected.clientId,
    typ: 'logout+jwt',
    maxTokenAge: MAX_AGE,
    requiredClaims: ['iat', 'jti'],
    clockTolerance: 30,
  }).catch((e: unknown) => {
    const outage = e instanceof errors.JWKSTimeout || !(e instanceof errors.JOSEError);
    throw outage ? e : new InvalidLogoutToken((e as Error).message);
  });
  const { payload } = verified;
  const events = payload.events as Record<string, unknown> | undefined;
  const event = events && typeof events === 'object' ? events[BACKCHANNEL_EVENT] : undefined;
  if (!event || typeof event !== 'object' || Array.isArray(event)) throw new InvalidLogoutToken('the logout token has no back-channel logout event');
  if ('nonce' in payload) throw new InvalidLogoutToken('a logout token must not contain a nonce');
  const sub = typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
  const sid = typeof payload.sid === 'string' && payload.sid ? payload.sid : undefined;
  if (!sub && !sid) throw new InvalidLogoutToken('the logout token names neither a subject nor a session');
  return { ...(sub ? { sub } : {}), ...(sid ? { sid } : {}) };
}
