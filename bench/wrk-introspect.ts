// Admin introspection driven by wrk (C), for bench/hydra-compare.ts --client wrk (issue 18): on a 2-core machine
// a Node fetch() load generator spends about as much CPU per introspection as the server it measures (~0.8 ms
// under load, against ~0.6 ms for Lightgate's auth server), which pulls every ratio towards 1; wrk spends a few
// µs, as pgbench's own client does (bench/wrk-payments.ts for the payments). Same request for every target:
// POST /admin/oauth2/introspect, form body token=…, the tokens in turn; an answer that is not a 200 with
// "active":true counts as failed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = (tokens: readonly string[]) => `
local bodies = { ${tokens.map((t) => JSON.stringify(`token=${encodeURIComponent(t)}`)).join(', ')} }
local n = 0
failed = 0
function request()
  n = n + 1
  return wrk.format("POST", "/admin/oauth2/introspect", { ["Content-Type"] = "application/x-www-form-urlencoded" }, bodies[(n % #bodies) + 1])
end
function response(status, headers, body)
  if status ~= 200 or not body:find('"active":true', 1, true) then failed = failed + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("WRK_RESULT %d %d %f %f %f\\n", summary.requests, failed, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3))
end
`;

export interface WrkIntrospection {
  ops: number;
  p50: number;
  p95: number;
  failed: number;
  requests: number;
}

/** Introspects `tokens` in turn for `seconds` with `clients` connections on one wrk thread. */
export async function introspectWithWrk(adminUrl: string, tokens: readonly string[], clients: number, seconds: number): Promise<WrkIntrospection> {
  const dir = mkdtempSync(join(tmpdir(), 'lightgate-wrk-'));
  try {
    const scriptFile = join(dir, 'introspect.lua');
    writeFileSync(scriptFile, script(tokens));
    const out = await new Promise<string>((resolve, reject) =>
      execFile('wrk', ['-t', '1', '-c', String(clients), '-d', `${seconds}s`, '--timeout', '10s', '-s', scriptFile, adminUrl], (error, stdout, stderr) =>
        error ? reject(new Error(`wrk: ${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const m = /WRK_RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(out);
    if (!m) throw new Error(`no result in wrk's output:\n${out}`);
    const [requests, failed, duration, p50, p95] = m.slice(1).map(Number) as [number, number, number, number, number];
    // Requests that never completed (socket errors, timeouts) are in wrk's own summary, not in `requests`.
    const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const lost = errors ? errors.slice(1).reduce((s, x) => s + Number(x), 0) : 0;
    return { ops: (requests - failed) / duration, p50, p95, failed: failed + lost, requests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
