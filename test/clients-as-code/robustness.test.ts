// Whatever the input, the readers answer with a Result (an error naming a line), never a crash.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { parseClients } from '../../src/clients-as-code/load.ts';

const BLINK = readFileSync(join(import.meta.dirname, '../../examples/terraform/blink-guide.tf'), 'utf8');
const HCL_CHARS = [...'{}[]()=,:.?<>!+-*/%"$#\n \\abcxyz_019<<EOT', '${', '%{', '=>', '...', 'for ', ' in ', 'local.', 'var.', 'resource '];

function settles(file: string, src: string): void {
  const r = parseClients(file, src, { app_url: 'https://x' });
  if (!r.ok) {
    assert.ok(r.error.line === undefined || r.error.line >= 1, r.error.message);
    assert.match(r.error.message, new RegExp(`^${file.replace('.', '\\.')}`));
  }
}

it('never throws on arbitrary Terraform-like text', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...HCL_CHARS), { maxLength: 80 }), (parts) => settles('x.tf', parts.join(''))),
    { numRuns: 2000 },
  );
});

it('never throws on mutations of a real file (deletions and insertions)', () => {
  fc.assert(
    fc.property(fc.nat(BLINK.length - 1), fc.nat(20), fc.constantFrom(...HCL_CHARS, ''), (at, len, insert) =>
      settles('x.tf', BLINK.slice(0, at) + insert + BLINK.slice(at + len)),
    ),
    { numRuns: 2000 },
  );
});

it('never throws on arbitrary JSON or YAML', () => {
  fc.assert(fc.property(fc.json(), (text) => settles('x.json', text)), { numRuns: 500 });
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => settles('x.yaml', text)), { numRuns: 500 });
});

it('rejects absurd nesting as a bad file', () => {
  const r = parseClients('x.tf', `locals {\n  a = ${'['.repeat(100_000)}\n}\n`);
  assert.equal(r.ok, false);
});
