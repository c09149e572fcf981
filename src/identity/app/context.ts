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
  onUserCreated: (tx: Queryable, userId: UserId) => Promise<void>;
  logger?: Logger;
}

export const addSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);
