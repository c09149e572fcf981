// What the portal's use cases share: their dependencies, the acting person, and the error values.
import type { Config } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import { EXTENSION_UNAVAILABLE, type LightgatePort } from '../../hydra-port/port.ts';
import type { HydraError } from '../../hydra-port/types.ts';
import type { FieldErrors } from '../domain/application.ts';
import type { SecretBox } from '../services/secret-box.ts';
import type { PortalBudgets } from './app-budgets.ts';

export interface PortalContext {
  config: Config;
  db: Database;
  /** The auth server, only through the port (in-process or HTTP: main/stack.ts picks). */
  admin: LightgatePort;
  box: SecretBox;
  /** The connected apps' spending budgets (issue 15); absent where the wallet's face is not given. */
  budgets?: PortalBudgets | undefined;
}

/** The signed-in person (or the CLI) doing something; the audit log records actorEmail. */
export interface Actor {
  id: string | null;
  email: string;
}

/** What a use case tried when the authorization server failed it (the page words it, issue 17). */
export type PortalAction =
  | 'update' | 'rotate' | 'suspend' | 'reactivate' | 'listConnected' | 'revokeConnected' | 'register' | 'delete'
  | 'approveChange' | 'approve' | 'readClient' | 'approveClient' | 'declineClient';

/**
 * What went wrong, as a value: the pages word it from the catalog in the person's language (portal-route-messages,
 * `pe.<is>`); nothing here is English for people. Details that are data (a status, a limit, the authorization
 * server's own description) travel as values.
 */
export type PortalProblem =
  | { is: 'noSuchApp' } | { is: 'noSuchConnectedApp' } | { is: 'noSuchKey' } | { is: 'fields' } | { is: 'keyRefused' }
  | { is: 'suspendedNoEdit' } | { is: 'appChanged' } | { is: 'reviewChanged' }
  | { is: 'onlyApprovedRotate' } | { is: 'publicNoSecret' } | { is: 'noNewSecret' }
  | { is: 'onlyApprovedSuspend' } | { is: 'onlySuspendedReactivate' }
  | { is: 'onlyPendingApprove' | 'onlyPendingReject' | 'onlyPendingRegistration'; status: string }
  | { is: 'appLimit'; max: number }
  | { is: 'reasonLength'; max: number }
  | { is: 'refused'; detail: string }
  | { is: 'unsupported' | 'unavailable'; action: PortalAction; status: number }
  | { is: 'portalSecret' };

export type PortalError =
  | { code: 'NOT_FOUND'; problem: PortalProblem }
  | { code: 'INVALID_STATE'; problem: PortalProblem }
  /** What an admin reviewed is not what is there now (issue 11 #5: approve what was reviewed). */
  | { code: 'CHANGED'; problem: PortalProblem }
  | { code: 'INVALID_INPUT'; problem: PortalProblem; fields?: FieldErrors; values?: Record<string, string> }
  | { code: 'UPSTREAM'; problem: PortalProblem };

export const notFound = (): PortalError => ({ code: 'NOT_FOUND', problem: { is: 'noSuchApp' } });
export const invalidState = (problem: PortalProblem): PortalError => ({ code: 'INVALID_STATE', problem });
export const changed = (): PortalError => ({ code: 'CHANGED', problem: { is: 'reviewChanged' } });

/** The authorization server's answer as a value for the page (never its internals beyond its description). */
export function upstream(action: PortalAction, e: HydraError): PortalError {
  if (e.status === 400) return { code: 'INVALID_INPUT', problem: { is: 'refused', detail: e.error_description || e.error } };
  // A real Ory Hydra has no approval state (the port's EXTENSION_UNAVAILABLE), or no such client.
  if (e.error === EXTENSION_UNAVAILABLE || e.status === 404 || e.status === 405) return { code: 'INVALID_STATE', problem: { is: 'unsupported', action, status: e.status } };
  return { code: 'UPSTREAM', problem: { is: 'unavailable', action, status: e.status } };
}
