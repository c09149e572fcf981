// Passkeys (WebAuthn, issue 17) with @simplewebauthn/server: register several per person, sign in with one
// (discoverable, so no address first), use one as the second step of a code sign-in, remove one.
// Every ceremony starts with a challenge that expires in five minutes, travels in a handle that the caller
// keeps in the asking browser's signed HttpOnly cookie (the handle is MACed with SECRETS_SYSTEM and names
// its purpose and what it is bound to: the login challenge, the pending session, the person registering),
// and is single use: finishing records the handle's hash, and a second finish finds it there. Starting
// writes nothing, so a page can carry its options (no fetch: the pages' CSP has no connect-src).
import { createHmac, randomUUID } from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { MAX_TOTP_ATTEMPTS } from '../domain/policy.ts';
import { deletePasskey, findPasskeyByCredential, insertActivity, insertPasskey, listPasskeysOf, markChallengeUsed, recordPasskeyUse, type ChallengePurpose, type PasskeyRow } from '../services/account-store.ts';
import { safeEqual, sha256 } from '../services/crypto.ts';
import { completeSessionTotp, findUserById, lockSession, recordSessionTotpFailure, revokeSessionById } from '../services/identity-store.ts';
import { addSeconds, type IdentityContext } from './context.ts';

// Loaded at the first ceremony, not at start-up (issue 18: ~0.1 s of CPU and 15 MB a process may never use).
const webauthn = () => import('@simplewebauthn/server');
const CHALLENGE_SECONDS = 600;
const MAX_PASSKEYS = 10;

export interface Passkey {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | undefined;
}

export interface Ceremony<O> {
  /** Keep it in the asking browser only (signed HttpOnly cookie); the finish call needs it. */
  handle: string;
  options: O;
}

type Out<T> = Promise<Result<T, IdentityError>>;
const toPasskey = (r: PasskeyRow): Passkey => ({ id: r.id, name: r.name, createdAt: new Date(r.created_at), lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : undefined });

interface HandleClaims {
  p: ChallengePurpose;
  /** SHA-256 of the binding. */
  b: string;
  u: UserId | null;
  /** The WebAuthn challenge (base64url). */
  c: string;
  /** Expiry, ms since the epoch. */
  e: number;
}

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(`webauthn-handle:${payload}`).digest('base64url');

function begin<O extends { challenge: string }>(ctx: IdentityContext, purpose: ChallengePurpose, userId: UserId | null, binding: string, options: O): Ceremony<O> {
  const claims: HandleClaims = { p: purpose, b: sha256(binding), u: userId, c: options.challenge, e: addSeconds(ctx.now(), CHALLENGE_SECONDS).getTime() };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { handle: `${payload}.${mac(ctx.codeSecrets[0]!, payload)}`, options };
}

/** The claims of this handle, once, if it is ours, live, and made for this purpose and binding. */
async function take(ctx: IdentityContext, handle: string, purpose: ChallengePurpose, binding: string): Promise<{ challenge: string; userId: UserId | null } | undefined> {
  if (!handle || handle.length > 2000) return undefined;
  const [payload = '', tag = ''] = handle.split('.');
  if (!ctx.codeSecrets.some((secret) => safeEqual(mac(secret, payload), tag))) return undefined;
  let claims: HandleClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as HandleClaims;
  } catch {
    return undefined;
  }
  const now = ctx.now();
  if (claims.p !== purpose || claims.b !== sha256(binding) || !(claims.e > now.getTime())) return undefined;
  const first = await markChallengeUsed(ctx.db, { handleHash: sha256(handle), purpose, userId: claims.u, binding: claims.b, challenge: claims.c, expiresAt: new Date(claims.e), now });
  return first ? { challenge: claims.c, userId: claims.u } : undefined;
}

export async function startRegistration(ctx: IdentityContext, userId: UserId): Out<Ceremony<PublicKeyCredentialCreationOptionsJSON>> {
  const user = await findUserById(ctx.db, userId);
  if (!user) return err(identityError('user_not_found'));
  const existing = await listPasskeysOf(ctx.db, userId);
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: ctx.webauthn.rpName,
    rpID: ctx.webauthn.rpId,
    userName: user.email ?? user.phone ?? userId,
    userID: new TextEncoder().encode(userId),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
    // Discoverable, so that "Sign in with a passkey" needs no address first.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  return ok(begin(ctx, 'register', userId, `register:${userId}`, options));
}

export async function finishRegistration(ctx: IdentityContext, input: { userId: UserId; handle: string; response: unknown; name: string }): Out<Passkey> {
  const row = await take(ctx, input.handle, 'register', `register:${input.userId}`);
  if (!row || row.userId !== input.userId) return err(identityError('passkey_invalid'));
  if ((await listPasskeysOf(ctx.db, input.userId)).length >= MAX_PASSKEYS) return err(identityError('rate_limited'));
  let verified;
  try {
    verified = await (await webauthn()).verifyRegistrationResponse({
      response: input.response as RegistrationResponseJSON,
      expectedChallenge: row.challenge,
      expectedOrigin: [...ctx.webauthn.origins],
      expectedRPID: ctx.webauthn.rpId,
      requireUserVerification: true,
    });
  } catch {
    return err(identityError('passkey_invalid'));
  }
  if (!verified.verified || !verified.registrationInfo) return err(identityError('passkey_invalid'));
  const { credential } = verified.registrationInfo;
  const now = ctx.now();
  const id = randomUUID();
  const name = input.name.trim().slice(0, 60) || 'Passkey';
  const added = await insertPasskey(ctx.db, { id, userId: input.userId, credentialId: credential.id, publicKey: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter, transports: credential.transports ?? [], name, now });
  if (!added) return err(identityError('passkey_invalid'));
  await insertActivity(ctx.db, { id: randomUUID(), userId: input.userId, kind: 'passkey-added', detail: name, now });
  return ok({ id, name, createdAt: now, lastUsedAt: undefined });
}

