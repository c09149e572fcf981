// Issue 11 #1 against Lightgate's auth server on PGlite and PostgreSQL; the same suite runs against a real
// Ory Hydra in `npm run test:hydra` (test/hydra/login-takeover.hydra-test.ts).
import { loginTakeoverSuite } from '../hydra/login-takeover-suite.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { lightgateTarget } from './lightgate-target.ts';

for (const kind of DATABASE_KINDS) loginTakeoverSuite(`Lightgate on ${kind}`, lightgateTarget(kind));
