// The compatibility suite's real Ory Hydra as an AuthTarget; the AuthTarget shape, the unreachable UI URLs
// and the callback live in test/support/auth-target.ts (re-exported here for the old path).
import type { OAuth2Api } from '@ory/hydra-client';
import { after, before } from 'node:test';
import { startHydra } from '../../../scripts/hydra/start.ts';
import { UNREACHABLE_UI, type AuthTarget, type TargetFactory } from '../../support/auth-target.ts';
import { adminApi } from '../../support/clients.ts';

export * from '../../support/auth-target.ts';

/** A real Ory Hydra v2 on a fresh PostgreSQL database (scripts/hydra/start.ts). */
export const hydraTarget: TargetFactory = (ui) => hydraTargetWith({})(ui);

/** Hydra with extra configuration (environment variables such as OAUTH2_HASHERS_BCRYPT_COST). */
export function hydraTargetWith(env: Record<string, string>, label = ''): TargetFactory {
  return async (ui) => {
    const h = await startHydra({ ...ui, env });
    return { kind: 'hydra', name: `Ory Hydra ${h.version}${label}`, ...ui, publicUrl: h.publicUrl, adminUrl: h.adminUrl, stop: h.stop, output: h.output };
  };
}

/**
 * Starts a suite's target before its tests and stops it after. The login and consent apps are unreachable:
 * the suite plays them through the admin API, which `use` receives with the target.
 */
export function targetPerSuite(start: TargetFactory, use: (target: AuthTarget, admin: OAuth2Api) => void): void {
  let target: AuthTarget | undefined;
  before(async () => {
    target = await start(UNREACHABLE_UI);
    use(target, adminApi(target));
  });
  after(async () => {
    await target?.stop();
  });
}
