// The wallet API (Blink's GraphQL schema). Signed-in calls send the access token in the `Oauth2-Token` header;
// invoices on behalf of a recipient are public, as is their payment status (watched by the browser, lib/invoice-status.ts).
export const GRAPHQL_URL = process.env.BLINK_API ?? "http://localhost:4002/graphql";
/** The same endpoint over WebSocket: the browser watches an invoice's status there (a public subscription). */
export const SUBSCRIPTIONS_URL = GRAPHQL_URL.replace(/^http/, "ws");

export interface Wallet {
  id: string;
  walletCurrency: "BTC" | "USD";
  balance: number;
}

export interface Merchant {
  username: string | null;
  defaultWalletId: string;
  wallets: Wallet[];
}

interface GraphQLAnswer<T> {
  data?: T;
  errors?: { message: string }[];
}

async function graphql<T>(query: string, variables: Record<string, unknown>, accessToken?: string): Promise<GraphQLAnswer<T>> {
  const response = await fetch(GRAPHQL_URL, {
    method: "POST",
    headers: { "content-type": "application/json", ...(accessToken ? { "Oauth2-Token": accessToken } : {}) },
    body: JSON.stringify({ query, variables }),
    cache: "no-store",
  });
  return (await response.json()) as GraphQLAnswer<T>;
}

/** The wallet that receives the POS payments: the default wallet when it holds bitcoin, else the BTC wallet. */
export function receivingWallet(merchant: Merchant): Wallet | undefined {
  const byId = merchant.wallets.find((w) => w.id === merchant.defaultWalletId);
  return byId?.walletCurrency === "BTC" ? byId : merchant.wallets.find((w) => w.walletCurrency === "BTC");
}

export interface Invoice {
  paymentRequest: string;
  paymentHash: string;
  satoshis: number;
}

export async function createInvoice(recipientWalletId: string, amount: number, memo: string): Promise<{ invoice?: Invoice; error?: string }> {
  const answer = await graphql<{ lnInvoiceCreateOnBehalfOfRecipient: { errors: { message: string }[]; invoice: Invoice | null } }>(
    `mutation Create($input: LnInvoiceCreateOnBehalfOfRecipientInput!) {
      lnInvoiceCreateOnBehalfOfRecipient(input: $input) { errors { message } invoice { paymentRequest paymentHash satoshis } }
    }`,
    { input: { recipientWalletId, amount, ...(memo ? { memo } : {}) } },
  );
  const payload = answer.data?.lnInvoiceCreateOnBehalfOfRecipient;
  if (payload?.invoice) return { invoice: payload.invoice };
  return { error: payload?.errors[0]?.message ?? answer.errors?.[0]?.message ?? "The invoice could not be created" };
}
