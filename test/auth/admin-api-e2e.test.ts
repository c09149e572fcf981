// Issue 2's end-to-end test: whole flows driven by openid-client (the app) and @ory/hydra-client (the
// login & consent side), on PGlite and on PostgreSQL. The same suite runs against a real Ory Hydra in
// `npm run test:hydra`.
import { adminApiSuite, consentListingSuite } from '../hydra/admin-api-suite.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { lightgateTarget } from './lightgate-target.ts';

for (const kind of DATABASE_KINDS) {
  adminApiSuite(`Lightgate on ${kind}`, lightgateTarget(kind));
  consentListingSuite(`Lightgate on ${kind}`, lightgateTarget(kind));
}
