// DPoP at the wallet API (issue 16, RFC 9449 section 7): the verifier for proofs sent with bound tokens, its
// server nonces (OAUTH2_DPOP_REQUIRE_NONCE) and the WWW-Authenticate challenge. The proof's htu is the
// configured public URL of /graphql (URLS_API), never one built from the request's Host or forwarded headers.
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { createDpopNonces, dpopNonceKey, type DpopNonces } from '../shared/dpop/nonce.ts';
import { createDpopVerifier, DPOP_ALGORITHMS, type DpopVerifier } from '../shared/dpop/proof.ts';
import { createDpopReplays } from '../shared/dpop/replays.ts';
import type { CredentialError } from './credentials.ts';

export interface ApiDpop {
  verify: DpopVerifier;
  url: string;
  nonces: DpopNonces;
}

/** undefined when DPoP is off (OAUTH2_DPOP_ENABLED=false): then no token is bound and none is accepted as DPoP. */
export function apiDpop(config: Config, db: Database): ApiDpop | undefined {
  if (!config.oauth2.dpop) return undefined;
  const nonces = createDpopNonces(dpopNonceKey(config.secrets.system[0]!, 'api'));
  const verify = createDpopVerifier({ replays: createDpopReplays(db), place: 'api', nonces, requireNonce: config.oauth2.dpopRequireNonce });
  return { verify, url: `${config.urls.api}/graphql`, nonces };
}

/** RFC 9449 section 7.1: `DPoP error="…", error_description="…", algs="…"` (quotes and controls dropped). */
export function dpopChallenge(error: Pick<CredentialError, 'error' | 'description'>): string {
  const safe = (v: string) => v.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
  return `DPoP error="${error.error}", error_description="${safe(error.description)}", algs="${DPOP_ALGORITHMS.join(' ')}"`;
}
