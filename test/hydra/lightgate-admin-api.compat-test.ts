// The same admin-API suite against Lightgate's own auth server (src/main/stack.ts). Not yet in `npm run test:hydra` (it still differs from Hydra, see docs/hydra-compatibility.md): `npx node --test test/hydra/*.compat-test.ts`.
import { adminApiSuite } from './admin-api-suite.ts';
import { lightgateTarget } from './support/lightgate-target.ts';

adminApiSuite('Lightgate', lightgateTarget);
