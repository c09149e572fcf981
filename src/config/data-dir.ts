// The data directory holds PGlite's database, generated development secrets and the outbox of live
// sign-in codes: it is private to the user running Lightgate (issue 19 #4). Created 0700, files 0600,
// and a directory other users can write to is refused (they could swap the database or read codes).
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config.ts'; // a cycle, used only at call time

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents) 0700, or checks an existing one: refused when group or others may
 * write to it; tightened to 0700 when they may only read or enter it (directories of older versions).
 */
export function preparePrivateDir(dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    chmodSync(dir, PRIVATE_DIR_MODE);
    return;
  }
  if (!st.isDirectory()) throw new ConfigError(`invalid configuration:\n  LIGHTGATE_DATA_DIR: ${dir} is not a directory`);
  const mode = st.mode & 0o777;
  if (mode & 0o022) {
    throw new ConfigError(
      `invalid configuration:\n  LIGHTGATE_DATA_DIR: ${dir} is writable by other users (mode ${mode.toString(8)}); ` +
        `it holds the database, secrets and sign-in codes. Fix it with: chmod 700 ${dir}`,
    );
  }
  // Its owner can write to it too: another user's directory is refused like a shared one.
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new ConfigError(
      `invalid configuration:\n  LIGHTGATE_DATA_DIR: ${dir} belongs to another user (uid ${st.uid}, this process runs as uid ${uid}); ` +
        `use a directory of this user, e.g.: chown ${uid} ${dir} && chmod 700 ${dir}`,
    );
  }
  if (mode & 0o077) {
    try {
      chmodSync(dir, PRIVATE_DIR_MODE);
    } catch {
      throw new ConfigError(`invalid configuration:\n  LIGHTGATE_DATA_DIR: ${dir} is readable by other users (mode ${mode.toString(8)}) and cannot be changed: chmod 700 ${dir}`);
    }
  }
}

/** chmod 0700 / 0600 of every directory and file under `dir` (symbolic links are left alone, not followed). */
export function tightenTree(dir: string): void {
  const walk = (path: string) => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return; // removed meanwhile (PostgreSQL's temporary files)
    }
    if (st.isSymbolicLink()) return;
    const wanted = st.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    if ((st.mode & 0o777) !== wanted) {
      try {
        chmodSync(path, wanted);
      } catch {
        // removed meanwhile
      }
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
}

let privateDepth = 0;
let savedUmask = 0;

/**
 * Runs `fn` with umask 077, so files and directories created meanwhile are private. The umask is
 * process-wide: nested and concurrent calls share one saved value and the last one out restores it.
 */
export async function withPrivateUmask<T>(fn: () => Promise<T>): Promise<T> {
  if (privateDepth++ === 0) savedUmask = process.umask(0o077);
  try {
    return await fn();
  } finally {
    if (--privateDepth === 0) process.umask(savedUmask);
  }
}
