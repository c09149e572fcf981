// The one HTTP client of webhooks, built against SSRF: the host is resolved here, every address is
// checked (services never reach loopback, private, link-local/metadata or reserved ranges; loopback
// only in development), and the socket connects to the address that was checked (a custom lookup),
// so a DNS answer that changes between the check and the connection (rebinding) cannot redirect it.
// TLS still verifies the certificate against the URL's host name. Connect and total timeouts, a cap
// on the response bytes read, no redirects (a 3xx is a failed attempt), no connection reuse.
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { err, ok, type Result } from '../../shared/result.ts';
import { addressAllowed } from '../domain/address-ranges.ts';
import { hostOf } from '../domain/endpoint-url.ts';

export interface HttpPolicy {
  allowLoopback: boolean;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxResponseBytes: number;
}

export type PostResult =
  | { kind: 'response'; status: number; bytesRead: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'error'; reason: string };

/** The addresses a host name stands for, all of them allowed; a refusal names no address. */
export async function resolveAllowed(url: URL, allowLoopback: boolean): Promise<Result<{ address: string; family: number }, string>> {
  const host = hostOf(url);
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      return err('the host name does not resolve');
    }
  }
  if (addresses.length === 0) return err('the host name does not resolve');
  // Any refused address refuses the name: a name that mixes public and private answers is an attack.
  if (!addresses.every((a) => addressAllowed(a.address, allowLoopback))) return err('the host resolves to a private, loopback, link-local or reserved address');
  return ok(addresses[0]!);
}

export async function postJson(url: URL, headers: Record<string, string>, body: string, policy: HttpPolicy): Promise<PostResult> {
  const target = await resolveAllowed(url, policy.allowLoopback);
  if (!target.ok) return { kind: 'refused', reason: target.error };
  const { address, family } = target.value;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connect);
      resolve(result);
    };
    const req = transport.request(url, {
      method: 'POST',
      agent: false,
      lookup: pinned,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Lightgate-Webhooks/1' },
    });
    const total = setTimeout(() => {
      req.destroy();
      finish({ kind: 'error', reason: `no response within ${policy.totalTimeoutMs} ms` });
    }, policy.totalTimeoutMs);
    const connect = setTimeout(() => {
      req.destroy();
      finish({ kind: 'error', reason: `could not connect within ${policy.connectTimeoutMs} ms` });
    }, policy.connectTimeoutMs);
    req.on('socket', (socket) => socket.once('connect', () => clearTimeout(connect)));
    req.on('error', (e: NodeJS.ErrnoException) => finish({ kind: 'error', reason: e.code ?? 'connection error' }));
    req.on('response', (res) => {
      let bytesRead = 0;
      const status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
        // The body is not needed: past the cap, stop reading (the status already decides).
        if (bytesRead > policy.maxResponseBytes) {
          res.destroy();
          finish({ kind: 'response', status, bytesRead });
        }
      });
      res.on('end', () => finish({ kind: 'response', status, bytesRead }));
      res.on('error', () => finish({ kind: 'response', status, bytesRead }));
      res.on('close', () => finish({ kind: 'response', status, bytesRead }));
    });
    req.end(body);
  });
}
