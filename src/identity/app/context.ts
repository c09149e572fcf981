// What the identity use cases need; built once by createIdentityService.
import type { Database, Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import type { Counter } from '../../shared/limits/counter.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ThrottlePolicy } from '../domain/policy.ts';
import type { SecretBox } from '../services/crypto.ts';
import type { MessageSender } from '../services/message-sender.ts';

export interface IdentityContext {
  db: Database;
  /** The shared limits counter (src/shared/limits/), on the app clock. */
  counter: Counter;
  sender: MessageSender;
  box: SecretBox;
  /** SECRETS_SYSTEM: the first keys new code hashes, all are accepted. */
  codeSecrets: readonly string[];
  now: () => Date;
  policy: ThrottlePolicy;
  sessionTtlSeconds: number;
  /** The operator's product name in the messages sent (BRAND_NAME, issue 17). */
  productName: string;
  onUserCreated: (tx: Queryable, userId: UserId) => Promise<void>;
  logger?: Logger;
  /** Passkeys (issue 17): the relying party and the origins its pages are served from (login app, portal). */
  webauthn: { rpId: string; rpName: string; origins: readonly string[] };
}

export const addSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);
