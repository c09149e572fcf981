// Issue 17: the developer portal's own pages follow the person's language (Accept-Language, the switch's
// cookie), like the account area. For each catalog (portal-messages, portal-admin-messages) a Spanish page
// shows its Spanish headings and buttons and none of the English ones; snippets and API names stay as they are.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { formBody as form } from '../support/forms.ts';
import { ADMIN_EMAIL, csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

let h: PortalHarness;
before(async () => {
  h = await startPortalHarness({ env: { WEBHOOK_MAX_ENDPOINTS: '1', DCR_ENABLED: 'true' } });
});
after(() => h?.close());

const get = (session: string, url: string, language: { accept?: string; cookie?: string } = {}) =>
  h.portal.inject({ method: 'GET', url, headers: { cookie: [session, language.cookie].filter(Boolean).join('; '), ...(language.accept ? { 'accept-language': language.accept } : {}) } });

/** Text of the page without tags (attribute values such as aria-label included separately by the caller). */
const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

function assertSpanish(body: string, spanish: string[], english: string[], where: string) {
  assert.match(body, /<html lang="es">/, `${where}: lang="es"`);
  const words = text(body);
  for (const s of spanish) assert.ok(words.includes(s), `${where}: shows “${s}”`);
  for (const e of english) assert.ok(!words.includes(e) && !body.includes(`"${e}"`), `${where}: no English “${e}”`);
}

async function apply(dev: string) {
  const page = await get(dev, '/apps/new');
  const { cookie, token } = csrfFrom(page);
  const applied = await h.portal.inject({
    method: 'POST', url: '/apps', headers: { cookie: `${dev}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: token, name: 'Café Lightning', purpose: 'Pay for coffee', website: 'https://cafe.example', scopes: ['read'], redirect_uris: 'https://cafe.example/cb', auth_method: 'client_secret_basic' }),
  });
  assert.equal(applied.statusCode, 303);
  return String(applied.headers.location).split('/').pop()!;
}

test('portal catalog: the apps list, the form, an app and its guide in Spanish by Accept-Language, no English heading or button', async () => {
  const dev = await h.session('i18n-dev@example.com');
  const id = await apply(dev);
  const es = { accept: 'es-MX,es;q=0.9,en;q=0.5' };
  const list = await get(dev, '/apps', es);
  assertSpanish(list.body, ['Tus apps OAuth2', 'Solicitar una app', 'Pendiente de revisión', 'Claves de API', 'Cerrar sesión'], ['Your OAuth2 apps', 'Apply for an app', 'Pending review', 'API keys', 'Sign out'], '/apps');
  assert.match(list.body, /<a href="\/lang\?to=en&amp;next=%2Fapps" lang="en" hreflang="en">English<\/a>/, 'the language switch is shown');
  const newForm = await get(dev, '/apps/new', es);
  assertSpanish(newForm.body, ['Solicitar una app OAuth2', 'Nombre de la app', 'Enviar solicitud', 'Tipo de cliente', 'Confidencial (client_secret_basic)'], ['Apply for an OAuth2 app', 'App name', 'Submit application', 'Client type'], '/apps/new');
  const app = await get(dev, `/apps/${id}`, es);
  assertSpanish(app.body, ['Tu solicitud espera revisión', 'Datos', 'Propósito', 'Eliminar'], ['Your application is waiting for review', 'Details', 'Purpose', 'Delete'], '/apps/:id');
  // The English page is unchanged without Accept-Language, and dates follow the language.
  const en = await get(dev, `/apps/${id}`);
  assert.match(en.body, /<html lang="en">/);
  assert.match(en.body, /Your application is waiting for review/);
  const year = String(new Date().getUTCFullYear());
  assert.match(en.body, new RegExp(`<dd>[A-Z][a-z]{2} \\d{1,2}, ${year}, \\d{2}:\\d{2} UTC</dd>`), 'English date');
  assert.match(app.body, new RegExp(`<dd>\\d{1,2} [a-z]{3}\\.? ${year}, \\d{2}:\\d{2} UTC</dd>`), 'Spanish date');
});

test('portal catalog: the form’s errors in Spanish (each field, the summary), the bad callback URL shown whole', async () => {
  const dev = await h.session('i18n-dev3@example.com');
  const headers = { 'accept-language': 'es' };
  const page = await get(dev, '/apps/new', { accept: 'es' });
  const { cookie, token } = csrfFrom(page);
  const res = await h.portal.inject({
    method: 'POST', url: '/apps', headers: { ...headers, cookie: `${dev}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: token, name: '', purpose: 'x', website: 'ftp://x', scopes: [], redirect_uris: 'https://ok.example/cb\nhttp://example.com/cb', auth_method: 'client_secret_basic' }),
  });
  assert.equal(res.statusCode, 400);
  assertSpanish(
    res.body,
    ['Corrige los campos marcados abajo.', 'Hay un problema', 'Escribe el nombre de tu app', 'Escribe una dirección completa que empiece por https://', 'Elige al menos un permiso', 'Línea 2: Usa https, o http solo en localhost o 127.0.0.1: http://example.com/cb'],
    ['Please correct the fields marked below.', 'There is a problem', 'Enter the name of your app', 'Choose at least one permission', 'Line 2'],
    'POST /apps with errors',
  );
});