/** A sign-in with any passkey of this site (the browser offers the person's own), bound to `binding` (e.g. the login challenge). */
export async function startSignIn(ctx: IdentityContext, binding: string): Promise<Ceremony<PublicKeyCredentialRequestOptionsJSON>> {
  const options = await (await webauthn()).generateAuthenticationOptions({ rpID: ctx.webauthn.rpId, userVerification: 'required' });
  return begin(ctx, 'sign-in', null, `sign-in:${binding}`, options);
}

/** Checks an assertion against the stored passkey; the person it belongs to, or an error value. */
async function verifyAssertion(ctx: IdentityContext, challenge: string, response: unknown, onlyUser?: UserId): Out<{ userId: UserId }> {
  const credentialId = typeof response === 'object' && response !== null ? (response as { id?: unknown }).id : undefined;
  if (typeof credentialId !== 'string' || credentialId.length > 1400) return err(identityError('passkey_invalid'));
  const passkey = await findPasskeyByCredential(ctx.db, credentialId);
  if (!passkey || (onlyUser && passkey.user_id !== onlyUser)) return err(identityError('passkey_invalid'));
  let verified;
  try {
    verified = await (await webauthn()).verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: [...ctx.webauthn.origins],
      expectedRPID: ctx.webauthn.rpId,
      credential: { id: passkey.credential_id, publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')), counter: Number(passkey.counter), transports: passkey.transports as never },
      requireUserVerification: true,
    });
  } catch {
    return err(identityError('passkey_invalid'));
  }
  if (!verified.verified) return err(identityError('passkey_invalid'));
  await recordPasskeyUse(ctx.db, passkey.id, verified.authenticationInfo.newCounter, ctx.now());
  return ok({ userId: passkey.user_id });
}

export async function finishSignIn(ctx: IdentityContext, input: { handle: string; binding: string; response: unknown }): Out<{ userId: UserId }> {
  const row = await take(ctx, input.handle, 'sign-in', `sign-in:${input.binding}`);
  if (!row) return err(identityError('passkey_invalid'));
  return verifyAssertion(ctx, row.challenge, input.response);
}

/** The second step of a code sign-in with one of the person's passkeys (instead of the authenticator code). */
export async function startSecondFactor(ctx: IdentityContext, authToken: string): Out<Ceremony<PublicKeyCredentialRequestOptionsJSON>> {
  const session = await lockSession(ctx.db, sha256(authToken));
  if (!session || session.revoked_at || new Date(session.expires_at) <= ctx.now() || !session.totp_pending) return err(identityError('session_invalid'));
  const passkeys = await listPasskeysOf(ctx.db, session.user_id);
  if (!passkeys.length) return err(identityError('passkey_not_found'));
  const options = await (await webauthn()).generateAuthenticationOptions({ rpID: ctx.webauthn.rpId, userVerification: 'required', allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: p.transports as never })) });
  return ok(begin(ctx, 'second-factor', session.user_id, `second-factor:${session.id}`, options));
}

export async function finishSecondFactor(ctx: IdentityContext, input: { authToken: string; handle: string; response: unknown }): Out<{ userId: UserId }> {
  const now = ctx.now();
  const session = await lockSession(ctx.db, sha256(input.authToken));
  if (!session || session.revoked_at || new Date(session.expires_at) <= now || !session.totp_pending) return err(identityError('session_invalid'));
  const row = await take(ctx, input.handle, 'second-factor', `second-factor:${session.id}`);
  const checked = row ? await verifyAssertion(ctx, row.challenge, input.response, session.user_id) : err(identityError('passkey_invalid'));
  if (!checked.ok) {
    // The same lockout as wrong authenticator codes.
    const failed = await recordSessionTotpFailure(ctx.db, session.id);
    if (failed >= MAX_TOTP_ATTEMPTS) {
      await revokeSessionById(ctx.db, session.id, now);
      return err(identityError('session_invalid'));
    }
    return checked;
  }
  await completeSessionTotp(ctx.db, session.id, addSeconds(now, ctx.sessionTtlSeconds));
  return ok({ userId: session.user_id });
}

export const listPasskeys = async (ctx: IdentityContext, userId: UserId): Promise<Passkey[]> => (await listPasskeysOf(ctx.db, userId)).map(toPasskey);

export async function removePasskey(ctx: IdentityContext, userId: UserId, id: string): Out<void> {
  const list = await listPasskeysOf(ctx.db, userId);
  const gone = list.find((p) => p.id === id);
  if (!gone || !(await deletePasskey(ctx.db, userId, id))) return err(identityError('passkey_not_found'));
  await insertActivity(ctx.db, { id: randomUUID(), userId, kind: 'passkey-removed', detail: gone.name, now: ctx.now() });
  return ok(undefined);
}
