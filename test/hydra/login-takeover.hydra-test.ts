// Issue 11 #1 against a real Ory Hydra v2: the attack that worked on Lightgate fails on Hydra too. `npm run test:hydra`.
import { loginTakeoverSuite } from './login-takeover-suite.ts';
import { hydraTarget } from './support/target.ts';

loginTakeoverSuite('Ory Hydra', hydraTarget);
