// Grant budget periods (issue 15) roll on UTC calendar boundaries: a day at 00:00 UTC, an ISO week on Monday,
// a month on the 1st; a lifetime budget never. And a payment in the other currency counts rounded up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargeAmounts, periodEnd, periodStart } from '../../src/wallet/domain/budget.ts';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

test('periods start on UTC boundaries and end where the next starts', () => {
  assert.equal(iso(periodStart('P1D', at('2026-11-28T23:59:59.999Z'))), '2026-11-28T00:00:00.000Z');
  assert.equal(iso(periodStart('P1D', at('2026-11-29T00:00:00.000Z'))), '2026-11-29T00:00:00.000Z');
  // 2026-11-29 is a Sunday: still the week of Monday the 23rd; Monday the 30th starts the next.
  assert.equal(iso(periodStart('P1W', at('2026-11-29T23:59:59.000Z'))), '2026-11-23T00:00:00.000Z');
  assert.equal(iso(periodStart('P1W', at('2026-11-30T00:00:00.000Z'))), '2026-11-30T00:00:00.000Z');
  assert.equal(iso(periodStart('P1M', at('2026-12-31T23:00:00.000Z'))), '2026-12-01T00:00:00.000Z');
  assert.equal(iso(periodEnd('P1M', periodStart('P1M', at('2026-12-31T23:00:00.000Z')))), '2027-01-01T00:00:00.000Z');
  assert.equal(iso(periodEnd('P1W', periodStart('P1W', at('2026-11-29T12:00:00.000Z')))), '2026-11-30T00:00:00.000Z');
  assert.equal(iso(periodEnd('P1D', periodStart('P1D', at('2024-02-28T12:00:00.000Z')))), '2024-02-29T00:00:00.000Z');
  assert.equal(periodStart(null, at('2026-11-28T12:00:00.000Z')), null);
  assert.equal(periodEnd(null, null), null);
});

test('a payment counts in the other currency at its price, rounded up', () => {
  const price = 10_000_000; // cents per BTC: 1 sat = 0.1 cent
  assert.deepEqual(chargeAmounts(91, 'BTC', price), { BTC: 91, USD: 10 });
  assert.deepEqual(chargeAmounts(90, 'BTC', price), { BTC: 90, USD: 9 });
  assert.deepEqual(chargeAmounts(1, 'BTC', price), { BTC: 1, USD: 1 });
  assert.deepEqual(chargeAmounts(3, 'USD', 9_999_999), { BTC: 31, USD: 3 }); // 30.000003 sats → 31
  assert.deepEqual(chargeAmounts(3, 'USD', price), { BTC: 30, USD: 3 });
});
