// Callback endpoints mutations (issue 14). `write` (any credential: session, API key, OAuth token) and,
// because every delivery carries the account's payment data, `read` too. An OAuth app acts on the
// endpoints it registered only; another app's id is ENDPOINT_NOT_FOUND, as is an unknown one.
import { callbackCaller, type FieldMap, type InputArgs, type ResolverMap } from '../context.ts';
import { failed } from '../error-map.ts';

export const sdl = /* GraphQL */ `
extend type Mutation {
  callbackEndpointAdd(input: CallbackEndpointAddInput!): CallbackEndpointAddPayload!
  callbackEndpointDelete(input: CallbackEndpointDeleteInput!): SuccessPayload!
  """Lightgate: a new signing secret for the endpoint, shown only in this answer; the old one stops at once."""
  callbackEndpointSecretRotate(input: CallbackEndpointSecretRotateInput!): CallbackEndpointSecretRotatePayload!
}
`;

const Mutation: FieldMap = {
  callbackEndpointAdd: async (_r: unknown, { input }: InputArgs<{ url: string }>, ctx) => {
    const added = await ctx.services.webhooks.add(await callbackCaller(ctx), input.url);
    if (!added.ok) return { ...failed(added.error), id: null, secret: null };
    return { errors: [], id: added.value.endpoint.id, secret: added.value.secret };
  },
  callbackEndpointDelete: async (_r: unknown, { input }: InputArgs<{ id: string }>, ctx) => {
    const removed = await ctx.services.webhooks.remove(await callbackCaller(ctx), String(input.id));
    return removed.ok ? { errors: [], success: true } : { ...failed(removed.error), success: false };
  },
  callbackEndpointSecretRotate: async (_r: unknown, { input }: InputArgs<{ id: string }>, ctx) => {
    const rotated = await ctx.services.webhooks.rotateSecret(await callbackCaller(ctx), String(input.id));
    return rotated.ok ? { errors: [], ...rotated.value } : { ...failed(rotated.error), id: null, secret: null };
  },
};

export const resolvers: ResolverMap = { Mutation };
