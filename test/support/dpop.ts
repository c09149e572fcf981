// DPoP proofs in tests (RFC 9449 section 4): made by hand with jose, to send exactly the proof a test needs
// (another URL or method, a replay, another key). Apps in the tests use openid-client's own DPoP support.
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface DpopKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jkt: string;
}

/** A proof key; alg: one the servers accept (ES256 by default, as the SDK's; PS256 and EdDSA for the bench). */
export async function dpopKey(alg: 'ES256' | 'PS256' | 'EdDSA' = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicKey, jkt: await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256') };
}

const algOf = (key: CryptoKey): string => (key.algorithm.name === 'ECDSA' ? 'ES256' : key.algorithm.name === 'RSA-PSS' ? 'PS256' : 'EdDSA');

export async function dpopProof(key: Pick<DpopKey, 'privateKey' | 'publicKey'>, o: { htm: string; htu: string; accessToken?: string; jti?: string; iat?: number; nonce?: string }): Promise<string> {
  const jwk = await exportJWK(key.publicKey);
  return new SignJWT({
    htm: o.htm,
    htu: o.htu,
    jti: o.jti ?? randomUUID(),
    ...(o.accessToken ? { ath: createHash('sha256').update(o.accessToken).digest('base64url') } : {}),
    ...(o.nonce ? { nonce: o.nonce } : {}),
  })
    .setProtectedHeader({ alg: algOf(key.publicKey), typ: 'dpop+jwt', jwk })
    .setIssuedAt(o.iat)
    .sign(key.privateKey);
}
