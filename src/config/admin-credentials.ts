// The admin API's credential (issue 11 #5): port 4445 manages clients and funds wallets, so beyond
// loopback it needs one. Accepted as `Authorization: Bearer <ADMIN_API_TOKEN>` or Basic
// `<ADMIN_API_BASIC user:password>`, the forms the Terraform hydra provider (`authentication { basic }`
// or `http_header`) and @ory/hydra-client (axios `baseOptions`) send. The outgoing side (this process's
// UI, portal and API calling an admin API over HTTP) sends HYDRA_ADMIN_TOKEN, else its own credential.
import { isIP } from 'node:net';
import { z } from 'zod';

export const adminApiEnv = {
  ADMIN_API_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  ADMIN_API_BASIC: z.string().regex(/^[^:\s]+:\S{16,}$/, 'must be user:password with a password of at least 16 characters').optional(),
  HYDRA_ADMIN_TOKEN: z.string().min(1).optional(),
};

export interface AdminApiCredentials {
  /** Bearer token accepted on the admin port (audited as "admin-api:token"). */
  readonly token: string | undefined;
  /** Basic credentials accepted on the admin port (audited as "admin-api:<user>"). */
  readonly basic: { readonly user: string; readonly password: string } | undefined;
  /** The Authorization header this process sends to an admin API over HTTP. */
  readonly outgoingAuthorization: string | undefined;
}

export function adminApiCredentials(e: { ADMIN_API_TOKEN?: string | undefined; ADMIN_API_BASIC?: string | undefined; HYDRA_ADMIN_TOKEN?: string | undefined }): AdminApiCredentials {
  const at = e.ADMIN_API_BASIC?.indexOf(':') ?? -1;
  const basic = e.ADMIN_API_BASIC && at > 0 ? { user: e.ADMIN_API_BASIC.slice(0, at), password: e.ADMIN_API_BASIC.slice(at + 1) } : undefined;
  const outgoing = e.HYDRA_ADMIN_TOKEN ?? e.ADMIN_API_TOKEN;
  return {
    token: e.ADMIN_API_TOKEN,
    basic,
    outgoingAuthorization: outgoing ? `Bearer ${outgoing}` : e.ADMIN_API_BASIC ? `Basic ${Buffer.from(e.ADMIN_API_BASIC).toString('base64')}` : undefined,
  };
}

/** 127.0.0.0/8, ::1 and localhost: only local processes reach the port. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/** The start-up refusal: an auth service whose admin port is reachable from elsewhere without a credential. */
export function adminExposureProblem(host: string, runsAuth: boolean, credentials: AdminApiCredentials): string | undefined {
  if (!runsAuth || isLoopbackHost(host) || credentials.token || credentials.basic) return undefined;
  return `SERVE_ADMIN_HOST: ${host} is not loopback, and the admin API (clients, wallet funding) has no credential: set ADMIN_API_TOKEN and/or ADMIN_API_BASIC, or bind it to 127.0.0.1`;
}