test('portal admin catalog: keys, review queue (with the registrations), audit log and a confirmation page in Spanish by the switch cookie', async () => {
  const admin = await h.session(ADMIN_EMAIL);
  const dev = await h.session('i18n-dev2@example.com');
  await apply(dev);
  const es = { cookie: 'lg_lang=es' };
  const keys = await get(admin, '/keys', es);
  assertSpanish(keys.body, ['Claves de API', 'Crear una clave', 'Crear la clave', 'en 30 días'], ['Create a key', 'Create key', 'in 30 days', 'Revoked keys'], '/keys');
  assert.match(keys.body, /<code>X-API-KEY<\/code>/, 'the header name stays');
  const queue = await get(admin, '/admin', es);
  assertSpanish(queue.body, ['Cola de revisión', 'Apps en servicio', 'Aprobar', 'Rechazar', 'Desarrollador', 'Registrados por la API'], ['Review queue', 'Apps in service', 'Approve', 'Reject', 'Developer', 'Registered through the API'], '/admin');
  const audit = await get(admin, '/admin/audit', es);
  assertSpanish(audit.body, ['Registro de auditoría', 'Aún no hay acciones de administración'], ['Audit log', 'No admin action yet', 'Every admin action'], '/admin/audit');
  const approveHref = /href="(\/admin\/apps\/[^/]+\/approve\?version=[0-9]+)"/.exec(queue.body)?.[1];
  assert.ok(approveHref);
  const confirm = await get(admin, approveHref.replace(/&amp;/g, '&'), es);
  assertSpanish(confirm.body, ['¿Aprobar Café Lightning?', 'Volver a la cola'], ['Approve Café Lightning?', 'Back to the queue'], 'approve confirmation');
  // The Accept-Language of a browser set to English does not override the switch's choice.
  const chosen = await get(admin, '/keys', { cookie: 'lg_lang=es', accept: 'en-US' });
  assert.match(chosen.body, /Crear una clave/);
});

