// `clients plan|apply` end to end: the CLI command over the HTTP adapter against a real Lightgate
// stack (admin API on a free port, fresh database). The command only sees a HydraAdmin, so the
// same runs work against a real Ory Hydra.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultSource, runClientsCli, runClientsCommand } from '../../src/cli/commands/clients.ts';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import type { HydraAdmin } from '../../src/hydra-port/port.ts';
import type { OAuth2Client } from '../../src/hydra-port/types.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { freePort, startTestStack, type TestStack } from '../support/stack.ts';

const BLINK_GUIDE = join(import.meta.dirname, '../../examples/terraform/blink-guide.tf');
/** The default source: the file's path from the working directory. */
const GUIDE_SOURCE = defaultSource(BLINK_GUIDE);
/** The two resources of Blink's OAuth2 guide (https://dev.blink.sv/api/oauth2, "Configuration Examples"), as written there. */
const GUIDE_RESOURCES = [
  `resource "hydra_oauth2_client" "api_dashboard" {
  client_name                = "Blink Api Dashboard"
  grant_types                = ["authorization_code"]
  response_types             = ["code", "id_token"]
  token_endpoint_auth_method = "client_secret_basic"
  scopes                     = ["read", "write"]
  redirect_uris              = [local.api_dashboard_hydra_redirect_uri]
  skip_consent               = true
}`,
  `resource "hydra_oauth2_client" "galoy_pay" {
  client_name                = "Blink POS"
  grant_types                = ["authorization_code"]
  response_types             = ["code", "id_token"]
  token_endpoint_auth_method = "client_secret_basic"
  scopes                     = ["read"]
  redirect_uris              = [for host in local.galoy_pay_hosts : "https://\${host}/api/auth/callback/blink"]
  skip_consent               = true
}`,
];
const HOSTS = '--var=galoy_pay_hosts=["pay.example.com", "pos.example.net"]';

it("examples/terraform/blink-guide.tf holds the guide's two resources exactly as written", () => {
  const file = readFileSync(BLINK_GUIDE, 'utf8');
  for (const r of GUIDE_RESOURCES) assert.ok(file.includes(`\n${r}\n`), `verbatim:\n${r}`);
  assert.match(file, /^locals \{\n  api_dashboard_hydra_redirect_uri = .*\n  galoy_pay_hosts {18}= .*\n\}$/m, 'and the locals they read');
});

async function run(hydra: HydraAdmin, ...argv: string[]): Promise<{ code: number; lines: string[]; text: string }> {
  const lines: string[] = [];
  const code = await runClientsCommand(argv, { hydra, out: (l) => lines.push(l) });
  return { code, lines, text: lines.join('\n') };
}

/** True if the token endpoint accepts the client's credentials (client_secret_basic, as the guide's clients use).
 * The code is bogus, so an accepted client gets invalid_grant and a rejected one invalid_client. */
