// Issue 19 #9 and #10 against a real Ory Hydra v2: the skipping rules Lightgate follows. `npm run test:hydra`.
import { sessionRulesSuite } from './session-rules-suite.ts';
import { hydraTarget } from './support/target.ts';

sessionRulesSuite('Ory Hydra', hydraTarget);
