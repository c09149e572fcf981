// Which prebuilt bundle of the CLI (scripts/build-bundle.ts, issue 18) matches the tree as it is now: a digest of
// the project's path, the running Node, and the stamp of every file under src/ plus the lockfiles and the builder.
// Stamps, not contents: a check reads ~400 inodes, no file. ctime moves on every write, rename or chmod and cannot
// be set back (unlike mtime: touch -d, tar -x), so an edited, added, moved or removed file gives another key.
// Plain JavaScript: src/cli/entry.js loads it before the compile cache can strip TypeScript.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files outside src/ the bundle is made from (a dependency change rewrites npm's hidden lockfile). */
const INPUTS = ['package.json', 'package-lock.json', join('node_modules', '.package-lock.json'), join('scripts', 'build-bundle.ts')];

function stamp(hash, root, file) {
  const s = statSync(join(root, file), { bigint: true, throwIfNoEntry: false });
  hash.update(s ? `${file}\0${s.ino}\0${s.size}\0${s.mtimeNs}\0${s.ctimeNs}\n` : `${file}\0-\n`);
}

/** Every directory (with a trailing /) and file under dir, as paths from root's src/ on. */
function walk(dir, name, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${name}/${entry.name}`;
    if (entry.isDirectory()) {
      out.push(`${path}/`);
      walk(`${dir}/${entry.name}`, path, out);
    } else out.push(path);
  }
  return out;
}

/** The bundle directory's name for the tree under root: bundle-<24 hex digits>. */
export function bundleKey(root) {
  const hash = createHash('sha256').update(`${root}\0${process.version}\0${process.arch}\0${process.platform}\n`);
  for (const file of INPUTS) stamp(hash, root, file);
  // A walk by hand: readdirSync's recursive option took 3-5x as long here (6-13 ms against 1-2 ms).
  // readdir's order is the file system's; the key must not depend on it.
  for (const file of walk(join(root, 'src'), 'src', []).sort()) {
    if (file.endsWith('/')) hash.update(`${file}\n`);
    else stamp(hash, root, file);
  }
  return `bundle-${hash.digest('hex').slice(0, 24)}`;
}
