// Checks a DPoP proof (RFC 9449 section 4.3) at a resource server: signature by the embedded public key,
// typ, htm, htu (against the URL this deployment is configured to serve, never one built from request
// headers), iat, ath, the key's thumbprint against the token's cnf.jkt, the server nonce when one is
// required, and the jti once (replays.ts). Errors are values with RFC 9449's error codes.
import { createHash, KeyObject, verify as verifySignature } from 'node:crypto';
import { promisify } from 'node:util';
import { joseToDer } from 'ecdsa-sig-formatter';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { err, ok, type Result } from '../result.ts';
import type { DpopNonces } from './nonce.ts';
import type { DpopReplays, DpopReplayTicket } from './replays.ts';

/** Asymmetric algorithms only (RFC 9449 section 4.2), none FAPI 2.0 section 5.4 rules out (no RS256). */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256'];
/** How far a proof's iat may be from now when no server nonce vouches for its freshness. */
const IAT_SKEW_SECONDS = 60;
/** How long a jti is remembered: longer than any proof can be accepted (iat skew or nonce lifetime). */
const REMEMBER_SECONDS = 6 * 60;
const MAX_PROOF_LENGTH = 8192;
/** A client signs many proofs with one key and one header: each distinct header is decoded, its key's
 * thumbprint computed and the key imported once (the encoded header determines all three). The least recently
 * used header goes first (a full cache no longer drops every key at once). */
const MAX_HEADERS = 2000;
/** Only headers of this size are kept (an EC, OKP or RSA-4096 public key fits): at most ~4 MB in all. */
const MAX_CACHED_HEADER = 2048;
/** ECDSA proofs skip jose's WebCrypto path: Node 24 converts its raw r||s signature to DER re-deriving the key's
 * curve at every call, 165-190 µs of CPU per ES256 proof, 65-80 of them on the event loop. node:crypto's
 * one-shot verify with a DER signature (converted by ecdsa-sig-formatter, RFC 7518 section 3.4) runs on libuv's
 * pool: 90-145 µs in all, 12-30 on the event loop (docs/benchmarks.md). The hash is the alg's. */
const DER_VERIFIED = new Map([['ES256', 'sha256'], ['ES384', 'sha384']]);
/** The key goes bare (DER is the default encoding): an options object around it costs Node 24 another
 * 30-50 µs on the event loop per call. */
const verifyOnPool = promisify(verifySignature) as (hash: string, data: Buffer, key: KeyObject, signature: Buffer) => Promise<boolean>;

interface KnownHeader {
  jkt: string;
  alg: string;
  key: CryptoKey;
  /** The same key as a KeyObject, for the ECDSA algorithms (DER_VERIFIED). */
  keyObject?: KeyObject;
}

export interface DpopProofError {
  error: 'invalid_dpop_proof' | 'use_dpop_nonce';
  description: string;
}

export interface DpopProofRequest {
  /** The DPoP header's value. */
  proof: string;
  method: string;
  /** The configured public URL of the endpoint (query and fragment are ignored on both sides). */
  url: string;
  /** The access token presented with the proof (ath must be its hash) and its binding (cnf.jkt). */
  accessToken: string;
  jkt: string;
}

