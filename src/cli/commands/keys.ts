// `lightgate keys …`: the authorization server's signing keys, for operators.
//   keys rotate   add a new signing key; older keys stay published
//   keys retire   retire every key but the current one; each leaves the JWKS once the tokens it signed expired
import type { Config } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import { retiredKeyGraceSeconds, retireSigningKeys, rotateSigningKey } from '../../auth/oidc/signing-keys.ts';

export const KEYS_USAGE = `Usage: lightgate keys <command>

Commands:
  rotate                add a new signing key; it signs from now on, older keys stay published
  retire                retire every key but the current signing key: each stays in the JWKS until the
                        longest token lifetime (TTL_ID_TOKEN, TTL_ACCESS_TOKEN) has passed since it stopped
                        signing, then running servers unpublish it
`;

export interface KeysCommandDeps {
  /** A migrated database. */
  db: Database;
  config: Pick<Config, 'secrets' | 'ttl'>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function runKeysCommand(argv: readonly string[], deps: KeysCommandDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.length === 0 && command === 'rotate') {
    const kid = await rotateSigningKey(deps.db, deps.config.secrets.system);
    deps.stdout(`new signing key ${kid}; running servers pick it up within seconds\n`);
    return 0;
  }
  if (rest.length === 0 && command === 'retire') {
    const outcome = await retireSigningKeys(deps.db, retiredKeyGraceSeconds(deps.config.ttl));
    if (!outcome.ok) {
      if (outcome.reason === 'nothing-to-retire') {
        deps.stdout('no key to retire: every key but the current signing key is retired already\n');
        return 0;
      }
      deps.stderr('lightgate keys retire: refused: there is only one signing key, the one that signs tokens now; it is never retired. Run `lightgate keys rotate` first, then retire the older key.\n');
      return 1;
    }
    const now = Date.now();
    for (const { kid, publishedUntil } of outcome.retired) {
      const when = publishedUntil.getTime() > now ? `stays published until ${publishedUntil.toISOString()}` : 'is unpublished now (its tokens have expired)';
      deps.stdout(`retired signing key ${kid}: it ${when}; running servers pick this up within seconds\n`);
    }
    return 0;
  }
  deps.stderr(KEYS_USAGE);
  return 2;
}
