// The web kit (issue 17) without a browser: language negotiation, complete catalogs with the same
// placeholders in both languages, locale formatting, the theme directory and the language switch.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Fastify from 'fastify';
import { t as tLogin } from '../../src/login-ui/messages.ts';
import { tAuth } from '../../src/auth/oidc/page-messages.ts';
import { ta } from '../../src/portal/account-messages.ts';
import { tq } from '../../src/portal/portal-admin-messages.ts';
import { tp } from '../../src/portal/portal-messages.ts';
import { tr } from '../../src/portal/portal-route-messages.ts';
import { tb } from '../../src/portal/budget-messages.ts';
import { formatAmount, formatDateTime } from '../../src/web/format.ts';
import { negotiateLocale, type Translator } from '../../src/web/i18n.ts';
import { renderPage } from '../../src/web/layout.ts';
import { html } from '../../src/web/html.ts';
import { tKit } from '../../src/web/messages.ts';
import { registerWebKit } from '../../src/web/assets.ts';
import { DEFAULT_THEME, loadTheme, textOn } from '../../src/web/theme.ts';
import { runInWeb } from '../../src/web/web-context.ts';

const inLocale = <T>(locale: 'en' | 'es', fn: () => T, theme = DEFAULT_THEME): T => runInWeb({ locale, theme, path: '/here?x=1' }, fn);

describe('web kit', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('Accept-Language picks the best supported language by q-value; the switch wins; English otherwise', () => {
    assert.equal(negotiateLocale('es-SV,es;q=0.9,en;q=0.8'), 'es');
    assert.equal(negotiateLocale('fr-FR,fr;q=0.9,es;q=0.5,en;q=0.4'), 'es');
    assert.equal(negotiateLocale('en;q=0.2,es;q=0.9'), 'es');
    assert.equal(negotiateLocale('es;q=0, en'), 'en');
    assert.equal(negotiateLocale('de, fr'), 'en');
    assert.equal(negotiateLocale(undefined), 'en');
    assert.equal(negotiateLocale('es', 'en'), 'en', 'the language switch wins');
    assert.equal(negotiateLocale('es', 'xx'), 'es', 'an unknown choice is ignored');
  });

  test('every catalog is complete in Spanish, with the same placeholders as in English', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [name, t] of Object.entries({ kit: tKit, login: tLogin, auth: tAuth, account: ta, portal: tp, portalAdmin: tq, portalRoutes: tr, budgets: tb }) as [string, Translator<string>][]) {
      const { en, es } = t.catalogs;
      assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort(), `${name}: the same keys`);
      for (const key of Object.keys(en)) {
        assert.ok(es[key]!.trim(), `${name}: ${key} has Spanish`);
        assert.deepEqual(placeholders(es[key]!), placeholders(en[key]!), `${name}: ${key} keeps its placeholders`);
      }
      const key = Object.keys(en)[0]!;
      assert.equal(inLocale('es', () => t(key)).length > 0, true);
    }
  });

  test('dates, numbers and amounts follow the language', () => {
    const when = new Date('2026-11-28T10:14:00Z');
    assert.match(inLocale('en', () => formatDateTime(when)), /Nov 28, 2026.*10:14 UTC/);
    assert.match(inLocale('es', () => formatDateTime(when)), /28 nov.* 2026.*10:14 UTC/);
    assert.equal(inLocale('en', () => formatAmount(123456, 'BTC')), '123,456 sats');
    assert.match(inLocale('es', () => formatAmount(123456, 'BTC')), /^123.456 sats$/);
    assert.match(inLocale('en', () => formatAmount(1234, 'USD')), /^\$12\.34$/);
    assert.match(inLocale('es', () => formatAmount(1234, 'USD')), /12\.34/);
    assert.equal(inLocale('es', () => formatDateTime(null)), '—');
  });

  test('a theme directory overrides name, logo, colour, CSS, messages and templates; the configuration wins over brand.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lightgate-theme-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'messages'));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'brand.json'), JSON.stringify({ name: 'Cafetera', operator: 'Cafetera S.A.', color: '#0b5fff', supportUrl: 'https://help.cafetera.example' }));
    writeFileSync(join(dir, 'theme.css'), '.site-header { letter-spacing: 0.1em; }');
    writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
    writeFileSync(join(dir, 'messages', 'es.json'), JSON.stringify({ 'kit.skip': 'Saltar al contenido' }));
    writeFileSync(join(dir, 'templates', 'footer.html'), '<strong>Cafetera</strong> — hecho en San Salvador');
    const theme = loadTheme({ name: undefined, operator: undefined, logoUrl: undefined, color: undefined, supportUrl: undefined, supportEmail: undefined, themeDir: dir });
    assert.equal(theme.name, 'Cafetera');
    assert.equal(theme.operator, 'Cafetera S.A.');
    assert.equal(theme.logoUrl, '/assets/theme-logo.svg');
    assert.match(theme.css, /--brand: #0b5fff;[\s\S]*letter-spacing/);
    assert.equal(theme.colorText, '#ffffff', 'white text on a dark blue');
    assert.equal(textOn('#f7931a'), '#141923', 'dark text on orange');
    const page = inLocale('es', () => renderPage({ title: 'Hola', body: html`<p>x</p>` }), theme);
    assert.match(page, /<html lang="es">/);
    assert.match(page, /Saltar al contenido/);
    assert.match(page, /<img class="brand-logo" src="\/assets\/theme-logo\.svg"/);
    assert.match(page, /<span class="brand-name">Cafetera<\/span>/);
    assert.match(page, /<title>Hola · Cafetera<\/title>/);
    assert.match(page, /<strong>Cafetera<\/strong> — hecho en San Salvador/);
    assert.match(page, /href="https:\/\/help\.cafetera\.example">Ayuda y soporte/);
    assert.match(page, /href="\/lang\?to=en&amp;next=%2Fhere%3Fx%3D1" lang="en" hreflang="en">English/);
    const configured = loadTheme({ name: 'Blink', operator: undefined, logoUrl: 'https://cdn.blink.example/logo.png', color: '#222222', supportUrl: undefined, supportEmail: undefined, themeDir: dir });
    assert.equal(configured.name, 'Blink');
    assert.equal(configured.logoUrl, 'https://cdn.blink.example/logo.png');
    assert.match(configured.css, /--brand: #222222/);
    const missing = { name: undefined, operator: undefined, logoUrl: undefined, color: undefined, supportUrl: undefined, supportEmail: undefined, themeDir: join(dir, 'missing') };
    assert.throws(() => loadTheme(missing), /THEME_DIR: .* is not a directory/, 'a missing theme directory stops the start');
  });

  test('GET /lang sets the language cookie and goes back only to a path of the same site', async () => {
    const app = Fastify();
    registerWebKit(app, { theme: DEFAULT_THEME, secureCookies: true });
    app.get('/where', async () => inLocale('en', () => 'x'));
    try {
      const ok = await app.inject({ url: '/lang?to=es&next=%2Flogin%3Fa%3D1' });
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/login?a=1');
      assert.equal(ok.headers['set-cookie'], 'lg_lang=es; Path=/; Max-Age=31536000; SameSite=Lax; Secure');
      for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
        const res = await app.inject({ url: `/lang?to=es&next=${encodeURIComponent(next)}` });
        assert.equal(res.headers.location, '/', next);
      }
      const unknown = await app.inject({ url: '/lang?to=xx&next=/a' });
      assert.equal(unknown.headers['set-cookie'], undefined);
      const css = await app.inject({ url: '/assets/theme.css' });
      assert.match(css.body, /--brand: #f7931a/);
    } finally {
      await app.close();
    }
  });
});
