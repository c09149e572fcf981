// Issue 11 #5 (headers), over real HTTP on every port of a whole stack: the auth server's HTML pages
// (error page, form_post) have a CSP with frame-ancestors, form-action and base-uri, X-Frame-Options,
// nosniff and no referrer; the login app's and the portal's CSP have form-action; HSTS on every server
// when the issuer is https, and none over a plain http issuer.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from '../support/stack.ts';

const HSTS = 'max-age=31536000; includeSubDomains';
const directives = (csp: string | null) => new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe('security headers per port (http issuer)', () => {
  let t: TestStack;
  let pub: string;
  before(async () => {
    t = await startTestStack({ kind: 'pglite' });
    pub = t.stack.listening.public!;
  });
  after(async () => {
    await t?.close();
  });

  test('issue 11 #5: :4444 error pages carry CSP (frame-ancestors, form-action, base-uri), X-Frame-Options, nosniff, no referrer', async () => {
    const res = await fetch(`${pub}/oauth2/auth?client_id=nobody&response_type=code&scope=openid`, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const body = await res.text();
    const csp = directives(res.headers.get('content-security-policy'));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(csp.get('form-action'), ["'none'"], 'the error page has no form');
    assert.deepEqual(csp.get('base-uri'), ["'none'"]);
    // Issue 17: the web kit's page (its stylesheet and script served here at /assets/), nothing inline.
    assert.deepEqual(csp.get('script-src'), ["'self'"], 'only the kit\'s script file');
    assert.deepEqual(csp.get('style-src'), ["'self'"], 'only the kit\'s stylesheets');
    assert.doesNotMatch(body, /<style|<script>|style="/, 'nothing inline');
    assert.match(body, /<link rel="stylesheet" href="\/assets\/lightgate\.css">/);
    assert.equal((await fetch(`${pub}/assets/lightgate.css`)).status, 200, 'the kit\'s assets are served on :4444');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS over an http issuer');
  });

  test('issue 11 #5: :4444 form_post page: its own script by hash, form-action only to the client callback', async () => {
    const created = await t.stack.admin!.createClient({ client_name: 'Form Post', redirect_uris: ['https://app.example/cb'], scope: 'openid read', token_endpoint_auth_method: 'client_secret_basic' });
    assert.ok(created.ok);
    const url = new URL(`${pub}/oauth2/auth`);
    for (const [k, v] of Object.entries({ client_id: created.value.client_id, response_type: 'code', scope: 'openid read', redirect_uri: 'https://app.example/cb', state: 'st4te-value', response_mode: 'form_post', prompt: 'none' })) url.searchParams.set(k, v);
    const res = await fetch(url, { redirect: 'manual' });
    const body = await res.text();
    assert.match(body, /<form method="post" action="https:\/\/app\.example\/cb"/, body.slice(0, 300));
    const csp = directives(res.headers.get('content-security-policy'));
    const script = /<script>([\s\S]*?)<\/script>/.exec(body)![1]!;
    assert.deepEqual(csp.get('script-src'), [`'sha256-${createHash('sha256').update(script).digest('base64')}'`]);
    assert.deepEqual(csp.get('form-action'), ['https://app.example']);
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });

  test('issue 11 #5: JSON answers of :4444 are nosniff; the login app and the portal add form-action to their CSP', async () => {
    const discovery = await fetch(`${pub}/.well-known/openid-configuration`);
    assert.equal(discovery.headers.get('x-content-type-options'), 'nosniff');
    const issuerOrigin = new URL(t.urls.issuer).origin;

    const ui = await fetch(`${t.stack.listening.ui}/`);
    const uiCsp = directives(ui.headers.get('content-security-policy'));
    assert.deepEqual(uiCsp.get('form-action'), ["'self'", issuerOrigin]);
    assert.deepEqual(uiCsp.get('frame-ancestors'), ["'none'"]);

    const portal = await fetch(`${t.stack.listening.portal}/`);
    const portalCsp = directives(portal.headers.get('content-security-policy'));
    assert.ok(portalCsp.get('form-action')?.includes("'self'"));
    assert.ok(portalCsp.get('form-action')?.includes(issuerOrigin), 'sign-out passes through the issuer');
    assert.ok(portalCsp.get('form-action')?.every((s) => s === "'self'" || /^http:\/\/127\.0\.0\.1:\d+$/.test(s)), String(portalCsp.get('form-action')));
    for (const res of [ui, portal]) assert.equal(res.headers.get('strict-transport-security'), null);
  });
});

describe('security headers per port (https issuer)', () => {
  let t: TestStack;
  before(async () => {
    // TLS ends at a proxy in front; the servers themselves listen on loopback http.
    t = await startTestStack({ kind: 'pglite', env: { URLS_SELF_ISSUER: 'https://auth.lightgate.example' } });
  });
  after(async () => {
    await t?.close();
  });

  test('issue 11 #5: with an https issuer every server sends HSTS (max-age one year, subdomains)', async () => {
    const { listening } = t.stack;
    const urls = [
      `${listening.public}/.well-known/openid-configuration`,
      `${listening.public}/oauth2/auth?client_id=nobody`,
      `${listening.public}/health/alive`,
      `${listening.admin}/admin/clients`,
      `${listening.ui}/`,
      `${listening.portal}/`,
      `${listening.api}/graphql`,
    ];
    for (const url of urls) {
      const res = await fetch(url, { redirect: 'manual' });
      await res.arrayBuffer();
      assert.equal(res.headers.get('strict-transport-security'), HSTS, url);
    }
  });
});
