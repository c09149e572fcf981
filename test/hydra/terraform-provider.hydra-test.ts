// Terraform's hydra provider's request bodies against a real Ory Hydra v2 (built by scripts/hydra/install.sh):
// the same suite as Lightgate's test/auth/terraform-provider.test.ts. `npm run test:hydra`.
import { terraformProviderSuite } from './terraform-provider-suite.ts';
import { hydraTarget } from './support/target.ts';

terraformProviderSuite('Ory Hydra', hydraTarget);
