// Issue 15: what a grant budget costs a payment as apps see it: intraLedgerPaymentSend over HTTP (GraphQL on a
// listening API, PostgreSQL), each payer paying with an OAuth token whose grant has a daily budget (charged in
// the payment's transaction) against the same payers paying with a `write` API key (first-party: no budget).
// Both credentials are cached by the API after their first use, so the difference is the budget's charge.
// The two are interleaved round by round in one run (alternating which goes first); the median of the
// per-round ratios counts; the ledger must balance and the budgets' spend equal the budgeted payments.
// bench/budgets.ts measures the same in process (the ledger alone: the strictest ratio).
//   npx node bench/budgets-http.ts [--duration 3] [--connections 16] [--payers 40] [--rounds 6] [--key]
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { createGrantBudgets } from '../src/wallet/app/grant-budgets.ts';
import { apiKey, bearer, oauth, startHarness } from '../test/api/harness.ts';
import { assertLedgerConsistent } from '../test/wallet/helpers.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    payers: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '6' },
    key: { type: 'boolean', default: false },
  },
});
const GOAL = 0.15;
const FUNDS = 100_000_000;
const PAY = 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 1 }) { status errors { code } } }';

type Result = { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
type AutocannonFn = (options: Record<string, unknown>, cb: (e: Error | null, r: Result) => void) => void;
const autocannonFn = createRequire(import.meta.url)('autocannon') as AutocannonFn;
const autocannon = (options: Record<string, unknown>) => new Promise<Result>((resolve, reject) => autocannonFn(options, (e, r) => (e ? reject(e) : resolve(r))));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const h = await startHarness({ kind: 'postgres', env: { RATE_LIMIT_IP: '0', RATE_LIMIT_CLIENT: '0', REQUIRE_DPOP_FOR_WRITE: 'false', DATABASE_POOL_SIZE: '20' } });
try {
  const api = new URL(`${h.stack.config.urls.api}/graphql`);
  await h.app.listen({ host: '127.0.0.1', port: Number(api.port) });
  const db = h.stack.database.db;
  const budgets = createGrantBudgets(db);
  const users = await Promise.all(Array.from({ length: Number(values.payers) }, () => h.signUp()));
  const payers: { oauth: string; key: string; body: string }[] = [];
  for (const [i, u] of users.entries()) {
    await h.fund(u.btcWalletId, FUNDS);
    const token = await h.oauthToken(u, ['read', 'write']);
    const budget = { type: 'wallet_spend' as const, limit: { amount: FUNDS, currency: 'BTC' as const }, period: 'P1D' as const, per_payment_max: 1000 };
    await budgets.recordGranted({ userId: u.userId, clientId: h.oauthClientId(), budget, ceiling: budget, remembered: false });
    const created = await h.gql('mutation($i: ApiKeyCreateInput!) { apiKeyCreate(input: $i) { apiKeySecret } }', { i: { name: 'bench', scopes: ['READ', 'WRITE'] } }, bearer(u.session));
    const secret = (created.body.data?.apiKeyCreate as { apiKeySecret?: string } | undefined)?.apiKeySecret;
    if (!secret) throw new Error(`api key: ${JSON.stringify(created.body)}`);
    payers.push({ oauth: token, key: secret, body: JSON.stringify({ query: PAY, variables: { w: u.btcWalletId, r: users[(i + 1) % users.length]!.btcWalletId } }) });
  }
  const run = async (kind: 'budget' | 'none') => {
    let next = 0;
    let failed = 0;
    const result = await autocannon({
      url: api.href,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections: Number(values.connections),
      duration: Number(values.duration),
      requests: [
        {
          setupRequest: (req: { headers: Record<string, string> }) => {
            const p = payers[next++ % payers.length]!;
            const credential = kind === 'budget' ? oauth(p.oauth) : apiKey(p.key);
            return { ...req, body: p.body, headers: { ...req.headers, ...credential, ...(values.key ? { 'idempotency-key': randomUUID() } : {}) } };
          },
          onResponse: (_status: number, body: string) => {
            if (!body.includes('"SUCCESS"')) failed++;
          },
        },
      ],
    });
    if (result.non2xx || result.errors || failed) throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors, ${failed} payments failed`);
    return result;
  };
  // Warm both credentials' caches and every wallet before measuring.
  await run('budget');
  await run('none');
  const ratios: number[] = [];
  const rates: Record<'budget' | 'none', number[]> = { budget: [], none: [] };
  for (let r = 0; r < Number(values.rounds); r++) {
    const order: ('budget' | 'none')[] = r % 2 === 0 ? ['none', 'budget'] : ['budget', 'none'];
    const got: Partial<Record<'budget' | 'none', Result>> = {};
    for (const kind of order) got[kind] = await run(kind);
    rates.budget.push(got.budget!.requests.average);
    rates.none.push(got.none!.requests.average);
    ratios.push(got.budget!.requests.average / got.none!.requests.average);
    console.log(`round ${r + 1}: without a budget (API key) ${got.none!.requests.average.toFixed(0)}/s p99 ${got.none!.latency.p99} ms; with a budget (OAuth grant) ${got.budget!.requests.average.toFixed(0)}/s p99 ${got.budget!.latency.p99} ms; ratio ${ratios.at(-1)!.toFixed(2)}`);
  }
  const consistent = await assertLedgerConsistent(db);
  if (consistent.unbalancedJournals || consistent.driftingWallets || consistent.negativeUserEntries) throw new Error(`ledger: ${JSON.stringify(consistent)}`);
  const [spend] = await db.query<{ spent: string; logged: string }>('SELECT (SELECT sum(spent) FROM grant_budgets)::text AS spent, (SELECT count(*) FROM ledger_journals WHERE grant_client_id IS NOT NULL)::text AS logged');
  const ratio = median(ratios);
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${values.rounds} interleaved rounds of ${values.duration} s, ${values.connections} connections, ${payers.length} payers${values.key ? ', each payment with an Idempotency-Key' : ''}; ledger balanced; budgets charged ${spend!.logged} payments (${spend!.spent} sats today)`);
  console.log(`median ${median(rates.none).toFixed(0)}/s without a budget, ${median(rates.budget).toFixed(0)}/s with; median round ratio ${ratio.toFixed(3)} (rounds ${ratios.map((x) => x.toFixed(2)).join(', ')}), ${((1 - ratio) * 100).toFixed(1)}% fewer (goal ≤ ${GOAL * 100}%): ${1 - ratio <= GOAL ? 'MET' : 'NOT MET'}`);
} finally {
  await h.close();
}
