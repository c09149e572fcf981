// Hydra answers 410 Gone, with the original redirect_to, when a login/consent/logout challenge is reused.
import type { Database } from '../../db/database.ts';

export interface HandledChallenges {
  /** Records the challenge as handled; resolves to the first redirect_to when it already was. */
  mark(challenge: string, kind: 'login' | 'consent' | 'logout', redirectTo: string, ttlSeconds: number): Promise<{ first: boolean; redirectTo: string }>;
  find(challenge: string): Promise<string | undefined>;
}

export function createHandledChallenges(db: Database): HandledChallenges {
  return {
    async mark(challenge, kind, redirectTo, ttlSeconds) {
      const inserted = await db.query<{ redirect_to: string }>(
        `INSERT INTO handled_challenges (challenge, kind, redirect_to, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
         ON CONFLICT (challenge) DO NOTHING RETURNING redirect_to`,
        [challenge, kind, redirectTo, ttlSeconds],
      );
      if (inserted.length) return { first: true, redirectTo };
      return { first: false, redirectTo: (await this.find(challenge)) ?? redirectTo };
    },
    async find(challenge) {
      const [row] = await db.query<{ redirect_to: string }>('SELECT redirect_to FROM handled_challenges WHERE challenge = $1', [challenge]);
      return row?.redirect_to;
    },
  };
}
