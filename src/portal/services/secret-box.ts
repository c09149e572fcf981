// The portal's box for secrets it must read back once (a client secret or API key waiting to be shown, the
// portal's own client secret): see src/shared/secret-box.ts.
import { createSecretBox, type SecretBox } from '../../shared/secret-box.ts';

export type { SecretBox };

export function createPortalSecretBox(secrets: readonly string[]): SecretBox {
  return createSecretBox(secrets, { purpose: 'portal-secret-box', version: 'p1' });
}
