// GET /api/invoice/status?paymentRequest=...: PENDING, PAID or EXPIRED (lnInvoicePaymentStatus), for the POS to poll.
import { NextResponse, type NextRequest } from "next/server";
import { paymentStatus } from "../../../../lib/blink";
import { merchantAccessToken } from "../../../../lib/merchant-token";

export async function GET(req: NextRequest) {
  if (!(await merchantAccessToken(req))) return NextResponse.json({ error: "Your session has ended: sign in again." }, { status: 401 });
  const paymentRequest = req.nextUrl.searchParams.get("paymentRequest");
  if (!paymentRequest || paymentRequest.length > 2000) return NextResponse.json({ error: "paymentRequest is required" }, { status: 400 });
  const result = await paymentStatus(paymentRequest);
  if (!result.status) return NextResponse.json({ error: result.error }, { status: 404 });
  return NextResponse.json({ status: result.status }, { headers: { "cache-control": "no-store" } });
}