async function authenticates(issuer: string, clientId: string, secret: string, redirectUri: string): Promise<boolean> {
  const res = await fetch(`${issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: redirectUri }),
  });
  const { error } = (await res.json()) as { error: string };
  assert.ok(error === 'invalid_grant' || error === 'invalid_client', error);
  return error === 'invalid_grant';
}

async function clientsOf(hydra: HydraAdmin, source: string): Promise<OAuth2Client[]> {
  const r = await hydra.listClients();
  assert.ok(r.ok);
  return r.value.filter((c) => c.metadata?.lightgate_source === source).sort((a, b) => a.client_name.localeCompare(b.client_name));
}

for (const kind of DATABASE_KINDS) {
  describe(`clients apply on Blink's guide (${kind})`, () => {
    let stack: TestStack;
    let hydra: HydraAdmin;
    let dir: string;
    let posSecret = '';
    before(async () => {
      stack = await startTestStack({ kind });
      hydra = createHttpHydraAdmin(stack.urls.admin);
      dir = mkdtempSync(join(tmpdir(), 'lightgate-clients-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await stack.close();
    });

    it("creates the guide's two clients as written, secrets in a 0600 file; a second apply changes nothing", async () => {
      const plan = await run(hydra, 'plan', BLINK_GUIDE, '--var', 'dashboard_url=https://app.example.com', HOSTS);
      assert.equal(plan.code, 0, plan.text);
      assert.match(plan.text, /\+ create\s+hydra_oauth2_client\.api_dashboard/);
      assert.match(plan.text, /\+ create\s+hydra_oauth2_client\.galoy_pay/);
      assert.match(plan.text, /Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged\./);
      assert.deepEqual(await clientsOf(hydra, GUIDE_SOURCE), [], 'plan changes nothing');

      const secretsFile = join(dir, 'secrets.json');
      const first = await run(hydra, 'apply', BLINK_GUIDE, '--var=dashboard_url=https://app.example.com', HOSTS, '--secrets-out', secretsFile);
      assert.equal(first.code, 0, first.text);
      assert.ok(first.text.indexOf('Plan: 2 to create') < first.text.indexOf('created hydra_oauth2_client.galoy_pay'), 'plan printed first');
      assert.match(first.text, /Apply complete: 2 created, 0 updated, 0 deleted\./);
      assert.doesNotMatch(first.text, /client_secret=/, 'secrets went to the file, not the output');

      const [dashboard, pos] = await clientsOf(hydra, GUIDE_SOURCE);
      assert.ok(dashboard && pos);
      assert.equal(dashboard.client_name, 'Blink Api Dashboard');
      assert.deepEqual(dashboard.grant_types, ['authorization_code']);
      assert.deepEqual(dashboard.response_types, ['code', 'id_token']);
      assert.equal(dashboard.token_endpoint_auth_method, 'client_secret_basic');
      assert.equal(dashboard.scope, 'read write');
      assert.deepEqual(dashboard.redirect_uris, ['https://app.example.com/api/auth/callback/blink']);
      assert.equal(dashboard.skip_consent, true);
      assert.equal(dashboard.metadata.lightgate_resource, 'hydra_oauth2_client.api_dashboard');
      assert.equal(pos.client_name, 'Blink POS');
      assert.deepEqual(pos.grant_types, ['authorization_code']);
      assert.deepEqual(pos.response_types, ['code', 'id_token']);
      assert.equal(pos.token_endpoint_auth_method, 'client_secret_basic');
      assert.equal(pos.scope, 'read');
      assert.deepEqual(pos.redirect_uris, ['https://pay.example.com/api/auth/callback/blink', 'https://pos.example.net/api/auth/callback/blink']);
      assert.equal(pos.skip_consent, true);
      assert.equal(pos.access_token_strategy, undefined, 'the server default, not written');

      assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
      const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, { client_id: string; client_secret: string }>;
      assert.equal(secrets['hydra_oauth2_client.galoy_pay']?.client_id, pos.client_id);
      assert.equal(secrets['hydra_oauth2_client.api_dashboard']?.client_id, dashboard.client_id);
      posSecret = secrets['hydra_oauth2_client.galoy_pay']?.client_secret ?? '';
      assert.equal(await authenticates(stack.urls.issuer, pos.client_id, posSecret, pos.redirect_uris[0]!), true);
      assert.equal(await authenticates(stack.urls.issuer, pos.client_id, 'wrong', pos.redirect_uris[0]!), false);

      const second = await run(hydra, 'apply', BLINK_GUIDE, '--var', 'dashboard_url=https://app.example.com', HOSTS, '--secrets-out', secretsFile);
      assert.equal(second.code, 0, second.text);
      assert.match(second.text, /Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged\./);
      assert.match(second.text, /nothing to change/);
      assert.deepEqual(await clientsOf(hydra, GUIDE_SOURCE), [dashboard, pos], 'not even updated_at moved');
    });

    it('updates only what changed, keeping the client id and secret', async () => {
      const [, before] = await clientsOf(hydra, GUIDE_SOURCE);
      const r = await run(hydra, 'apply', BLINK_GUIDE, '--var', 'dashboard_url=https://app.example.com', '--var=galoy_pay_hosts=["pay.example.com"]');
      assert.equal(r.code, 0, r.text);
      assert.match(r.text, /~ update\s+hydra_oauth2_client\.galoy_pay/);
      assert.match(r.text, /redirect_uris: \["https:\/\/pay\.example\.com\/api\/auth\/callback\/blink","https:\/\/pos\.example\.net\/api\/auth\/callback\/blink"\] -> \["https:\/\/pay\.example\.com\/api\/auth\/callback\/blink"\]/);
      assert.match(r.text, /Apply complete: 0 created, 1 updated, 0 deleted\./);
      const [, after] = await clientsOf(hydra, GUIDE_SOURCE);
      assert.equal(after?.client_id, before?.client_id);
      assert.deepEqual(after?.redirect_uris, ['https://pay.example.com/api/auth/callback/blink']);
      assert.equal(await authenticates(stack.urls.issuer, after?.client_id ?? '', posSecret, 'https://pay.example.com/api/auth/callback/blink'), true, 'the secret survives an update');
    });
  });
}

describe('clients plan/apply: deletes, JSON/YAML, errors, the lightgate CLI', () => {
  let stack: TestStack;
  let hydra: HydraAdmin;
  let dir: string;
  before(async () => {
    stack = await startTestStack();
    hydra = createHttpHydraAdmin(stack.urls.admin);
    dir = mkdtempSync(join(tmpdir(), 'lightgate-clients-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await stack.close();
  });

  it('deletes the clients a file no longer declares, and only those', async () => {
    const file = join(dir, 'apps.tf');
    const two = (names: string[]) =>
      names
        .map((n) => `resource "hydra_oauth2_client" "${n}" {\n  client_name = "${n}"\n  redirect_uris = ["https://${n}.example/cb"]\n}\n`)
        .join('\n');
    writeFileSync(file, two(['alpha', 'beta']));
    const unmanaged = await hydra.createClient({ client_name: 'unmanaged', redirect_uris: ['https://u.example/cb'] });
    assert.ok(unmanaged.ok);
    assert.equal((await run(hydra, 'apply', file)).code, 0);
    assert.equal((await clientsOf(hydra, defaultSource(file))).length, 2);

    writeFileSync(file, two(['alpha']));
    const r = await run(hydra, 'apply', file);
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /- delete\s+hydra_oauth2_client\.beta/);
    assert.match(r.text, /Apply complete: 0 created, 0 updated, 1 deleted\./);
    assert.deepEqual(
      (await clientsOf(hydra, defaultSource(file))).map((c) => c.client_name),
      ['alpha'],
    );
    assert.ok((await hydra.getClient(unmanaged.value.client_id)).ok, 'clients of no file are left alone');
  });

  it('applies JSON and YAML documents with explicit ids idempotently, printing secrets once', async () => {
    const json = join(dir, 'clients.json');
    writeFileSync(json, JSON.stringify([{ client_id: 'json-app', client_name: 'JSON app', redirect_uris: ['https://j.example/cb'], scope: 'read' }]));
    const first = await run(hydra, 'apply', json);
    assert.equal(first.code, 0, first.text);
    assert.match(first.text, /hydra_oauth2_client\.json-app: client_id=json-app client_secret=\S+/);
    const again = await run(hydra, 'apply', json);
    assert.match(again.text, /Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged\./);
    assert.doesNotMatch(again.text, /client_secret=/);

    const yaml = join(dir, 'public.yaml');
    writeFileSync(yaml, 'client_name: SPA\ntoken_endpoint_auth_method: none\nredirect_uris: [https://spa.example/cb]\n');
    const pub = await run(hydra, 'apply', yaml);
    assert.equal(pub.code, 0, pub.text);
    assert.match(pub.text, /hydra_oauth2_client\.SPA: client_id=\S+ \(public client, no secret\)/);
    assert.match((await run(hydra, 'plan', yaml)).text, /1 unchanged/);
  });

  it('reports unsupported HCL with file and line, usage errors, and an unreachable server', async () => {
    const file = join(dir, 'bad.tf');
    writeFileSync(file, 'resource "hydra_oauth2_client" "x" {\n  client_name = "x"\n  dynamic "jwk" {\n  }\n}\n');
    const bad = await run(hydra, 'apply', file);
    assert.equal(bad.code, 1);
    assert.equal(bad.lines[0], `error: ${file}:3: unsupported construct: dynamic block "jwk"`);

    assert.equal((await run(hydra, 'plan')).code, 2);
    assert.equal((await run(hydra, 'destroy', file)).code, 2);
    assert.equal((await run(hydra, 'plan', file, '--secrets-out', 'x')).code, 2);
    assert.equal((await run(hydra, 'plan', file, '--var', 'novalue')).code, 2);

    // The CLI entry: --endpoint overrides the configured admin URL.
    const lines: string[] = [];
    const viaCli = await runClientsCli(['plan', BLINK_GUIDE, '--endpoint', stack.urls.admin], 'http://127.0.0.1:9/', (l) => lines.push(l));
    assert.equal(viaCli, 0, lines.join('\n'));
    assert.match(lines.join('\n'), /Plan: 2 to create/);
    assert.equal(await runClientsCli(['plan', BLINK_GUIDE, '--endpoint', 'not a url'], stack.urls.admin, () => {}), 2);

    const down = createHttpHydraAdmin(`http://127.0.0.1:${await freePort()}`);
    const r = await run(down, 'plan', BLINK_GUIDE);
    assert.equal(r.code, 1);
    assert.match(r.text, /error: listing clients: temporarily_unavailable \(HTTP 503\): .*unreachable/);
  });

  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, '../../src/cli/main.ts'), ...args], {
        env: { ...process.env, LIGHTGATE_DATA_DIR: dir, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });

  it('lightgate clients apply --endpoint applies the Blink guide once', async () => {
    const secrets = join(dir, 'secrets.json');
    const first = await cli('clients', 'apply', BLINK_GUIDE, '--endpoint', stack.urls.admin, '--secrets-out', secrets);
    assert.equal(first.code, 0, first.stdout);
    assert.match(first.stdout, /Apply complete: 2 created, 0 updated, 0 deleted\./);
    assert.equal(statSync(secrets).mode & 0o777, 0o600);
    const second = await cli('clients', 'apply', BLINK_GUIDE, '--endpoint', stack.urls.admin);
    assert.equal(second.code, 0, second.stdout);
    assert.match(second.stdout, /2 unchanged\.\nApply complete: nothing to change\./);
  });
});
