"use client";
// The POS: sign in with Blink (Lightgate), see the merchant's wallet, charge a customer with a Lightning invoice
// shown as a QR code, and watch it until it is paid.
import { signIn, signOut, useSession } from "next-auth/react";
import { useEffect, useState, type FormEvent } from "react";
import type { PosSession } from "../lib/auth";
import type { Merchant, Wallet } from "../lib/blink";
import { watchInvoiceStatus } from "../lib/invoice-status";

interface ShownInvoice {
  paymentRequest: string;
  satoshis: number;
  qr: string;
  /** The API's WebSocket URL, where the invoice's status is watched. */
  statusUrl: string;
}

type Status = "PENDING" | "PAID" | "EXPIRED";

function formatBalance(w: Wallet): string {
  return w.walletCurrency === "BTC" ? `${w.balance.toLocaleString("en-US")} sats` : `$${(w.balance / 100).toFixed(2)}`;
}

export default function PosPage() {
  const { data, status, update } = useSession();
  const session = data as PosSession | null;

  // While a session update is in flight the previous session stays shown (the sale on screen is kept).
  if (status === "loading" && !session) return <main><p className="muted">Loading…</p></main>;
  if (!session) {
    return (
      <main>
        <h1>Lightgate POS</h1>
        <p>Take Lightning payments straight into your wallet. Sign in with your Blink account to start.</p>
        <button onClick={() => void signIn("blink")}>Sign in with Blink</button>
      </main>
    );
  }
  if (session.error || !session.merchant) {
    return (
      <main>
        <h1>Lightgate POS</h1>
        <p role="alert">
          {session.error === "RefreshAccessTokenError" ? "Your session has ended." : "Your wallet could not be read."} Please sign in again.
        </p>
        <button onClick={() => void signIn("blink")}>Sign in again</button>
      </main>
    );
  }
  if (!session.merchant.username) return <NoUsername />;
  return <Register merchant={session.merchant} refresh={() => void update()} />;
}

function NoUsername() {
  return (
    <main>
      <h1>Set a username first</h1>
      <p role="alert">
        This point of sale shows your username to customers, and your account has none yet.
      </p>
      <p>
        Open your wallet app and choose one under <strong>Settings → Username</strong>, or set it through the API with the{" "}
        <code>userUpdateUsername</code> mutation in your own wallet session (apps cannot set it). Then come back to this page.
      </p>
      <button className="secondary" onClick={() => void signOut()}>Sign out</button>
    </main>
  );
}

function Register({ merchant, refresh }: { merchant: Merchant; refresh: () => void }) {
  const [amount, setAmount] = useState("1000");
  const [memo, setMemo] = useState("");
  const [invoice, setInvoice] = useState<ShownInvoice | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const defaultWallet = merchant.wallets.find((w) => w.id === merchant.defaultWalletId);

  // Watch the payment status over the API's WebSocket (a subscription) until the invoice is paid or expired.
  useEffect(() => {
    if (!invoice || status !== "PENDING") return;
    return watchInvoiceStatus(
      invoice.statusUrl,
      invoice.paymentRequest,
      (next) => {
        if (next === "PENDING") return;
        setStatus(next);
        // Paid: read the session again, so the balances include this sale.
        if (next === "PAID") refresh();
      },
      setError,
    );
  }, [invoice, status, refresh]);

  async function charge(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/invoice", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ amount: Number(amount), memo }) });
      const body = (await res.json()) as ShownInvoice & { error?: string };
      if (!res.ok) {
        setError(body.error ?? "The invoice could not be created");
        return;
      }
      setInvoice(body);
      setStatus("PENDING");
    } finally {
      setBusy(false);
    }
  }

  function newSale() {
    setInvoice(null);
    setStatus(null);
    setMemo("");
  }

  return (
    <main>
      <div className="row">
        <h1>{merchant.username}’s POS</h1>
        <button className="secondary" onClick={() => void signOut()}>Sign out</button>
      </div>
      <p className="muted">
        Payments go to your default wallet{defaultWallet ? ` (${defaultWallet.walletCurrency})` : ""}.
      </p>
      <ul className="wallets" aria-label="Wallets">
        {merchant.wallets.map((w) => (
          <li key={w.id} data-wallet-id={w.id}>
            <span>{w.walletCurrency} wallet{w.id === merchant.defaultWalletId ? " · default" : ""}</span>
            <strong>{formatBalance(w)}</strong>
          </li>
        ))}
      </ul>

      {!invoice && (
        <form onSubmit={charge}>
          <label htmlFor="amount">Amount (sats)</label>
          <input id="amount" inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} required />
          <label htmlFor="memo">Note for the customer</label>
          <input id="memo" value={memo} onChange={(e) => setMemo(e.target.value)} maxLength={200} placeholder="Coffee" />
          <p>
            <button type="submit" disabled={busy}>{busy ? "Creating…" : "Create invoice"}</button>
          </p>
        </form>
      )}
      {error && <p role="alert">{error}</p>}

      {invoice && (
        <section className="invoice" aria-label="Invoice">
          <p>Scan to pay <strong>{invoice.satoshis.toLocaleString("en-US")} sats</strong></p>
          <img src={invoice.qr} alt="Lightning invoice QR code" width={320} height={320} />
          <code data-testid="payment-request">{invoice.paymentRequest}</code>
          <p className={`status ${status?.toLowerCase() ?? ""}`} role="status">
            {status === "PAID" ? "Paid ✓" : status === "EXPIRED" ? "Expired" : "Waiting for payment…"}
          </p>
          {status !== "PENDING" && <button onClick={newSale}>New sale</button>}
        </section>
      )}
    </main>
  );
}