export interface DpopVerifierDeps {
  replays: DpopReplays;
  /** Where proofs are used (kept apart from the auth server's in the replay table). */
  place: string;
  nonces: DpopNonces;
  requireNonce: boolean;
  now?: () => number;
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

function withoutQuery(value: string): string | undefined {
  const url = URL.parse(value);
  if (!url) return undefined;
  url.search = '';
  url.hash = '';
  return url.href;
}

export function createDpopVerifier(deps: DpopVerifierDeps) {
  const now = deps.now ?? (() => Date.now() / 1000);
  const invalid = (description: string): Result<never, DpopProofError> => err({ error: 'invalid_dpop_proof', description });
  const headers = new Map<string, KnownHeader>();
  // The endpoint's URL is configuration (one or two per process): normalised once, not per proof.
  const expected = new Map<string, string | undefined>();
  const expectedHtu = (url: string): string | undefined => {
    if (!expected.has(url)) {
      if (expected.size >= 16) expected.clear();
      expected.set(url, withoutQuery(url));
    }
    return expected.get(url);
  };
  /** The encoded protected header → its key's thumbprint and the imported public key ('invalid' if unusable). */
  async function headerOf(encoded: string, proof: string): Promise<KnownHeader | 'invalid'> {
    const cached = headers.get(encoded);
    if (cached) {
      headers.delete(encoded);
      headers.set(encoded, cached);
      return cached;
    }
    const header = decodeProtectedHeader(proof);
    const jwk = header.jwk as JWK | undefined;
    if (!jwk || typeof jwk !== 'object' || 'd' in jwk || typeof header.alg !== 'string' || !DPOP_ALGORITHMS.includes(header.alg)) return 'invalid';
    // What jose's jwtVerify would refuse of the header, checked once per header here: typ (RFC 9449 section
    // 4.2) and any critical extension (RFC 7515 section 4.1.11: none is understood).
    if (header.typ !== 'dpop+jwt' || header.crit !== undefined) return 'invalid';
    // importJWK also refuses a key of another curve than the alg's.
    const imported = await importJWK(jwk, header.alg);
    if (imported instanceof Uint8Array || imported.type !== 'public') return 'invalid';
    const known: KnownHeader = { jkt: await calculateJwkThumbprint(jwk, 'sha256'), alg: header.alg, key: imported };
    if (DER_VERIFIED.has(header.alg)) known.keyObject = KeyObject.from(imported);
    if (encoded.length <= MAX_CACHED_HEADER) {
      if (headers.size >= MAX_HEADERS) headers.delete(headers.keys().next().value!);
      headers.set(encoded, known);
    }
    return known;
  }

  return async function verify(request: DpopProofRequest): Promise<Result<{ jti: string }, DpopProofError>> {
    // Announced before the signature check, so that proofs checked at the same time share one insert.
    const ticket = deps.replays.expect();
    try {
      return await check(request, ticket);
    } finally {
      ticket.cancel();
    }
  };

  async function check(request: DpopProofRequest, ticket: DpopReplayTicket): Promise<Result<{ jti: string }, DpopProofError>> {
    if (!request.proof || request.proof.length > MAX_PROOF_LENGTH) return invalid('The DPoP proof is missing or too long');
    let payload: Record<string, unknown>;
    try {
      const known = await headerOf(request.proof.slice(0, request.proof.indexOf('.')), request.proof);
      if (known === 'invalid') return invalid('The DPoP proof needs an allowed asymmetric alg and a public key in its header');
      // The key must be the one the token is bound to, before the signature is checked.
      if (known.jkt !== request.jkt) return invalid('The DPoP proof key is not the key the token is bound to');
      payload = await verifiedPayload(request.proof, known);
    } catch {
      return invalid('The DPoP proof is not a valid dpop+jwt signed by its embedded public key');
    }
    const { jti, htm, htu, iat, ath, nonce, exp, nbf } = payload;
    if (typeof jti !== 'string' || !jti || jti.length > 256) return invalid('The DPoP proof needs a jti');
    if (typeof iat !== 'number') return invalid('The DPoP proof needs an iat');
    if (htm !== request.method) return invalid('The DPoP proof was made for another HTTP method');
    if (typeof htu !== 'string' || (htu !== request.url && withoutQuery(htu) !== expectedHtu(request.url))) return invalid('The DPoP proof was made for another URL');
    if (ath !== tokenHash(request.accessToken)) return invalid('The DPoP proof was made for another access token');
    if (nonce !== undefined && typeof nonce !== 'string') return invalid('The DPoP proof nonce must be a string');
    const t = now();
    // exp and nbf are optional in a proof; when present they hold, as jose's claim checks had them.
    if ((exp !== undefined && (typeof exp !== 'number' || exp <= t)) || (nbf !== undefined && (typeof nbf !== 'number' || nbf > t))) return invalid('The DPoP proof is expired or not yet valid');
    if (nonce === undefined || nonce === '') {
      if (deps.requireNonce) return err({ error: 'use_dpop_nonce', description: 'This server requires a DPoP nonce' });
      if (Math.abs(t - iat) > IAT_SKEW_SECONDS) return invalid('The DPoP proof iat is not recent enough');
    } else if (!deps.nonces.valid(nonce)) {
      return err({ error: 'use_dpop_nonce', description: 'The DPoP nonce is not valid (any more)' });
    } else if (iat > t + IAT_SKEW_SECONDS) {
      return invalid('The DPoP proof iat is in the future');
    }
    // Keyed by the key as well: nobody can spend a jti that another key's holder will use.
    if (!(await ticket.first(`${deps.place}\n${request.jkt}`, jti, new Date((t + REMEMBER_SECONDS) * 1000)))) return invalid('The DPoP proof was already used');
    return ok({ jti });
  }
}

const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The proof's claims once its signature by the header's key holds; throws otherwise. */
async function verifiedPayload(proof: string, known: KnownHeader): Promise<Record<string, unknown>> {
  if (!known.keyObject) {
    const verified = await jwtVerify(proof, known.key, { typ: 'dpop+jwt', algorithms: DPOP_ALGORITHMS });
    return verified.payload as Record<string, unknown>;
  }
  // RFC 7515 section 7.1: three base64url parts, the signature over the ASCII of the first two.
  if (!COMPACT_JWS.test(proof)) throw new Error('not a compact JWS');
  const dot = proof.lastIndexOf('.');
  // The alg is the header's own (cached by the encoded header, which the signature covers); joseToDer refuses
  // a signature of the wrong length for it.
  const signature = joseToDer(proof.slice(dot + 1), known.alg);
  if (!(await verifyOnPool(DER_VERIFIED.get(known.alg)!, Buffer.from(proof.slice(0, dot), 'ascii'), known.keyObject, signature))) throw new Error('bad signature');
  return decodeJwt(proof) as Record<string, unknown>;
}

export type DpopVerifier = ReturnType<typeof createDpopVerifier>;
