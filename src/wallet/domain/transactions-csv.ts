// The CSV export of transactions (Account.csvTransactions): RFC 4180 fields, one row per ledger entry.
// Text a person typed (memo, username) is neutralised against spreadsheet formulas (OWASP "CSV injection").
import type { LedgerTransaction } from './transaction.ts';

export const CSV_COLUMNS = ['id', 'walletId', 'direction', 'amount', 'currency', 'createdAt', 'kind', 'memo', 'counterpartyWalletId', 'counterpartyUsername', 'paymentHash', 'journalId'] as const;

function field(value: string | number | null): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A leading = + - @ tab or CR would make a spreadsheet run the cell as a formula. */
const text = (s: string | null): string | null => (s !== null && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

export function transactionsCsv(rows: readonly LedgerTransaction[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const t of rows) {
    lines.push(
      [t.id, t.walletId, t.amount < 0 ? 'SEND' : 'RECEIVE', t.amount, t.currency, t.createdAt.toISOString(), t.kind, text(t.memo), t.counterpartyWalletId, text(t.counterpartyUsername), t.paymentHash, t.journalId]
        .map(field)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
