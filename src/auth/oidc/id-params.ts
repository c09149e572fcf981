// Candidate row ids (token-ids.ts: one per configured system secret) as one parameter each, not one array
// (issue 18). PostgreSQL keeps a named statement's generic plan only while it costs no more than plans made for
// the values at hand; `id = ANY($n::text[])` is costed as an array of 10, and once oidc_payloads holds a few
// thousand rows every execution was planned again (pg_prepared_statements.custom_plans; ~0.3 ms of the
// server's CPU per statement on the benchmark machine). `id IN ($n, …)` carries the count in the text: one
// statement per count, each planned once per connection (test/auth/statement-plans.test.ts).

/** `$first, $first+1, …`: `count` parameters. */
export function placeholders(first: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${first + i}`).join(', ');
}

/** With several candidates, the row under the first (the newest key) wins: an ORDER BY for that, else nothing. */
export function candidateOrder(column: string, first: number, count: number): string {
  return count > 1 ? ` ORDER BY array_position(ARRAY[${placeholders(first, count)}]::text[], ${column})` : '';
}

/** The name of a statement whose text depends on the number of candidates. */
export function named(base: string, count: number): string {
  return `${base}_${count}`;
}
