// `npm run build` (and npm install/ci's prepare): src/cli/main.ts and its dependencies as one ESM bundle in split
// chunks, so that a start loads ~40 files instead of ~1,300 modules (issue 18). Optional: src/cli/entry.js runs it
// only when its key (src/cli/bundle-key.js) matches the tree now, else the sources. Built in a temporary directory
// and renamed whole, so an entry never sees half a bundle. Without esbuild (`npm ci --omit=dev`) nothing is built.
// Usage: node scripts/build-bundle.ts [<project root>]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { bundleKey } from '../src/cli/bundle-key.js';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
const cache = join(root, 'node_modules', '.cache', 'lightgate');
const HOUR = 3600_000;

/** A bundled src/ file keeps its own file's import.meta.url/dirname/filename: they locate assets and migrations. */
function originalLocations(srcDir: string): Plugin {
  return {
    name: 'original-locations',
    setup(build) {
      build.onLoad({ filter: /\.[jt]s$/ }, (args) => {
        if (!args.path.startsWith(srcDir + sep)) return undefined;
        const dir = args.path.slice(0, args.path.lastIndexOf(sep));
        const text = readFileSync(args.path, 'utf8')
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(dir))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
        // import.meta.resolve of a package works from the bundle (it sits inside the project); of a relative path,
        // or any other import.meta use, it would not: refuse to build rather than bundle a different program.
        const other = /import\.meta\.resolve\(\s*['"`]\.|import\.meta\.(?!resolve\b)|import\.meta(?!\.)/.exec(text);
        if (other) return { errors: [{ text: `${args.path}: '${other[0]}' cannot be bundled` }] };
        return { contents: text, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}

/** The bundles some process has open, from /proc/<pid>/fd (Linux); undefined where that cannot be read. */
function bundlesInUse(): Set<string> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    readdirSync('/proc/self/fd');
  } catch {
    return undefined;
  }
  const used = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      // Gone, or another user's: its bundles are not in this user's cache.
    }
    for (const fd of fds) {
      try {
        const open = /\/(bundle-[0-9a-f]+)\/main\.mjs$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (open) used.add(open[1]!);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return used;
}

async function main(): Promise<number> {
  const esbuild = await import('esbuild').catch(() => undefined);
  if (!esbuild) {
    console.log('build-bundle: esbuild is not installed (production install?): no bundle, the CLI runs from src/');
    return 0;
  }
  const key = bundleKey(root);
  const target = join(cache, key);
  if (existsSync(target)) {
    console.log(`build-bundle: ${key} is current`);
    return 0;
  }
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  const temporary = mkdtempSync(join(cache, '.bundle-'));
  try {
    const started = performance.now();
    await esbuild.build({
      entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      splitting: true,
      outdir: temporary,
      outExtension: { '.js': '.mjs' },
      // PGlite finds its WASM and data files next to its own modules.
      external: ['@electric-sql/pglite', '@electric-sql/pglite/*', 'pg-native'],
      banner: { js: "import { createRequire as __lightgateRequire } from 'node:module'; const require = __lightgateRequire(import.meta.url);" },
      plugins: [originalLocations(join(root, 'src'))],
      logLevel: 'warning',
    });
    // An edit while esbuild read the tree: the output may mix old and new files, and the key names neither.
    if (bundleKey(root) !== key) {
      console.error('build-bundle: src/ changed while building; nothing kept, run it again');
      return 1;
    }
    try {
      renameSync(temporary, target);
    } catch (error) {
      if (!existsSync(target)) throw error; // else another build of the same tree won the rename
    }
    console.log(`build-bundle: ${key} in ${Math.round(performance.now() - started)} ms`);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  // The other bundles go unless a process holds one open (entry.js keeps its main.mjs open: its lazy chunks
  // may load days later). Where open files cannot be listed (no /proc), after a week; a crashed build's temporary
  // directory after an hour.
  const inUse = bundlesInUse();
  for (const name of readdirSync(cache)) {
    const age = Date.now() - statSync(join(cache, name)).mtimeMs;
    const stale = name.startsWith('.bundle-') ? age > HOUR : name.startsWith('bundle-') && name !== key && (inUse ? !inUse.has(name) : age > 7 * 24 * HOUR);
    if (stale) rmSync(join(cache, name), { recursive: true, force: true });
  }
  return 0;
}

process.exitCode = await main();
