// Hydra's acceptUserCodeRequest on oidc-provider's device flow (RFC 8628, issue 16): the login app's device
// page sends the user code a person typed, with the device challenge it holds. A live, unused code gives a
// single-use device verifier, which continues the flow only in the browser that holds the challenge's
// cookie (device-verification.ts). Wrong codes answer 400 and count against the guessing limits.
import type { HydraAdmin } from '../../../hydra-port/port.ts';
import { ok } from '../../../shared/result.ts';
import { hashSecret } from '../../../shared/secret-hash.ts';
import type { DeviceChallenges } from '../device-challenges.ts';
import { fail, guarded, notFound } from '../error-map.ts';
import { HYDRA_ROUTES } from '../routes.ts';
import type { FlowDeps } from './interactions.ts';

export type DeviceFlow = Pick<HydraAdmin, 'acceptUserCodeRequest'>;

type DeviceCodeLike = { isExpired: boolean; error?: string; accountId?: string; inFlight?: boolean };

/** RFC 8628 section 6.1: case and separators do not matter (oidc-provider's normalisation). */
export const normalizeUserCode = (input: string): string => input.toUpperCase().replace(/\W/g, '');

export function createDeviceFlow(deps: FlowDeps & { deviceChallenges: DeviceChallenges }): DeviceFlow {
  const { provider, verifiers, deviceChallenges } = deps;
  return {
    acceptUserCodeRequest: (challenge, body) =>
      guarded(async () => {
        if (!challenge) return fail(400, 'invalid_request', 'The device_challenge parameter is required');
        const userCode = typeof body?.user_code === 'string' && body.user_code.length <= 64 ? normalizeUserCode(body.user_code) : '';
        if (!userCode) return fail(400, 'invalid_request', 'Field user_code must not be empty');
        const tried = await deviceChallenges.attempt(challenge);
        if (tried.outcome === 'unknown') return notFound('device request');
        if (tried.outcome === 'throttled') return fail(429, 'too_many_requests', `Too many user codes were tried; try again in ${tried.retryAfter ?? 60} seconds`);
        const DeviceCode = provider().DeviceCode as unknown as { findByUserCode(code: string, o: { ignoreExpiration: boolean }): Promise<DeviceCodeLike | undefined> };
        const code = await DeviceCode.findByUserCode(userCode, { ignoreExpiration: true });
        if (!code || code.isExpired || code.error || code.accountId || code.inFlight) {
          await deviceChallenges.wrongCode();
          return fail(400, 'invalid_request', 'The user code is unknown, expired or already used');
        }
        if (!(await deviceChallenges.take(challenge))) return notFound('device request');
        const verifier = await verifiers.issue({ kind: 'device', challenge: hashSecret(challenge), result: { userCode } }, deps.interactionTtl);
        return ok({ redirect_to: `${deps.issuer}${HYDRA_ROUTES.code_verification}?device_verifier=${verifier}` });
      }),
  };
}
