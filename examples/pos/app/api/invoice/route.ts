// POST /api/invoice {amount, memo}: an invoice paid straight into the signed-in merchant's wallet
// (lnInvoiceCreateOnBehalfOfRecipient), with its QR code and where the browser watches its status (the API's
// WebSocket). The wallet comes from the server's session (the guide's: its accessToken and userData), never
// the browser.
import { getServerSession } from "next-auth";
import { NextResponse, type NextRequest } from "next/server";
import QRCode from "qrcode";
import { authOptions, type PosSession } from "../../../lib/auth";
import { createInvoice, receivingWallet, SUBSCRIPTIONS_URL } from "../../../lib/blink";

export async function POST(req: NextRequest) {
  const session = (await getServerSession(authOptions)) as PosSession | null;
  if (!session?.accessToken || session.error === "RefreshAccessTokenError") return NextResponse.json({ error: "Your session has ended: sign in again." }, { status: 401 });
  const body = (await req.json().catch(() => ({}))) as { amount?: unknown; memo?: unknown };
  const amount = Number(body.amount);
  if (!Number.isSafeInteger(amount) || amount <= 0) return NextResponse.json({ error: "Enter a whole number of sats above zero." }, { status: 400 });
  const memo = typeof body.memo === "string" ? body.memo.slice(0, 200) : "";

  // The session callback read the wallet API's `me` with session.accessToken just now.
  const merchant = session.merchant;
  if (!merchant) return NextResponse.json({ error: "The wallet could not be read: sign in again." }, { status: 401 });
  if (!merchant.username) return NextResponse.json({ error: "Set a username first." }, { status: 403 });
  const wallet = receivingWallet(merchant);
  if (!wallet) return NextResponse.json({ error: "Your account has no bitcoin wallet." }, { status: 409 });

  const created = await createInvoice(wallet.id, amount, memo || `${merchant.username} POS`);
  if (!created.invoice) return NextResponse.json({ error: created.error }, { status: 502 });
  // BOLT11 in upper case fits QR's alphanumeric mode (a smaller code); wallets accept the lightning: URI.
  const qr = await QRCode.toDataURL(`lightning:${created.invoice.paymentRequest.toUpperCase()}`, { margin: 1, width: 320 });
  return NextResponse.json({ ...created.invoice, walletId: wallet.id, qr, statusUrl: SUBSCRIPTIONS_URL });
}
