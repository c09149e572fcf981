// What the portal's use cases share: their dependencies, the acting person, and the error values.
import type { Config } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import { EXTENSION_UNAVAILABLE, type LightgatePort } from '../../hydra-port/port.ts';
import type { HydraError } from '../../hydra-port/types.ts';
import type { FieldErrors } from '../domain/application.ts';
import type { SecretBox } from '../services/secret-box.ts';

export interface PortalContext {
  config: Config;
  db: Database;
  /** The auth server, only through the port (in-process or HTTP: main/stack.ts picks). */
  admin: LightgatePort;
  box: SecretBox;
}

/** The signed-in person (or the CLI) doing something; the audit log records actorEmail. */
export interface Actor {
  id: string | null;
  email: string;
}

export type PortalError =
  | { code: 'NOT_FOUND'; message: string }
  | { code: 'INVALID_STATE'; message: string }
  /** What an admin reviewed is not what is there now (issue 11 #5: approve what was reviewed). */
  | { code: 'CHANGED'; message: string }
  | { code: 'INVALID_INPUT'; message: string; fields?: FieldErrors; values?: Record<string, string> }
  | { code: 'UPSTREAM'; message: string };

export const notFound = (): PortalError => ({ code: 'NOT_FOUND', message: 'There is no such app' });
export const invalidState = (message: string): PortalError => ({ code: 'INVALID_STATE', message });
export const changed = (): PortalError => ({ code: 'CHANGED', message: 'This application changed since you opened it. Nothing was approved or rejected; review it again.' });

/** The authorization server's answer in plain words for the page (never its internals). */
export function upstream(what: string, e: HydraError): PortalError {
  if (e.status === 400) return { code: 'INVALID_INPUT', message: `The authorization server refused the app: ${e.error_description}` };
  // A real Ory Hydra has no approval state (the port's EXTENSION_UNAVAILABLE), or no such client.
  if (e.error === EXTENSION_UNAVAILABLE || e.status === 404 || e.status === 405) return { code: 'INVALID_STATE', message: `Could not ${what}: the authorization server does not know this client or does not offer this action.` };
  return { code: 'UPSTREAM', message: `Could not ${what}: the authorization server is unavailable (${e.status}). Nothing was changed; try again.` };
}
