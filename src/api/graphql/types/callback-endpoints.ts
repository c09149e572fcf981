// Callback endpoints area (issue 14), Blink's names and shapes: Account.callbackEndpoints, CallbackEndpoint,
// and the payloads of callbackEndpointAdd/Delete; `secret` on the add payload and
// callbackEndpointSecretRotate are Lightgate's extension (the signing secret, shown once).
import { callbackOwner, type FieldMap, type ResolverMap } from '../context.ts';
import type { AccountSource } from '../mappers.ts';

export const sdl = /* GraphQL */ `
scalar EndpointId

type CallbackEndpoint {
  id: EndpointId!
  url: EndpointUrl!
}

extend interface Account {
  """The callback endpoints this credential's app registered (all of the account's for the account holder)."""
  callbackEndpoints: [CallbackEndpoint!]!
}
extend type ConsumerAccount {
  callbackEndpoints: [CallbackEndpoint!]!
}

input CallbackEndpointAddInput {
  """callback endpoint to be called"""
  url: EndpointUrl!
}
type CallbackEndpointAddPayload {
  errors: [Error!]!
  id: EndpointId
  """Lightgate: the Standard Webhooks signing secret (whsec_…), shown only here."""
  secret: String
}
input CallbackEndpointDeleteInput {
  id: EndpointId!
}
"""Lightgate: a new signing secret for an endpoint, shown only here; the old one stops at once."""
input CallbackEndpointSecretRotateInput {
  id: EndpointId!
}
"""Lightgate: the answer of callbackEndpointSecretRotate."""
type CallbackEndpointSecretRotatePayload {
  errors: [Error!]!
  id: EndpointId
  secret: String
}
`;

const ConsumerAccount: FieldMap = {
  callbackEndpoints: async (account: AccountSource, _a, ctx) => {
    const owner = callbackOwner(ctx, account);
    return (await ctx.services.webhooks.list(owner)).map((e) => ({ id: e.id, url: e.url }));
  },
};

export const resolvers: ResolverMap = { ConsumerAccount };
