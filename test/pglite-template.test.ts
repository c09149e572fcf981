// Issue 18: a fresh PGlite data directory starts from a copy of a cluster initialised once (no initdb per
// data directory), an existing one is never touched, and PGlite's memory settings come from the config.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../src/config/config.ts';
import { migrate, migrationFiles, migrationsDigest } from '../src/db/migrate.ts';
import { openDatabase, pgliteTemplate } from '../src/db/open-database.ts';
import { openPglite } from '../src/db/pglite.ts';
import { copyTemplateAhead } from '../src/db/pglite-template.ts';

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const systemId = async (db: Awaited<ReturnType<typeof openPglite>>) => String((await db.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()'))[0]!.id);

// Templates the tests below only read, built once per file (an initdb, and an initdb with the migrations, are
// seconds of CPU each); the first two tests build their own, since building is what they check.
const shared: string[] = [];
after(() => {
  for (const dir of shared) rmSync(dir, { recursive: true, force: true });
});
let initdbTemplate: Promise<{ root: string; id: string }> | undefined;
function builtInitdbTemplate(): Promise<{ root: string; id: string }> {
  initdbTemplate ??= (async () => {
    const [root, dir] = [temp('lg-template-'), temp('lg-data-s-')];
    shared.push(root, dir);
    const db = await openPglite(join(dir, 'pglite'), { sharedBuffers: '16MB', templateRoot: root });
    const id = await systemId(db);
    await db.close();
    return { root, id };
  })();
  return initdbTemplate;
}
let migratedTemplate: Promise<string> | undefined;
function builtMigratedTemplate(): Promise<string> {
  migratedTemplate ??= (async () => {
    const [root, dir] = [temp('lg-template-'), temp('lg-data-m-')];
    shared.push(root, dir);
    await (await openDatabase(loadConfig({ LIGHTGATE_DATA_DIR: dir, PGLITE_TEMPLATE_DIR: root }))).close();
    return root;
  })();
  return migratedTemplate;
}

test('a fresh data directory is a copy of the template, built once; an existing one keeps its data', async () => {
  const templateRoot = temp('lg-template-');
  const [a, b] = [temp('lg-data-a-'), temp('lg-data-b-')];
  try {
    const first = await openPglite(join(a, 'pglite'), { sharedBuffers: '16MB', templateRoot });
    const idA = await systemId(first);
    await first.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await first.close();
    const [template] = readdirSync(templateRoot).filter((n) => n.startsWith('pglite-'));
    assert.ok(template && existsSync(join(templateRoot, template, 'PG_VERSION')), 'the template is kept for the next data directory');

    const second = await openPglite(join(b, 'pglite'), { sharedBuffers: '16MB', templateRoot });
    assert.equal(await systemId(second), idA, 'same cluster identifier: copied, not initialised again');
    assert.deepEqual(await second.query("SELECT to_regclass('kept') AS t"), [{ t: null }], 'nothing of the other data directory');
    await second.close();

    const again = await openPglite(join(a, 'pglite'), { sharedBuffers: '16MB', templateRoot });
    assert.deepEqual(await again.query('SELECT n FROM kept'), [{ n: 7 }], 'a restart keeps the data');
    await again.close();
    assert.equal(statSync(join(b, 'pglite', 'PG_VERSION')).mode & 0o777, 0o600, 'the copy is private like the rest of the data directory');
  } finally {
    for (const dir of [templateRoot, a, b]) rmSync(dir, { recursive: true, force: true });
  }
});

test('the template carries the migrations (named by their digest): a new data directory is up to date at once', async () => {
  const templateRoot = await builtMigratedTemplate();
  const b = temp('lg-data-f-');
  try {
    const names = readdirSync(templateRoot);
    assert.ok(names.some((n) => n.endsWith(`-${pgliteTemplate().digest}`) && n.includes(migrationsDigest())), names.join());
    const second = await openDatabase(loadConfig({ LIGHTGATE_DATA_DIR: b, PGLITE_TEMPLATE_DIR: templateRoot }), { migrate: false });
    try {
      // The one database PGlite opens: template0 and template1 (~600 files) are not copied into every data directory.
      assert.deepEqual(await second.query('SELECT datname FROM pg_database'), [{ datname: 'postgres' }]);
      assert.deepEqual(readdirSync(join(b, 'pglite', 'base')), ['5']);
      assert.deepEqual((await second.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map((r) => r.name), migrationFiles());
      assert.deepEqual(await migrate(second), [], 'nothing left to apply');
      assert.deepEqual(await second.query('SELECT count(*)::int AS n FROM users'), [{ n: 0 }], 'the schema only: no rows of another data directory');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(b, { recursive: true, force: true });
  }
});

test('lightgate start copies the template ahead in a child process, renamed into place whole; the open takes it over', async () => {
  const { root: templateRoot, id: idA } = await builtInitdbTemplate();
  const [b, c] = [temp('lg-data-j-'), temp('lg-data-k-')];
  try {
    writeFileSync(join(b, 'pglite.copying'), 'left by a start killed during its copy');
    copyTemplateAhead(join(b, 'pglite'), templateRoot, 'initdb');
    assert.ok(!existsSync(join(b, 'pglite', 'PG_VERSION')), 'no half cluster in place while the copy runs');
    const second = await openPglite(join(b, 'pglite'), { sharedBuffers: '16MB', templateRoot });
    assert.equal(await systemId(second), idA, 'the copy of the template');
    await second.close();
    assert.deepEqual(readdirSync(b), ['pglite'], 'nothing left beside it');
    assert.equal(statSync(join(b, 'pglite')).mode & 0o777, 0o700);
    assert.equal(statSync(join(b, 'pglite', 'PG_VERSION')).mode & 0o777, 0o600);

    writeFileSync(join(c, 'unrelated'), 'x');
    copyTemplateAhead(c, templateRoot, 'initdb');
    assert.ok(!existsSync(`${c}.copying`), 'a directory with files in it is not copied into');
  } finally {
    for (const dir of [b, c]) rmSync(dir, { recursive: true, force: true });
  }
});

test('a restart keeps every file of the cluster private while it runs (the walk after the open; none after migrations that applied nothing)', async () => {
  const templateRoot = await builtMigratedTemplate();
  const dir = temp('lg-data-l-');
  const loose = (path: string): string[] => {
    const st = lstatSync(path);
    const own = (st.mode & 0o777) === (st.isDirectory() ? 0o700 : 0o600) ? [] : [`${path} ${(st.mode & 0o777).toString(8)}`];
    return st.isDirectory() ? [...own, ...readdirSync(path).flatMap((name) => loose(join(path, name)))] : own;
  };
  try {
    const config = loadConfig({ LIGHTGATE_DATA_DIR: dir, PGLITE_TEMPLATE_DIR: templateRoot });
    await (await openDatabase(config)).close();
    const again = await openDatabase(config);
    try {
      assert.deepEqual(loose(join(dir, 'pglite')), []);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a template others can write to is not used: the data directory is initialised in place', async () => {
  const built = await builtInitdbTemplate();
  const idA = built.id;
  const templateRoot = temp('lg-template-');
  const b = temp('lg-data-h-');
  try {
    cpSync(built.root, templateRoot, { recursive: true });
    const [template] = readdirSync(templateRoot).filter((n) => n.startsWith('pglite-'));
    chmodSync(join(templateRoot, template!), 0o777); // as if another local user could have swapped its files
    const second = await openPglite(join(b, 'pglite'), { sharedBuffers: '16MB', templateRoot });
    assert.notEqual(await systemId(second), idA, 'initialised, not copied');
    await second.close();
  } finally {
    for (const dir of [templateRoot, b]) rmSync(dir, { recursive: true, force: true });
  }
});

test('without a usable template place the data directory is initialised in place', async () => {
  const blocker = join(temp('lg-template-blocked-'), 'file');
  writeFileSync(blocker, 'not a directory');
  const dir = temp('lg-data-c-');
  try {
    const db = await openPglite(join(dir, 'pglite'), { sharedBuffers: '16MB', templateRoot: join(blocker, 'cache') });
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PGLITE_SHARED_BUFFERS and PGLITE_TEMPLATE_DIR are parsed by the config and reach the engine (16MB by default)', async () => {
  const dir = temp('lg-data-d-');
  try {
    assert.equal(loadConfig({ LIGHTGATE_DATA_DIR: dir }).pglite.sharedBuffers, '16MB');
    assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dir, PGLITE_SHARED_BUFFERS: 'lots' }), /PGLITE_SHARED_BUFFERS/);
    assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dir, PGLITE_SHARED_BUFFERS: '64kB' }), /PGLITE_SHARED_BUFFERS/, 'below 1MB PostgreSQL would not start');
    assert.equal(loadConfig({ LIGHTGATE_DATA_DIR: dir, PGLITE_TEMPLATE_DIR: 'off' }).pglite.templateRoot, false, 'off: initdb in each new data directory');
    assert.equal(loadConfig({ LIGHTGATE_DATA_DIR: dir, PGLITE_TEMPLATE_DIR: 'rel/cache' }).pglite.templateRoot, join(process.cwd(), 'rel/cache'));
    const config = loadConfig({ LIGHTGATE_DATA_DIR: dir, PGLITE_SHARED_BUFFERS: '24MB' });
    const db = await openDatabase(config, { migrate: false });
    try {
      assert.deepEqual(await db.query('SHOW shared_buffers'), [{ shared_buffers: '24MB' }]);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
