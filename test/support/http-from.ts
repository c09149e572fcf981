// Real HTTP from a chosen loopback source address (127.0.0.2, 127.0.0.3, …): each one is a different
// client for the servers' per-address limits. fetch cannot pick its local address; node:http can.
import { request, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export function httpFrom(localAddress: string, url: string, init: HttpInit = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** POST a JSON body. */
export const postJson = (from: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  httpFrom(from, url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** POST a form body. */
export const postForm = (from: string, url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> =>
  httpFrom(from, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
