// The wallet API's schema: the subset of Blink's public schema (blinkbitcoin/blink
// `core/api/src/graphql/public/schema.graphql`) and of its API-key subgraph
// (`core/api-keys/subgraph/schema.graphql`) that Lightgate serves, with Blink's names, fields and payload shapes.
export const typeDefs = /* GraphQL */ `
scalar AuthToken
scalar CentAmount
scalar DisplayCurrency
scalar EmailAddress
scalar EndpointUrl
scalar Hex32Bytes
scalar LnPaymentPreImage
scalar LnPaymentRequest
scalar LnPaymentSecret
scalar Memo
scalar Minutes
scalar OnChainAddress
scalar OnChainTxHash
scalar PaymentHash
scalar Phone
scalar SafeInt
scalar SatAmount
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

type Query {
  globals: Globals
  currencyList: [Currency!]!
  realtimePrice(currency: DisplayCurrency = "USD"): RealtimePrice!
  accountDefaultWallet(username: Username!, walletCurrency: WalletCurrency): PublicWallet!
  usernameAvailable(username: Username!): Boolean
  lnInvoicePaymentStatus(input: LnInvoicePaymentStatusInput!): LnInvoicePaymentStatusPayload!
  lnInvoicePaymentStatusByHash(input: LnInvoicePaymentStatusByHashInput!): LnInvoicePaymentStatus!
  lnInvoicePaymentStatusByPaymentRequest(input: LnInvoicePaymentStatusByPaymentRequestInput!): LnInvoicePaymentStatus!
  me: User
  """Retrieve the list of scopes permitted for the user's token or API key"""
  authorization: Authorization!
}

type Mutation {
  intraLedgerPaymentSend(input: IntraLedgerPaymentSendInput!): PaymentSendPayload!
  intraLedgerUsdPaymentSend(input: IntraLedgerUsdPaymentSendInput!): PaymentSendPayload!
  lnInvoicePaymentSend(input: LnInvoicePaymentInput!): PaymentSendPayload!
  lnNoAmountInvoicePaymentSend(input: LnNoAmountInvoicePaymentInput!): PaymentSendPayload!
  lnNoAmountUsdInvoicePaymentSend(input: LnNoAmountUsdInvoicePaymentInput!): PaymentSendPayload!
  lnInvoiceCreate(input: LnInvoiceCreateInput!): LnInvoicePayload!
  lnUsdInvoiceCreate(input: LnUsdInvoiceCreateInput!): LnInvoicePayload!
  lnNoAmountInvoiceCreate(input: LnNoAmountInvoiceCreateInput!): LnNoAmountInvoicePayload!
  lnInvoiceCreateOnBehalfOfRecipient(input: LnInvoiceCreateOnBehalfOfRecipientInput!): LnInvoicePayload!
  lnUsdInvoiceCreateOnBehalfOfRecipient(input: LnUsdInvoiceCreateOnBehalfOfRecipientInput!): LnInvoicePayload!
  lnNoAmountInvoiceCreateOnBehalfOfRecipient(input: LnNoAmountInvoiceCreateOnBehalfOfRecipientInput!): LnNoAmountInvoicePayload!
  lnInvoiceCancel(input: LnInvoiceCancelInput!): SuccessPayload!
  onChainAddressCreate(input: OnChainAddressCreateInput!): OnChainAddressPayload!
  onChainAddressCurrent(input: OnChainAddressCurrentInput!): OnChainAddressPayload!
  userUpdateUsername(input: UserUpdateUsernameInput!): UserUpdateUsernamePayload!
  accountUpdateDefaultWalletId(input: AccountUpdateDefaultWalletIdInput!): AccountUpdateDefaultWalletIdPayload!
  accountUpdateDisplayCurrency(input: AccountUpdateDisplayCurrencyInput!): AccountUpdateDisplayCurrencyPayload!
  apiKeyCreate(input: ApiKeyCreateInput!): ApiKeyCreatePayload!
  apiKeyRevoke(input: ApiKeyRevokeInput!): ApiKeyRevokePayload!
  userLogout(input: UserLogoutInput): SuccessPayload!
  """Two-step verification (TOTP); only the account holder's own session (FIRST_PARTY_ONLY otherwise)"""
  userTotpRegistrationInitiate: UserTotpRegistrationInitiatePayload!
  userTotpRegistrationValidate(input: UserTotpRegistrationValidateInput!): UserTotpRegistrationValidatePayload!
  userTotpDelete: UserTotpDeletePayload!
}

type Authorization { scopes: [Scope!]! }

type Globals {
  network: Network!
  nodesIds: [String!]!
  lightningAddressDomain: String!
  lightningAddressDomainAliases: [String!]!
  buildInformation: BuildInformation!
}
type BuildInformation { commitHash: String helmRevision: Int }

type Currency { flag: String! fractionDigits: Int! id: ID! name: String! symbol: String! }

interface PriceInterface { base: SafeInt! currencyUnit: String! offset: Int! }
type PriceOfOneSatInMinorUnit implements PriceInterface { base: SafeInt! currencyUnit: String! offset: Int! }
type PriceOfOneUsdCentInMinorUnit implements PriceInterface { base: SafeInt! currencyUnit: String! offset: Int! }
type PriceOfOneSettlementMinorUnitInDisplayMinorUnit implements PriceInterface { base: SafeInt! currencyUnit: String! formattedAmount: String! offset: Int! }
type RealtimePrice {
  btcSatPrice: PriceOfOneSatInMinorUnit!
  denominatorCurrency: DisplayCurrency!
  denominatorCurrencyDetails: Currency!
  id: ID!
  timestamp: Timestamp!
  usdCentPrice: PriceOfOneUsdCentInMinorUnit!
}

type PublicWallet { currency: WalletCurrency! id: ID! walletCurrency: WalletCurrency! }

type User {
  id: ID!
  createdAt: Timestamp!
  defaultAccount: Account!
  email: Email
  phone: Phone
  totpEnabled: Boolean!
  username: Username
  apiKeys: [ApiKey!]!
}
type Email { address: EmailAddress verified: Boolean }

interface Account {
  id: ID!
  defaultWalletId: WalletId!
  defaultWallet: PublicWallet!
  displayCurrency: DisplayCurrency!
  level: AccountLevel!
  realtimePrice: RealtimePrice!
  transactions(after: String, before: String, first: Int, last: Int, walletIds: [WalletId]): TransactionConnection
  walletById(walletId: WalletId!): Wallet!
  wallets: [Wallet!]!
}
type ConsumerAccount implements Account {
  id: ID!
  defaultWalletId: WalletId!
  defaultWallet: PublicWallet!
  displayCurrency: DisplayCurrency!
  level: AccountLevel!
  realtimePrice: RealtimePrice!
  transactions(after: String, before: String, first: Int, last: Int, walletIds: [WalletId]): TransactionConnection
  walletById(walletId: WalletId!): Wallet!
  wallets: [Wallet!]!
}

interface Wallet {
  accountId: ID!
  balance: SignedAmount!
  id: ID!
  pendingIncomingBalance: SignedAmount!
  transactions(after: String, before: String, first: Int, last: Int): TransactionConnection
  transactionsByPaymentHash(paymentHash: PaymentHash!): [Transaction!]!
  invoiceByPaymentHash(paymentHash: PaymentHash!): Invoice!
  walletCurrency: WalletCurrency!
}
type BTCWallet implements Wallet {
  accountId: ID!
  balance: SignedAmount!
  id: ID!
  pendingIncomingBalance: SignedAmount!
  transactions(after: String, before: String, first: Int, last: Int): TransactionConnection
  transactionsByPaymentHash(paymentHash: PaymentHash!): [Transaction!]!
  invoiceByPaymentHash(paymentHash: PaymentHash!): Invoice!
  walletCurrency: WalletCurrency!
}
type UsdWallet implements Wallet {
  accountId: ID!
  balance: SignedAmount!
  id: ID!
  pendingIncomingBalance: SignedAmount!
  transactions(after: String, before: String, first: Int, last: Int): TransactionConnection
  transactionsByPaymentHash(paymentHash: PaymentHash!): [Transaction!]!
  invoiceByPaymentHash(paymentHash: PaymentHash!): Invoice!
  walletCurrency: WalletCurrency!
}

type PageInfo { endCursor: String hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String }
type TransactionConnection { edges: [TransactionEdge!] pageInfo: PageInfo! }
type TransactionEdge { cursor: String! node: Transaction! }

type Transaction {
  createdAt: Timestamp!
  direction: TxDirection!
  externalId: TxExternalId
  id: ID!
  initiationVia: InitiationVia!
  memo: Memo
  settlementAmount: SignedAmount!
  settlementCurrency: WalletCurrency!
  settlementDisplayAmount: SignedDisplayMajorAmount!
  settlementDisplayCurrency: DisplayCurrency!
  settlementDisplayFee: SignedDisplayMajorAmount!
  settlementFee: SignedAmount!
  settlementPrice: PriceOfOneSettlementMinorUnitInDisplayMinorUnit!
  settlementVia: SettlementVia!
  status: TxStatus!
}

union InitiationVia = InitiationViaIntraLedger | InitiationViaLn | InitiationViaOnChain
type InitiationViaIntraLedger { counterPartyUsername: Username counterPartyWalletId: WalletId }
type InitiationViaLn { paymentHash: PaymentHash! paymentRequest: LnPaymentRequest! }
type InitiationViaOnChain { address: OnChainAddress! }

union SettlementVia = SettlementViaIntraLedger | SettlementViaLn | SettlementViaOnChain
type SettlementViaIntraLedger { counterPartyUsername: Username counterPartyWalletId: WalletId preImage: LnPaymentPreImage }
type SettlementViaLn { paymentSecret: LnPaymentSecret preImage: LnPaymentPreImage }
type SettlementViaOnChain { arrivalInMempoolEstimatedAt: Timestamp transactionHash: OnChainTxHash vout: Int }

interface Invoice {
  createdAt: Timestamp!
  externalId: TxExternalId!
  paymentHash: PaymentHash!
  paymentRequest: LnPaymentRequest!
  paymentSecret: LnPaymentSecret!
  paymentStatus: InvoicePaymentStatus!
}
type LnInvoice implements Invoice {
  createdAt: Timestamp!
  externalId: TxExternalId!
  paymentHash: PaymentHash!
  paymentRequest: LnPaymentRequest!
  paymentSecret: LnPaymentSecret!
  paymentStatus: InvoicePaymentStatus!
  satoshis: SatAmount!
}
type LnNoAmountInvoice implements Invoice {
  createdAt: Timestamp!
  externalId: TxExternalId!
  paymentHash: PaymentHash!
  paymentRequest: LnPaymentRequest!
  paymentSecret: LnPaymentSecret!
  paymentStatus: InvoicePaymentStatus!
}

type LnInvoicePayload { errors: [Error!]! invoice: LnInvoice }
type LnNoAmountInvoicePayload { errors: [Error!]! invoice: LnNoAmountInvoice }
type PaymentSendPayload { errors: [Error!]! status: PaymentSendResult transaction: Transaction }
type SuccessPayload { errors: [Error!]! success: Boolean }
type OnChainAddressPayload { address: OnChainAddress errors: [Error!]! }
type UserUpdateUsernamePayload { errors: [Error!]! user: User }
type AccountUpdateDefaultWalletIdPayload { account: ConsumerAccount errors: [Error!]! }
type AccountUpdateDisplayCurrencyPayload { account: ConsumerAccount errors: [Error!]! }
type LnInvoicePaymentStatus { paymentHash: PaymentHash paymentPreimage: LnPaymentPreImage paymentRequest: LnPaymentRequest status: InvoicePaymentStatus }
type LnInvoicePaymentStatusPayload { errors: [Error!]! paymentHash: PaymentHash paymentPreimage: LnPaymentPreImage paymentRequest: LnPaymentRequest status: InvoicePaymentStatus }

input IntraLedgerPaymentSendInput { amount: SatAmount! memo: Memo recipientWalletId: WalletId! walletId: WalletId! }
input IntraLedgerUsdPaymentSendInput { amount: CentAmount! memo: Memo recipientWalletId: WalletId! walletId: WalletId! }
input LnInvoicePaymentInput { memo: Memo paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnNoAmountInvoicePaymentInput { amount: SatAmount! memo: Memo paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnNoAmountUsdInvoicePaymentInput { amount: CentAmount! memo: Memo paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnInvoiceCreateInput { amount: SatAmount! expiresIn: Minutes externalId: TxExternalId memo: Memo walletId: WalletId! }
input LnUsdInvoiceCreateInput { amount: CentAmount! expiresIn: Minutes externalId: TxExternalId memo: Memo walletId: WalletId! }
input LnNoAmountInvoiceCreateInput { expiresIn: Minutes externalId: TxExternalId memo: Memo walletId: WalletId! }
input LnInvoiceCreateOnBehalfOfRecipientInput { amount: SatAmount! descriptionHash: Hex32Bytes expiresIn: Minutes externalId: TxExternalId memo: Memo recipientWalletId: WalletId! webhookUrl: EndpointUrl }
input LnUsdInvoiceCreateOnBehalfOfRecipientInput { amount: CentAmount! descriptionHash: Hex32Bytes expiresIn: Minutes externalId: TxExternalId memo: Memo recipientWalletId: WalletId! webhookUrl: EndpointUrl }
input LnNoAmountInvoiceCreateOnBehalfOfRecipientInput { expiresIn: Minutes externalId: TxExternalId memo: Memo recipientWalletId: WalletId! webhookUrl: EndpointUrl }
input LnInvoiceCancelInput { paymentHash: PaymentHash! walletId: WalletId! }
input LnInvoicePaymentStatusInput { paymentRequest: LnPaymentRequest! }
input LnInvoicePaymentStatusByHashInput { paymentHash: PaymentHash! }
input LnInvoicePaymentStatusByPaymentRequestInput { paymentRequest: LnPaymentRequest! }
input OnChainAddressCreateInput { walletId: WalletId! }
input OnChainAddressCurrentInput { walletId: WalletId! }
input UserUpdateUsernameInput { username: Username! }
input AccountUpdateDefaultWalletIdInput { walletId: WalletId! }
input AccountUpdateDisplayCurrencyInput { currency: DisplayCurrency! }
input UserLogoutInput { deviceToken: String! }
type UserTotpRegistrationInitiatePayload { errors: [Error!]! totpRegistrationId: TotpRegistrationId totpSecret: TotpSecret }
input UserTotpRegistrationValidateInput { authToken: AuthToken totpCode: TotpCode! totpRegistrationId: TotpRegistrationId! }
type UserTotpRegistrationValidatePayload { errors: [Error!]! me: User }
type UserTotpDeletePayload { errors: [Error!]! me: User }

type ApiKey {
  id: ID!
  name: String!
  createdAt: Timestamp!
  revoked: Boolean!
  expired: Boolean!
  lastUsedAt: Timestamp
  expiresAt: Timestamp
  readOnly: Boolean!
  scopes: [Scope!]!
  limits: ApiKeyLimits!
}
type ApiKeyLimits {
  dailyLimitSats: Int
  weeklyLimitSats: Int
  monthlyLimitSats: Int
  annualLimitSats: Int
  dailySpentSats: Int!
  weeklySpentSats: Int!
  monthlySpentSats: Int!
  annualSpentSats: Int!
}
input ApiKeyCreateInput { name: String! expireInDays: Int scopes: [Scope!]! = [READ, WRITE] }
type ApiKeyCreatePayload { apiKey: ApiKey! apiKeySecret: String! }
input ApiKeyRevokeInput { id: ID! }
type ApiKeyRevokePayload { apiKey: ApiKey! }
`;
