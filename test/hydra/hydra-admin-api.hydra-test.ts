// The admin-API suite against a real Ory Hydra v2 (built by scripts/hydra/install.sh). `npm run test:hydra`.
import { adminApiSuite, consentListingSuite } from './admin-api-suite.ts';
import { hydraTarget } from './support/target.ts';

adminApiSuite('Ory Hydra', hydraTarget);
consentListingSuite('Ory Hydra', hydraTarget);
