// The compatibility suite's real Ory Hydra as an AuthTarget; the AuthTarget shape, the unreachable UI URLs
// and the callback live in test/support/auth-target.ts (re-exported here for the old path).
import { startHydra } from '../../../scripts/hydra/start.ts';
import type { TargetFactory } from '../../support/auth-target.ts';

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
