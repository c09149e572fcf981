// What the portal needs from the authorization server: the HydraAdmin port plus Lightgate's approval
// state (suspend / reactivate). In one process that is the auth server's LightgateAdmin; across
// processes the state goes over HTTP to Lightgate's admin extension PUT /admin/clients/{id}/status.
import type { HydraAdmin } from '../../hydra-port/port.ts';
import { toHydraError } from '../../hydra-port/http-adapter.ts';
import type { ClientStatus, HydraError, OAuth2Client } from '../../hydra-port/types.ts';
import { err, ok, type Result } from '../../shared/result.ts';

export type PortalAdminPort = HydraAdmin & {
  setClientStatus(id: string, status: ClientStatus): Promise<Result<OAuth2Client, HydraError>>;
};

/** Adds setClientStatus over HTTP to a HydraAdmin (for a portal process without the auth service). */
export function withHttpClientStatus(hydra: HydraAdmin, adminUrl: string, options: { timeoutMs?: number; headers?: Record<string, string> | undefined } = {}): PortalAdminPort {
  const base = adminUrl.replace(/\/+$/, '');
  return {
    ...hydra,
    async setClientStatus(id, status) {
      try {
        const res = await fetch(`${base}/admin/clients/${encodeURIComponent(id)}/status`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
          body: JSON.stringify({ status }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // keep the text
        }
        if (res.status >= 400) return err(toHydraError(res.status, body));
        return ok(body as OAuth2Client);
      } catch (e) {
        return err({ status: 503, error: 'temporarily_unavailable', error_description: `the admin API is unreachable: ${(e as Error).message}` });
      }
    },
  };
}
