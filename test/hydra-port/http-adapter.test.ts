// The HTTP adapter of the Hydra port: the admin-API contract against Lightgate's own admin server
// (real stack, real HTTP), and the protocol edges (Hydra's error shapes, 410, unreachable server,
// timeouts, base paths) against a minimal server that answers like Hydra does.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpHydraAdmin, toHydraError } from '../../src/hydra-port/http-adapter.ts';
import { freePort, startTestStack, type TestStack } from '../support/stack.ts';
import { adminApiContract } from './admin-contract.ts';

describe('HTTP adapter against the Lightgate admin API', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());
  adminApiContract(() => stack.urls.admin);
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: Seen, res: ServerResponse) => void;

async function hydraLike(handler: Handler): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('HTTP adapter: protocol edges', () => {
  it('maps errorOAuth2 bodies', async () => {
    const s = await hydraLike((_q, res) => json(res, 409, { error: 'conflict', error_description: 'Client exists', status_code: 409 }));
    try {
      const r = await createHttpHydraAdmin(s.url).createClient({ client_id: 'x' });
      assert.deepEqual(r, { ok: false, error: { status: 409, error: 'conflict', error_description: 'Client exists' } });
    } finally {
      await s.close();
    }
  });

  it('maps genericError bodies', async () => {
    const s = await hydraLike((_q, res) =>
      json(res, 404, { error: { code: 404, status: 'Not Found', message: 'The requested resource could not be found', reason: 'Unable to locate the resource' } }),
    );
    try {
      const r = await createHttpHydraAdmin(s.url).getClient('nope');
      assert.deepEqual(r, { ok: false, error: { status: 404, error: 'not_found', error_description: 'Unable to locate the resource' } });
    } finally {
      await s.close();
    }
  });

  it('maps 410 with redirect_to (request already handled)', async () => {
    const s = await hydraLike((_q, res) => json(res, 410, { redirect_to: 'https://app.example/cb?code=1' }));
    try {
      const r = await createHttpHydraAdmin(s.url).getLoginRequest('done');
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.status, 410);
      assert.equal(r.error.redirect_to, 'https://app.example/cb?code=1');
      assert.equal(r.error.error, 'request_handled');
    } finally {
      await s.close();
    }
  });

  it('maps non-JSON errors and unexpected success bodies', async () => {
    let mode = 'html';
    const s = await hydraLike((_q, res) => {
      if (mode === 'html') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>Bad Gateway</h1>');
      } else json(res, 200, { not: 'a client' });
    });
    try {
      const h = createHttpHydraAdmin(s.url);
      assert.deepEqual(await h.getClient('a'), { ok: false, error: { status: 502, error: 'bad_gateway', error_description: '<h1>Bad Gateway</h1>' } });
      mode = 'odd';
      const r = await h.getClient('a');
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.error, 'invalid_response');
    } finally {
      await s.close();
    }
  });

  it('turns an unreachable server and a timeout into 503 error values, never a throw', async () => {
    const port = await freePort();
    const r = await createHttpHydraAdmin(`http://127.0.0.1:${port}`).listClients();
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.status, 503);
      assert.equal(r.error.error, 'temporarily_unavailable');
      assert.match(r.error.error_description, /unreachable/);
    }
    const slow = await hydraLike((_q, res) => setTimeout(() => json(res, 200, { active: false }), 500));
    try {
      const t = await createHttpHydraAdmin(slow.url, { timeoutMs: 50 }).introspect('tok');
      assert.equal(t.ok, false);
      if (!t.ok) assert.equal(t.error.status, 503);
    } finally {
      await slow.close();
    }
  });

  it('speaks Hydra paths, query parameters, form and JSON bodies under a base path, with extra headers', async () => {
    const s = await hydraLike((q, res) => {
      if (q.url.startsWith('/hydra/admin/oauth2/introspect')) return json(res, 200, { active: true, sub: 'u1' });
      if (q.method === 'PUT') return json(res, 200, { redirect_to: 'https://next' });
      if (q.url.startsWith('/hydra/admin/clients?')) {
        const token = new URL(q.url, 'http://x').searchParams.get('page_token');
        if (!token) return json(res, 200, [{ client_id: 'a' }], { link: '</admin/clients?page_size=1&page_token=p2>; rel="next"' });
        return json(res, 200, [{ client_id: 'b' }]);
      }
      res.writeHead(204);
      res.end();
    });
    try {
      const h = createHttpHydraAdmin(`${s.url}/hydra/`, { headers: { authorization: 'Bearer admin' }, pageSize: 1 });
      assert.deepEqual(await h.introspect('tok en', 'read'), { ok: true, value: { active: true, sub: 'u1' } });
      assert.deepEqual(await h.acceptConsentRequest('c h', { grant_scope: ['read'] }), { ok: true, value: { redirect_to: 'https://next' } });
      assert.deepEqual(await h.revokeConsentSessions('user 1'), { ok: true, value: undefined });
      assert.deepEqual(await h.rejectLogoutRequest('l1'), { ok: true, value: undefined });
      const listed = await h.listClients({ owner: 'me' });
      assert.deepEqual(listed, { ok: true, value: [{ client_id: 'a' }, { client_id: 'b' }] });

      const [introspect, accept, revoke, reject, page1, page2] = s.seen;
      assert.equal(introspect?.method, 'POST');
      assert.equal(introspect?.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(introspect?.body, 'token=tok+en&scope=read');
      assert.equal(introspect?.headers.authorization, 'Bearer admin');
      assert.equal(accept?.url, '/hydra/admin/oauth2/auth/requests/consent/accept?consent_challenge=c+h');
      assert.deepEqual(JSON.parse(accept?.body ?? ''), { grant_scope: ['read'] });
      assert.equal(revoke?.method, 'DELETE');
      assert.equal(revoke?.url, '/hydra/admin/oauth2/auth/sessions/consent?subject=user+1&all=true');
      assert.equal(reject?.url, '/hydra/admin/oauth2/auth/requests/logout/reject?logout_challenge=l1');
      assert.equal(page1?.url, '/hydra/admin/clients?owner=me&page_size=1');
      assert.equal(page2?.url, '/hydra/admin/clients?owner=me&page_size=1&page_token=p2');
    } finally {
      await s.close();
    }
  });

  it('rotates a secret by PUT on servers without the rotate route (Hydra before v25)', async () => {
    const s = await hydraLike((q, res) => {
      if (q.url.endsWith('/secrets/rotate')) return json(res, 404, { error: { code: 404, status: 'Not Found', message: 'The requested route does not exist.' } });
      if (q.url === '/admin/clients/gone') return json(res, 404, { error: 'not_found', error_description: 'Unable to locate the resource' });
      if (q.method === 'GET') return json(res, 200, { client_id: 'c1', client_name: 'C', created_at: 'x', updated_at: 'y' });
      const body = JSON.parse(q.body) as Record<string, unknown>;
      return json(res, 200, { ...body, client_secret: undefined });
    });
    try {
      const h = createHttpHydraAdmin(s.url);
      const r = await h.rotateClientSecret('c1');
      assert.ok(r.ok);
      assert.match(r.value.client_secret ?? '', /^[A-Za-z0-9_-]{43}$/);
      const put = s.seen.find((x) => x.method === 'PUT');
      assert.deepEqual(JSON.parse(put?.body ?? ''), { client_id: 'c1', client_name: 'C', client_secret: r.value.client_secret });
      const gone = await h.rotateClientSecret('gone');
      assert.equal(gone.ok, false);
      if (!gone.ok) assert.equal(gone.error.status, 404);
    } finally {
      await s.close();
    }
  });

  it('toHydraError falls back on the HTTP status', () => {
    assert.deepEqual(toHydraError(500, undefined), { status: 500, error: 'server_error', error_description: 'Hydra admin API answered HTTP 500' });
    assert.deepEqual(toHydraError(400, { error_hint: 'hint only' }), { status: 400, error: 'invalid_request', error_description: 'hint only' });
  });
});
