// Hydra's admin operations on tokens: introspection (RFC 7662 with Hydra's `scope` parameter) and the
// revocation of every token of a client.
import type { HydraAdmin } from '../../hydra-port/port.ts';
import type { IntrospectedToken } from '../../hydra-port/types.ts';
import { ok } from '../../shared/result.ts';
import type { WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import { fail, guarded } from './error-map.ts';
import type { FlowDeps } from './flows/interactions.ts';
import { findLiveToken } from './live-tokens.ts';
import { deleteClientPayloads, TOKEN_MODELS } from './sql-adapter.ts';

export type TokenAdmin = Pick<HydraAdmin, 'introspect' | 'revokeClientTokens'>;

export function createTokenAdmin({ db, issuer, tokenIds }: Pick<FlowDeps, 'db' | 'issuer' | 'tokenIds'>): TokenAdmin {
  return {
    introspect: (token, scope) =>
      guarded(async () => {
        if (typeof token !== 'string' || !token || token.length > 4096) return ok({ active: false });
        const row = await findLiveToken(db, tokenIds.candidates(token));
        if (!row || row.status !== 'active') return ok({ active: false });
        const p = row.payload;
        // RFC 7662 with Hydra's `scope` parameter: active only when the token holds every scope asked for.
        const held = new Set((p.scope ?? '').split(' '));
        if (scope && !scope.split(' ').filter(Boolean).every((s) => held.has(s))) return ok({ active: false });
        const result: IntrospectedToken = {
          active: true,
          scope: p.scope ?? '',
          client_id: p.clientId,
          sub: p.accountId ?? p.clientId,
          exp: p.exp,
          iat: p.iat,
          nbf: p.iat,
          aud: row.audience ?? [],
          iss: issuer,
          token_type: 'Bearer',
          token_use: row.model === 'RefreshToken' ? 'refresh_token' : 'access_token',
          ...(row.claims && Object.keys(row.claims).length ? { ext: row.claims } : {}),
          // RFC 9449 section 6.2: a DPoP-bound token says so and names its key (issue 16).
          ...(typeof p.jkt === 'string' ? { token_type: 'DPoP', cnf: { jkt: p.jkt } } : {}),
          // RFC 9396 section 9.1 (issue 15): the granted spending budget the token carries (the grant's rar).
          ...(Array.isArray(p.rar) && p.rar.length ? { authorization_details: p.rar as WalletSpendDetail[] } : {}),
        };
        return ok(result);
      }),

    revokeClientTokens: (clientId) =>
      guarded(async () => {
        if (!clientId) return fail(400, 'invalid_request', 'Query parameter client_id is required');
        await deleteClientPayloads(db, clientId, TOKEN_MODELS);
        return ok(undefined);
      }),
  };
}
