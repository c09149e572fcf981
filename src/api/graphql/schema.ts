// The wallet API's schema: the subset of Blink's public schema (../shared/contracts/blink-public-schema.graphql
// and blink-api-keys-schema.graphql) that Lightgate serves, with Blink's names, fields and payload shapes.
// Split by area as Blink's own code is: types/, queries/ and mutations/ hold each area's SDL and
// resolvers; this file holds the shared vocabulary (scalars, enums, the Error interface) and joins them.
import type { ResolverMap } from './context.ts';
import * as accountMutations from './mutations/account.ts';
import * as apiKeyMutations from './mutations/api-keys.ts';
import * as emailMutations from './mutations/email.ts';
import * as callbackEndpointMutations from './mutations/callback-endpoints.ts';
import * as invoiceMutations from './mutations/invoices.ts';
import * as paymentMutations from './mutations/payments.ts';
import * as totpMutations from './mutations/totp.ts';
import * as walletMutations from './mutations/wallets.ts';
import * as accountQueries from './queries/account.ts';
import * as invoiceQueries from './queries/invoices.ts';
import * as walletQueries from './queries/wallets.ts';
import type { SubscriptionMap } from './subscriptions/support.ts';
import * as invoiceSubscriptions from './subscriptions/invoices.ts';
import * as budgetThresholdSubscriptions from './subscriptions/budget-thresholds.ts';
import * as myUpdatesSubscriptions from './subscriptions/my-updates.ts';
import * as priceSubscriptions from './subscriptions/prices.ts';
import * as accountTypes from './types/account.ts';
import * as apiKeyTypes from './types/api-keys.ts';
import * as emailTypes from './types/email.ts';
import * as callbackEndpointTypes from './types/callback-endpoints.ts';
import * as invoiceTypes from './types/invoices.ts';
import * as limitTypes from './types/limits.ts';
import * as budgetTypes from './types/budgets.ts';
import * as paymentTypes from './types/payments.ts';
import * as totpTypes from './types/totp.ts';
import * as walletTypes from './types/wallets.ts';

const shared = /* GraphQL */ `
scalar AuthToken
scalar CentAmount
scalar CountryCode
scalar DisplayCurrency
scalar EmailAddress
scalar EmailRegistrationId
scalar EndpointUrl
scalar Hex32Bytes
scalar Language
scalar LnPaymentPreImage
scalar LnPaymentRequest
scalar LnPaymentSecret
scalar Memo
scalar Minutes
scalar OnChainAddress
scalar OnChainTxHash
scalar OneTimeAuthCode
scalar PaymentHash
scalar Phone
scalar SafeInt
scalar SatAmount
scalar Seconds
scalar SignedAmount
scalar SignedDisplayMajorAmount
scalar Timestamp
scalar TotpCode
scalar TotpRegistrationId
scalar TotpSecret
scalar TxExternalId
scalar Username
scalar WalletId

enum Scope { READ RECEIVE WRITE }
enum WalletCurrency { BTC USD }
enum Network { mainnet regtest signet testnet }
enum AccountLevel { ONE THREE TWO ZERO }
enum InvoicePaymentStatus { EXPIRED PAID PENDING }
enum PaymentSendResult { ALREADY_PAID FAILURE PENDING SUCCESS }
enum TxDirection { RECEIVE SEND }
enum TxStatus { FAILURE PENDING SUCCESS }

interface Error {
  code: String
  message: String!
  path: [String]
}

type GraphQLApplicationError implements Error {
  code: String
  message: String!
  path: [String]
}

type Query
type Mutation
type Subscription
`;

interface Area {
  sdl: string;
  resolvers?: ResolverMap;
  /** Subscription fields: each gives a stream of payloads (src/api/subscriptions/ serves them over WebSocket). */
  subscriptions?: SubscriptionMap;
}

const areas: readonly Area[] = [
  accountTypes,
  walletTypes,
  paymentTypes,
  invoiceTypes,
  limitTypes,
  budgetTypes,
  apiKeyTypes,
  callbackEndpointTypes,
  totpTypes,
  emailTypes,
  accountQueries,
  walletQueries,
  invoiceQueries,
  paymentMutations,
  invoiceMutations,
  walletMutations,
  accountMutations,
  apiKeyMutations,
  callbackEndpointMutations,
  totpMutations,
  emailMutations,
  invoiceSubscriptions,
  myUpdatesSubscriptions,
  priceSubscriptions,
  budgetThresholdSubscriptions,
];

export const typeDefs = [shared, ...areas.map((a) => a.sdl)].join('\n');

/** Every Subscription field's stream, by field. */
export const subscriptions: SubscriptionMap = Object.assign({}, ...areas.map((a) => a.subscriptions ?? {}));

/** Every area's resolvers, by type; an area may add fields to a type another declares (User.apiKeys). */
export const resolvers: ResolverMap = {};
for (const area of areas) {
  for (const [type, fields] of Object.entries(area.resolvers ?? {})) {
    for (const name of Object.keys(fields)) if (resolvers[type]?.[name]) throw new Error(`two resolvers for ${type}.${name}`);
    resolvers[type] = { ...resolvers[type], ...fields };
  }
}
