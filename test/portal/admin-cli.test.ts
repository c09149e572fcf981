// `lightgate admin grant|revoke|list|audit` on PGlite and PostgreSQL, and a granted admin reaching the queue.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runAdminCommand } from '../../src/cli/commands/admin.ts';
import { isAdmin } from '../../src/portal/app/admin-role.ts';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { startPortalHarness } from './harness.ts';

function run(db: TestDatabase['db'], argv: string[], adminEmails: string[] = []) {
  const out: string[] = [];
  const errs: string[] = [];
  return runAdminCommand(argv, { db, config: { adminEmails }, stdout: (s) => out.push(s), stderr: (s) => errs.push(s), operator: 'ops' }).then((code) => ({ code, out: out.join(''), err: errs.join('') }));
}

for (const kind of DATABASE_KINDS) {
  describe(`lightgate admin on ${kind}`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(kind);
    });
    after(async () => {
      await database?.drop();
    });

    test('grant, list, revoke, audit', async () => {
      const { db } = database;
      assert.equal(await isAdmin(db, { adminEmails: [] }, 'ops@example.com'), false);
      let r = await run(db, ['grant', ' Ops@Example.com ']);
      assert.equal(r.code, 0);
      assert.equal(r.out, 'ops@example.com is now an admin of the developer portal\n');
      assert.equal(await isAdmin(db, { adminEmails: [] }, 'OPS@example.com'), true);
      r = await run(db, ['grant', 'ops@example.com']);
      assert.equal(r.out, 'ops@example.com was already an admin\n');

      r = await run(db, ['list'], ['boss@example.com']);
      assert.match(r.out, /^boss@example.com\tADMIN_EMAILS\nops@example.com\tgranted by cli:ops at \d{4}-/);

      r = await run(db, ['revoke', 'ops@example.com']);
      assert.equal(r.out, 'ops@example.com is no longer an admin (granted role removed)\n');
      assert.equal(await isAdmin(db, { adminEmails: [] }, 'ops@example.com'), false);
      r = await run(db, ['revoke', 'boss@example.com'], ['boss@example.com']);
      assert.match(r.out, /had no granted admin role\nnote: boss@example.com is listed in ADMIN_EMAILS/);

      r = await run(db, ['audit']);
      const lines = r.out.trim().split('\n').map((l) => l.split('\t'));
      assert.deepEqual(
        lines.map((l) => [l[1], l[2], l[3]]),
        [
          ['cli:ops', 'admin.revoke', 'ops@example.com'],
          ['cli:ops', 'admin.grant', 'ops@example.com'],
        ],
        'only changes are recorded, newest first',
      );
      r = await run(db, ['audit', '--limit', '1']);
      assert.equal(r.out.trim().split('\n').length, 1);
    });

    test('bad input: exit 2 with the reason or the usage', async () => {
      const { db } = database;
      let r = await run(db, ['grant', 'not-an-email']);
      assert.equal(r.code, 2);
      assert.match(r.err, /not an email address/);
      for (const argv of [[], ['grant'], ['grant', 'a@b.c', 'extra'], ['frobnicate'], ['audit', '--limit', 'x']]) {
        r = await run(db, argv);
        assert.equal(r.code, 2, argv.join(' '));
        assert.match(r.err, /Usage: lightgate admin/);
      }
    });
  });
}

test('a person granted by the CLI reaches the review queue; before, it is refused', async () => {
  const h = await startPortalHarness();
  try {
    const session = await h.session('granted@example.com');
    assert.equal((await h.portal.inject({ method: 'GET', url: '/admin', headers: { cookie: session } })).statusCode, 403);
    assert.equal((await run(h.t.stack.db, ['grant', 'granted@example.com'])).code, 0);
    const queue = await h.portal.inject({ method: 'GET', url: '/admin', headers: { cookie: session } });
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, /Review queue/);
    const audit = await h.portal.inject({ method: 'GET', url: '/admin/audit', headers: { cookie: session } });
    assert.match(audit.body, /admin\.grant/);
  } finally {
    await h.close();
  }
});
