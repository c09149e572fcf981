// Issue 16: DPoP (RFC 9449) and pushed authorization requests (RFC 9126) on oidc-provider, from Lightgate's
// configuration (OAUTH2_DPOP_*, OAUTH2_PAR_ENABLED, REQUIRE_DPOP_FOR_WRITE, REQUIRE_PAR_FOR_WRITE).
// - features(): what configuration.ts turns on; discovery then advertises exactly that (oidc-provider
//   lists dpop_signing_alg_values_supported and pushed_authorization_request_endpoint only when enabled).
// - parForWrite(): the authorization endpoint refuses a `write` request that was not pushed.
// - useParHydraCompat(): a pushed request gets the plain endpoint's Hydra rule (hydra-compat.ts): offline_access
//   yields a refresh token without prompt=consent.
// - applyDpopRules(): overrides of oidc-provider statics, checked against oidc-provider 9.13.3
//   (lib/models/replay_detection.js, lib/models/base_model.js find, lib/models/client_credentials.js):
//   * ReplayDetection.unique: a proof's jti is stored with one unique insert (../../shared/dpop/replays.ts)
//     instead of oidc-provider's find-then-save, which two processes could both pass;
//   * AuthorizationCode.find / RefreshToken.find at the token endpoint: with REQUIRE_DPOP_FOR_WRITE a grant
//     holding `write` without a DPoP proof is refused before the code or refresh token is consumed;
//   * ClientCredentials.prototype.save: the same rule for client_credentials.
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../../config/config.ts';
import { DatabaseUnavailableError, type Database } from '../../db/database.ts';
import { dpopNonceKey } from '../../shared/dpop/nonce.ts';
import { createDpopReplays } from '../../shared/dpop/replays.ts';
import { unavailable } from './error-map.ts';
import { HYDRA_ROUTES } from './routes.ts';

type Features = NonNullable<Configuration['features']>;

export function senderConstraintFeatures(config: Config): Pick<Features, 'dPoP' | 'pushedAuthorizationRequests'> {
  const { dpop, dpopRequireNonce, par } = config.oauth2;
  return {
    dPoP: dpop
      ? {
          enabled: true,
          // Stateless nonces, the same in every process of the deployment (derived from SECRETS_SYSTEM).
          nonceSecret: dpopNonceKey(config.secrets.system[0]!, 'auth'),
          requireNonce: () => dpopRequireNonce,
          allowReplay: false,
        }
      : { enabled: false },
    // Clients may register require_pushed_authorization_requests; PAR needs client authentication (RFC 9126 section 2.1).
    pushedAuthorizationRequests: par ? { enabled: true, requirePushedAuthorizationRequests: false, allowUnregisteredRedirectUris: false } : { enabled: false },
  };
}

const holdsWrite = (scope: unknown): boolean => typeof scope === 'string' && scope.split(' ').includes('write');

/**
 * REQUIRE_PAR_FOR_WRITE as an extraParams validator (oidc-provider runs those on every authorization request,
 * whether the parameter is present or not, after the pushed request has been loaded).
 */
export function parForWrite(config: Config): ((ctx: KoaContextWithOIDC) => void) | null {
  if (!config.oauth2.requireParForWrite) return null;
  return function requireParForWrite(ctx) {
    if (ctx.oidc.route !== 'authorization' || 'PushedAuthorizationRequest' in ctx.oidc.entities) return;
    if (holdsWrite(ctx.oidc.params?.scope)) throw new errors.InvalidRequest('Pushed Authorization Request must be used for the write scope');
  };
}

interface Finder {
  find(...args: unknown[]): Promise<{ scope?: string } | undefined>;
}

export function applyDpopRules(provider: Provider, { config, db }: { config: Config; db: Database }): void {
  if (!config.oauth2.dpop) return;
  const replays = createDpopReplays(db);
  const replayDetection = provider.ReplayDetection as unknown as { unique(iss: string, jti: string, exp: number): Promise<boolean> };
  replayDetection.unique = async (iss, jti, exp) => {
    try {
      return await replays.first(`auth\n${iss}`, jti, new Date(exp * 1000));
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw unavailable(error);
      throw error;
    }
  };

  if (!config.oauth2.requireDpopForWrite) return;
  const withoutProof = () => {
    const ctx = Provider.ctx;
    return ctx?.oidc?.route === 'token' && !ctx.get('DPoP');
  };
  const refuse = () => new errors.InvalidDpopProof('a DPoP proof is required for a grant with the write scope');
  for (const model of [provider.AuthorizationCode, provider.RefreshToken] as unknown as Finder[]) {
    const find = model.find;
    model.find = async function findRequiringDpop(this: unknown, ...args: unknown[]) {
      const token = await find.apply(this, args);
      if (token && holdsWrite(token.scope) && withoutProof()) throw refuse();
      return token;
    };
  }
  const credentials = (provider.ClientCredentials as unknown as { prototype: { save(): Promise<string>; scope?: string; jkt?: string } }).prototype;
  const save = credentials.save;
  credentials.save = async function saveRequiringDpop(this: { scope?: string; jkt?: string }) {
    if (holdsWrite(this.scope) && !this.jkt) throw refuse();
    return save.call(this);
  };
}

const MAX_PAR_BODY = 64 * 1024;

/**
 * Hydra's rule for a pushed request, as hydra-compat.ts applies it at /oauth2/auth: oidc-provider drops
 * offline_access unless prompt=consent, so the prompt is added and the client's own kept in lg_prompt ('-' for
 * none). The form body is read here and handed to oidc-provider as `req.body`, which it reads instead of the
 * stream (lib/shared/selective_body.js, oidc-provider 9.13.3; it warns once per process that it did).
 */
export function useParHydraCompat(provider: Provider, config: Config): void {
  if (!config.oauth2.par) return;
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== HYDRA_ROUTES.pushed_authorization_request || !ctx.is('application/x-www-form-urlencoded')) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_PAR_BODY) throw new errors.InvalidRequest('the request body is too large');
      chunks.push(chunk);
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    form.delete('lg_prompt');
    form.delete('lg_url');
    const scopes = (form.get('scope') ?? '').split(' ');
    const prompt = form.get('prompt') ?? '';
    const prompts = prompt.split(' ').filter(Boolean);
    if (form.getAll('prompt').length <= 1 && scopes.includes('offline_access') && !prompts.includes('consent') && !prompts.includes('none')) {
      form.set('lg_prompt', prompt || '-');
      form.set('prompt', [...prompts, 'consent'].join(' '));
    }
    (ctx.req as { body?: string }).body = form.toString();
    return next();
  });
}
