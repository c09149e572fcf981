// DPoP proofs in tests (RFC 9449 section 4): made by hand with jose, to send exactly the proof a test needs
// (another URL or method, a replay, another key). Apps in the tests use openid-client's own DPoP support.
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface DpopKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jkt: string;
}

export async function dpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicKey, jkt: await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256') };
}

export async function dpopProof(key: Pick<DpopKey, 'privateKey' | 'publicKey'>, o: { htm: string; htu: string; accessToken?: string; jti?: string; iat?: number; nonce?: string }): Promise<string> {
  const jwk = await exportJWK(key.publicKey);
  return new SignJWT({
    htm: o.htm,
    htu: o.htu,
    jti: o.jti ?? randomUUID(),
    ...(o.accessToken ? { ath: createHash('sha256').update(o.accessToken).digest('base64url') } : {}),
    ...(o.nonce ? { nonce: o.nonce } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt(o.iat)
    .sign(key.privateKey);
}
