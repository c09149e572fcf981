// Hydra's login, consent and logout verifiers (issue 11 #1): a fresh 256-bit random value per accepted
// challenge, handed out only in the accept call's redirect_to and distinct from the public challenge.
// The app's decision waits here, under a hash of the verifier (secrets at rest), until the browser
// presents the verifier; taking it deletes it, so every verifier is single use, even when it then fails.
import { isConnectionError, type Database, type QueryOptions } from '../../db/database.ts';
import { generateSecret, hashSecret } from '../../shared/secret-hash.ts';
import { markAndInsert, markPendingConsent, markPendingLogin, takeWithInteraction, type AlsoInsert, type HandledMark } from './challenge-rows.ts';
import { unavailable } from './error-map.ts';
import { findLivePayload, insertPayload } from './sql-adapter.ts';
import type { TokenIds } from './token-ids.ts';
import type { AcceptConsent } from '../../hydra-port/types.ts';
import type { RememberedDetails } from './consent-sessions.ts';

export type VerifierKind = 'login' | 'consent' | 'logout' | 'device';

export interface PendingDecision {
  kind: VerifierKind;
  /** The oidc-provider interaction uid (login, consent) or the logout challenge. */
  challenge: string;
  /** What the app decided (oidc-provider's interaction result); none for logout. */
  result?: Record<string, unknown>;
  /** Issue 18: a consent accepted in one statement: the app's input, applied at the verifier leg (consent-at-leg.ts). */
  accept?: AcceptConsent;
  /** With `accept`, at the leg: the remembered consents, read with the verifier (challenge-rows.ts). */
  remembered?: RememberedDetails[];
}

export interface FlowVerifiers {
  /** Stores the decision and returns its verifier (the only copy of the clear value). */
  issue(decision: PendingDecision, ttlSeconds: number): Promise<string>;
  /**
   * Marks the challenge handled and stores the decision in one statement (issue 18): only the first call for a
   * challenge gets a verifier; a later one gets the first call's redirect_to. `also`: another row of the decision
   * (the consent session), written in the same statement only with the verifier.
   */
  issueOnce(decision: PendingDecision, ttlSeconds: number, mark: HandledMark, also?: AlsoInsert): Promise<{ first: true; verifier: string } | { first: false; redirectTo: string }>;
  /**
   * issueOnce() for a login accept in one statement (issue 18, challenge-rows.ts markPendingLogin): the verifier
   * only when SQL saw a pending login it may write for; otherwise nothing is written and the challenge's row comes back.
   */
  issueForPendingLogin(decision: PendingDecision, redirectPrefix: string, markTtlSeconds: number): Promise<{ first: true; verifier: string; lgUrl: string } | { first: false; redirectTo?: string; interaction?: Record<string, unknown> }>;
  /** issueForPendingLogin() for a consent (challenge-rows.ts markPendingConsent): the decision holds the app's input alone. */
  issueForPendingConsent(decision: PendingDecision, redirectPrefix: string, markTtlSeconds: number): Promise<{ first: true; verifier: string; lgUrl: string } | { first: false; redirectTo?: string; live: boolean }>;
  /** The decision of a live verifier, without using it up. */
  peek(verifier: string): Promise<PendingDecision | undefined>;
  /** Atomically removes and returns the decision: a second take of the same verifier finds nothing. */
  take(verifier: string): Promise<PendingDecision | undefined>;
  /**
   * take() for the verifier leg of a login or consent: the decision's interaction is deleted in the same
   * statement (the flow ends with its verifier), and the row of the browser's session cookie (its value, if
   * any) is read for oidc-provider's resume (issue 18).
   */
  takeToResume(verifier: string, sessionCookie: string | undefined): Promise<PendingDecision | undefined>;
}

const MODEL = 'FlowVerifier';
const sane = (verifier: unknown): verifier is string => typeof verifier === 'string' && verifier.length > 0 && verifier.length <= 512;

/** An outage is temporarily_unavailable (503) at every edge, never a 500. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isConnectionError(error) ? unavailable(error) : error;
  }
}

export function createFlowVerifiers(raw: Database, ids: TokenIds): FlowVerifiers {
  const db = { query: <R>(sql: string, params?: readonly unknown[], options?: QueryOptions) => guard(() => raw.query<R>(sql, params, options)) };
  return {
    async issue(decision, ttlSeconds) {
      const verifier = generateSecret(32);
      await insertPayload(db, { model: MODEL, id: hashSecret(verifier), payload: decision, ttlSeconds: Math.max(1, Math.floor(ttlSeconds)) });
      return verifier;
    },
    async issueOnce(decision, ttlSeconds, mark, also) {
      const verifier = generateSecret(32);
      const marked = await guard(() => markAndInsert(raw, mark, { model: MODEL, id: hashSecret(verifier), payload: decision, ttlSeconds: Math.max(1, Math.floor(ttlSeconds)) }, also));
      return marked.first ? { first: true, verifier } : { first: false, redirectTo: marked.redirectTo };
    },
    async issueForPendingLogin(decision, redirectPrefix, markTtlSeconds) {
      const verifier = generateSecret(32);
      const marked = await guard(() => markPendingLogin(raw, decision.challenge, redirectPrefix, markTtlSeconds, { model: MODEL, id: hashSecret(verifier), payload: decision }));
      return marked.first ? { ...marked, verifier } : marked;
    },
    async issueForPendingConsent(decision, redirectPrefix, markTtlSeconds) {
      const verifier = generateSecret(32);
      const marked = await guard(() => markPendingConsent(raw, decision.challenge, redirectPrefix, markTtlSeconds, { model: MODEL, id: hashSecret(verifier), payload: decision }));
      return marked.first ? { ...marked, verifier } : marked;
    },
    async peek(verifier) {
      return sane(verifier) ? findLivePayload<PendingDecision>(db, MODEL, hashSecret(verifier)) : undefined;
    },
    async take(verifier) {
      return sane(verifier) ? guard(() => takeWithInteraction<PendingDecision>(raw, MODEL, hashSecret(verifier))) : undefined;
    },
    async takeToResume(verifier, sessionCookie) {
      // Session rows are stored under the keyed hashes of the cookie's value (token-ids.ts), as the adapter finds them.
      const sessionIds = sessionCookie ? ids.candidates(sessionCookie) : [];
      return sane(verifier) ? guard(() => takeWithInteraction<PendingDecision>(raw, MODEL, hashSecret(verifier), { sessionIds })) : undefined;
    },
  };
}
