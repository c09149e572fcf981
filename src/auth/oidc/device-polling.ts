// RFC 8628 section 3.5 at the token endpoint, which oidc-provider leaves to the deployment: a device that
// polls for its device code faster than the interval gets `slow_down` instead of `authorization_pending`,
// and its interval grows by 5 seconds for this and every later poll. The device authorization response
// names the interval (Hydra's `interval`). Counted per device code (under its hash) in the shared counter.
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../../db/database.ts';
import { createCounter } from '../../shared/limits/counter.ts';
import { hashSecret } from '../../shared/secret-hash.ts';
import { HYDRA_ROUTES } from './routes.ts';

type Next = () => Promise<unknown>;

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export function devicePolling(db: Database, { intervalSeconds, codeTtlSeconds }: { intervalSeconds: number; codeTtlSeconds: number }) {
  const counter = createCounter(db);
  return async (ctx: KoaContextWithOIDC, next: Next) => {
    if (ctx.method !== 'POST' || (ctx.path !== HYDRA_ROUTES.token && ctx.path !== HYDRA_ROUTES.device_authorization)) return next();
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return;
    if (ctx.path === HYDRA_ROUTES.device_authorization) {
      if (ctx.status === 200 && typeof body.device_code === 'string') ctx.body = { ...body, interval: intervalSeconds };
      return;
    }
    const deviceCode = ctx.oidc?.params?.device_code;
    if (ctx.oidc?.params?.grant_type !== DEVICE_GRANT || typeof deviceCode !== 'string' || body.error !== 'authorization_pending') return;
    const key = hashSecret(deviceCode);
    try {
      // Every slow_down so far lengthens the interval by 5 seconds (the counter lives as long as the code). A poll
      // opens a window of the current interval; any other poll inside it is too fast.
      const slowed = (await counter.peek(`device-slow:${key}`, codeTtlSeconds))?.hits ?? 0;
      const interval = intervalSeconds + 5 * slowed;
      const poll = await counter.hit(`device-poll:${key}`, interval);
      if (poll.hits <= 1) return;
      await counter.hit(`device-slow:${key}`, codeTtlSeconds);
      ctx.body = { error: 'slow_down', error_description: `Poll at most every ${interval + 5} seconds` };
    } catch {
      // Counting failed (outage): the pending answer stands.
    }
  };
}