// The use cases' refusals are values worded by the page (issue 17): a Spanish page shows them in Spanish.
test('portal catalog: a use case’s refusals in Spanish (no secret to rotate, suspended app, app limit), no English', async () => {
  const email = 'i18n-states@example.com';
  const dev = await h.session(email);
  const id = await apply(dev);
  const postEs = async (from: string, url: string, fields: Record<string, string | string[]>) => {
    const { cookie, token } = csrfFrom(await get(dev, from, { accept: 'es' }));
    return h.portal.inject({ method: 'POST', url, headers: { 'accept-language': 'es', cookie: `${dev}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: token, ...fields }) });
  };
  const rotate = await postEs(`/apps/${id}`, `/apps/${id}/rotate`, {});
  assert.equal(rotate.statusCode, 409);
  assertSpanish(rotate.body, ['Eso no se puede hacer', 'Solo una app aprobada tiene un secreto que rotar.'], ['Only an approved app', 'That cannot be done'], 'rotate a pending app');

  await h.t.stack.db.query(`UPDATE portal_applications SET status = 'suspended' WHERE id = $1`, [id]);
  const edit = await postEs(`/apps/${id}`, `/apps/${id}`, { name: 'Café', purpose: 'p', website: 'https://cafe.example', scopes: ['read'], redirect_uris: 'https://cafe.example/cb', auth_method: 'client_secret_basic' });
  assert.equal(edit.statusCode, 409);
  assertSpanish(edit.body, ['Una app suspendida no se puede editar. Contacta a los operadores.'], ['A suspended app cannot be edited'], 'edit a suspended app');

  const userId = await h.user(email);
  await h.t.stack.db.query(
    `INSERT INTO portal_applications (id, owner_id, status, name, purpose, website, scopes, redirect_uris, auth_method)
     SELECT gen_random_uuid(), $1, 'pending', 'App ' || i, 'p', 'https://x.example', '{read}', '{https://x.example/cb}', 'none' FROM generate_series(1, 24) AS i`,
    [userId],
  );
  const limit = await postEs('/apps/new', '/apps', { name: 'Otra', purpose: 'p', website: 'https://otra.example', scopes: ['read'], redirect_uris: 'https://otra.example/cb', auth_method: 'none' });
  assert.equal(limit.statusCode, 409);
  assertSpanish(limit.body, ['Tienes 25 apps, el máximo para una cuenta. Elimina una que ya no necesites.'], ['the most one account may have', 'You have 25 apps'], 'the app limit');
});

test('account catalog: two-step refusals in Spanish, as the Security page shows them after the redirect', async () => {
  const dev = await h.session('i18n-two-step@example.com');
  const { cookie, token } = csrfFrom(await get(dev, '/account/security', { accept: 'es' }));
  const headers = { 'accept-language': 'es', cookie: `${dev}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' };
  const followed = async (url: string) => {
    const res = await h.portal.inject({ method: 'POST', url, headers, payload: form({ _csrf: token, totp_code: '123456' }) });
    assert.equal(res.statusCode, 303, url);
    const flash = [res.headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string').map((c) => c.split(';')[0]);
    return get([dev, ...flash].join('; '), '/account/security', { accept: 'es' });
  };
  // A confirmation without a setup in progress: the setup expired.
  assertSpanish((await followed('/account/security/totp/confirm')).body, ['Esta configuración caducó'], ['This setup expired'], 'confirm without a setup');
  // Recovery codes while two-step verification is off.
  assertSpanish((await followed('/account/security/recovery-codes/new')).body, ['La verificación en dos pasos está desactivada: no hay códigos de recuperación que crear.'], ['there are no recovery codes'], 'recovery codes while off');
});

test('callbacks page in Spanish: the webhooks module’s refusals (URL not allowed, too many endpoints) worded from the catalog', async () => {
  const dev = await h.session('i18n-hooks@example.com');
  const es = { accept: 'es' };
  const empty = await get(dev, '/callbacks', es);
  assertSpanish(empty.body, ['Endpoints de callback', 'Añadir el endpoint'], ['Callback endpoints', 'Add endpoint'], '/callbacks');
  const add = async (url: string) => {
    const { cookie, token } = csrfFrom(await get(dev, '/callbacks', es));
    return h.portal.inject({ method: 'POST', url: '/callbacks', headers: { 'accept-language': 'es', cookie: `${dev}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: token, url }) });
  };
  const refused = await add('https://192.168.1.10/hook');
  assert.equal(refused.statusCode, 400);
  assertSpanish(refused.body, ['Esta dirección no está permitida'], ['The URL points to', 'is not allowed', 'This address'], 'a private address');
  assert.equal((await add('http://127.0.0.1:9/one')).statusCode, 200);
  const over = await add('http://127.0.0.1:9/two');
  assert.equal(over.statusCode, 409);
  assertSpanish(over.body, ['Tu cuenta tiene el máximo de endpoints de callback.'], ['at most', 'callback endpoints it may have'], 'too many endpoints');
});

test('registration review in Spanish: the approve and decline confirmations and the notice after declining', async () => {
  const registered = await fetch(`${h.t.urls.issuer}/oauth2/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Quiosco', redirect_uris: ['https://quiosco.example/cb'], grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid read', token_endpoint_auth_method: 'client_secret_basic' }),
  });
  assert.equal(registered.status, 201);
  const id = ((await registered.json()) as { client_id: string }).client_id;
  const admin = await h.session(ADMIN_EMAIL);
  const es = { accept: 'es' };
  const approve = await get(admin, `/admin/registrations/${id}/approve`, es);
  assertSpanish(approve.body, ['¿Aprobar Quiosco?', 'El cliente pasa a estar activo', 'Volver a la cola de revisión'], ['Approve Quiosco?', 'The client becomes active', 'Back to the review queue'], 'approve a registration');
  const decline = await get(admin, `/admin/registrations/${id}/decline`, es);
  assertSpanish(decline.body, ['¿Rechazar Quiosco?', 'Rechazar y eliminar', 'Dejarlo en la cola'], ['Decline Quiosco?', 'Decline and delete', 'Keep it in the queue'], 'decline a registration');
  const { cookie, token } = csrfFrom(decline);
  const declined = await h.portal.inject({ method: 'POST', url: `/admin/registrations/${id}/decline`, headers: { 'accept-language': 'es', cookie: `${admin}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: token }) });
  assert.equal(declined.statusCode, 303);
  const flash = [declined.headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string').map((c) => c.split(';')[0]);
  const queue = await get([admin, ...flash].join('; '), '/admin', es);
  assertSpanish(queue.body, ['Quiosco se rechazó.'], ['was declined'], 'the notice');
  const again = await h.portal.inject({ method: 'POST', url: `/admin/registrations/${id}/decline`, headers: { 'accept-language': 'es', cookie: `${admin}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: token }) });
  assert.equal(again.statusCode, 404);
  assertSpanish(again.body, ['No encontrado', 'No hay tal app entre las tuyas.'], ['Not found', 'There is no such'], 'declined twice');
});

test('portal catalog: the 404 page in Spanish', async () => {
  const missing = await get('', '/nothing-here', { accept: 'es' });
  assert.equal(missing.statusCode, 404);
  assertSpanish(missing.body, ['Página no encontrada', 'No hay nada en esta dirección.', 'Ir al portal'], ['Page not found', 'There is nothing at this address', 'Go to the portal'], '404');
});
