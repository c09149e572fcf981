// `read` guards the data, not the entry point (issue 11 #3). Every field whose type carries the account
// holder's data (user, account, wallets, transactions, API keys) needs `read`, wherever it is reached:
// under `me`, but also under a mutation's payload, so that a {write} or {receive} credential can make a
// change without reading the account back through the answer. The refused field is null with the same
// coded error as the entry check (INSUFFICIENT_SCOPE, or NOT_AUTHENTICATED).
//
// Invoices are not in the list on purpose: the invoice a `receive` credential creates is the answer it
// asks for (paymentRequest etc.); the wallet behind it is reachable only through Wallet, which is guarded.
import { defaultFieldResolver, getNamedType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { requireScope, type ApiContext } from './context.ts';

export const READ_DATA_TYPES: ReadonlySet<string> = new Set([
  'User',
  'Email',
  'Account',
  'ConsumerAccount',
  'Wallet',
  'BTCWallet',
  'UsdWallet',
  'TransactionConnection',
  'TransactionEdge',
  'Transaction',
  'ApiKey',
  'ApiKeyLimits',
  'BudgetThreshold',
]);

/**
 * Wraps, in place, every field that returns one of READ_DATA_TYPES (the edge into the data) and every
 * field of those types (so a future path that skips an edge is still covered). New fields and mutations
 * are covered by their types, with no list of operations to keep up to date.
 */
export function guardReadData(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const ownsData = READ_DATA_TYPES.has(type.name);
    for (const field of Object.values(type.getFields())) {
      if (!ownsData && !READ_DATA_TYPES.has(getNamedType(field.type).name)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx: ApiContext, info) => {
        requireScope(ctx, 'read');
        return resolve(source, args, ctx, info);
      };
    }
  }
}
