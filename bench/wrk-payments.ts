// The payments' load generator in C, as pgbench's own client is (bench/payments-vs-pgbench.ts --client wrk):
// wrk (Debian's `wrk`) with a Lua script that pays 1 sat between two random accounts per request, each with
// its account's API key and a fresh Idempotency-Key, and counts every answer that is not a 200 with SUCCESS.
// On a 2-core machine a Node load generator takes a share of the cores pgbench's client does not.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkPayer {
  btc: string;
  apiKey: string;
}

const script = (payQuery: string, accountsFile: string, run: string) => `
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  failed = 0
  seq = 0
  accounts = {}
  for line in io.lines(${JSON.stringify(accountsFile)}) do
    local b, k = line:match("(%S+) (%S+)")
    table.insert(accounts, { b, k })
  end
  math.randomseed(os.time() + id * 7919)
end
local query = [==[${JSON.stringify(payQuery)}]==]
function request()
  local n = #accounts
  local a = math.random(n)
  local b = math.random(n - 1)
  if b >= a then b = b + 1 end
  seq = seq + 1
  local body = '{"query":' .. query .. ',"variables":{"w":"' .. accounts[a][1] .. '","r":"' .. accounts[b][1] .. '"}}'
  return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json", ["X-API-KEY"] = accounts[a][2], ["Idempotency-Key"] = "${run}-" .. id .. "-" .. seq }, body)
end
function response(status, headers, body)
  if status ~= 200 or not body:find('"SUCCESS"', 1, true) then failed = failed + 1 end
end
function done(summary, latency, requests)
  local f = 0
  for _, t in ipairs(threads) do f = f + t:get("failed") end
  io.write(string.format("WRK_RESULT %d %d %f\\n", summary.requests, f, summary.duration / 1e6))
end
`;

/** Pays for `ms` with `clients` connections over 2 threads; successful payments, failures and the seconds run. */
export async function payWithWrk(api: string, accounts: readonly WrkPayer[], clients: number, ms: number, payQuery: string): Promise<{ ok: number; failed: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lightgate-wrk-'));
  try {
    const accountsFile = join(dir, 'accounts.txt');
    writeFileSync(accountsFile, accounts.map((a) => `${a.btc} ${a.apiKey}`).join('\n') + '\n');
    const scriptFile = join(dir, 'pay.lua');
    writeFileSync(scriptFile, script(payQuery, accountsFile, randomUUID().slice(0, 8)));
    const seconds = Math.max(1, Math.round(ms / 1000));
    const out = await new Promise<string>((resolve, reject) =>
      execFile('wrk', ['-t', '2', '-c', String(clients), '-d', `${seconds}s`, '--timeout', '10s', '-s', scriptFile, `${api}/graphql`], (error, stdout, stderr) =>
        error ? reject(new Error(`wrk: ${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const m = /WRK_RESULT (\d+) (\d+) ([\d.]+)/.exec(out);
    if (!m) throw new Error(`no result in wrk's output:\n${out}`);
    const [requests, failed, duration] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // Requests that never completed (socket errors, timeouts) are in wrk's own summary, not in `requests`.
    const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const lost = errors ? Number(errors[1]) + Number(errors[2]) + Number(errors[3]) + Number(errors[4]) : 0;
    return { ok: requests - failed, failed: failed + lost, seconds: duration };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
