// Issue 19 #16: `clients apply --secrets-out` must not follow a symbolic link (another user could point
// it at a file of theirs or of ours), and the secrets are never readable by others, not even briefly:
// written to a new 0600 file (O_EXCL|O_NOFOLLOW) in the same directory, then renamed into place.
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runClientsCommand } from '../../src/cli/commands/clients.ts';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import type { HydraAdmin } from '../../src/hydra-port/port.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const client = (name: string) => `resource "hydra_oauth2_client" "${name}" {
  client_name    = "${name}"
  redirect_uris  = ["https://${name}.example.com/cb"]
  grant_types    = ["authorization_code"]
  response_types = ["code"]
  scopes         = ["openid", "read"]
}
`;

describe('issue 19 #16: clients apply --secrets-out', () => {
  let stack: TestStack;
  let hydra: HydraAdmin;
  let dir: string;
  before(async () => {
    stack = await startTestStack();
    hydra = createHttpHydraAdmin(stack.urls.admin);
    dir = mkdtempSync(join(tmpdir(), 'lg-secrets-out-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await stack.close();
  });

  const apply = async (name: string, secretsOut: string) => {
    const file = join(dir, `${name}.tf`);
    writeFileSync(file, client(name));
    const lines: string[] = [];
    const code = await runClientsCommand(['apply', file, '--secrets-out', secretsOut], { hydra, out: (l) => lines.push(l) });
    return { code, text: lines.join('\n') };
  };

  it('issue 19 #16: a symbolic link as --secrets-out is refused and the file it points to is untouched', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n', { mode: 0o644 });
    const link = join(dir, 'secrets-link.json');
    symlinkSync(victim, link);
    const r = await apply('linked', link);
    assert.equal(r.code, 1, r.text);
    assert.match(r.text, /symbolic link/);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(lstatSync(victim).mode & 0o777, 0o644, 'not chmod-ed through the link');
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.match(r.text, /client_secret=/, 'the secret is printed instead, never lost');
  });

  it('issue 19 #16: the secrets file is created 0600 through a temporary file renamed into place; an existing 0644 one ends 0600 and keeps its entries', async () => {
    const out = join(dir, 'secrets.json');
    writeFileSync(out, JSON.stringify({ earlier: { client_id: 'x', client_secret: 'y' } }), { mode: 0o644 });
    const r = await apply('renamed', out);
    assert.equal(r.code, 0, r.text);
    assert.equal(lstatSync(out).mode & 0o777, 0o600);
    const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, { client_secret: string }>;
    assert.ok(written.earlier && written['hydra_oauth2_client.renamed']?.client_secret);
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  });
});
