// The in-process half of the HydraAdmin port that needs oidc-provider, composed from one file per
// concern, as oidc-provider lays out its actions: login, consent and logout flows (flows/), sessions
// (sessions.ts), and tokens (introspection.ts). Client administration joins it in auth-server.ts.
import { createConsentFlow, type ConsentFlow } from './flows/consent.ts';
import { createDeviceFlow, type DeviceFlow } from './flows/device.ts';
import { createInteractions, type FlowDeps } from './flows/interactions.ts';
import { createLoginFlow, type LoginFlow } from './flows/login.ts';
import { createLogoutFlow, type LogoutFlow } from './flows/logout.ts';
import { createTokenAdmin, type TokenAdmin } from './introspection.ts';
import { createSessionAdmin, type SessionAdmin } from './sessions.ts';

export type { FlowDeps };

export type FlowPort = LoginFlow & ConsentFlow & LogoutFlow & DeviceFlow & SessionAdmin & TokenAdmin;

export function createHydraFlows(deps: FlowDeps): FlowPort {
  const interactions = createInteractions(deps);
  return {
    ...createLoginFlow(deps, interactions),
    ...createConsentFlow(deps, interactions),
    ...createLogoutFlow(deps),
    ...createDeviceFlow(deps),
    ...createSessionAdmin(deps),
    ...createTokenAdmin(deps),
  };
}
