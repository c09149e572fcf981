// `lightgate clients plan|apply <file>`: clients as code over the HydraAdmin port.
// The caller (src/cli/main.ts) builds the port: by default the HTTP adapter on config.urls.admin,
// or on the URL of `--endpoint` (see extractEndpoint).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createHttpHydraAdmin } from '../../hydra-port/http-adapter.ts';
import type { HydraAdmin } from '../../hydra-port/port.ts';
import { applyPlan, formatPlan, planClientsFromFile, type CreatedClient } from '../../clients-as-code/clients-as-code-service.ts';

export interface ClientsCommandDeps {
  hydra: HydraAdmin;
  out: (line: string) => void;
}

export const CLIENTS_USAGE = [
  'usage: lightgate clients plan  <file> [--var name=value]... [--source name] [--endpoint url]',
  '       lightgate clients apply <file> [--var name=value]... [--source name] [--secrets-out file] [--endpoint url]',
  '  <file>: Terraform (.tf, hydra_oauth2_client resources), or Hydra OAuth2Client JSON/YAML (.json, .yaml, .yml)',
  '  --source: the owner name stored in client metadata (default: the file\'s path); clients of that',
  '            source that are no longer in the file are deleted by apply',
];

interface ParsedArgs {
  command: 'plan' | 'apply';
  file: string;
  vars: Record<string, string>;
  source?: string;
  secretsOut?: string;
  endpoint?: string;
}

/** Splits `--endpoint <url>` / `--endpoint=<url>` off the arguments, for the caller to build the port. */
export function extractEndpoint(argv: readonly string[]): { endpoint?: string; rest: string[] } {
  const rest: string[] = [];
  let endpoint: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--endpoint') endpoint = argv[++i];
    else if (a.startsWith('--endpoint=')) endpoint = a.slice('--endpoint='.length);
    else rest.push(a);
  }
  return { endpoint, rest };
}

function parseArgs(argv: readonly string[]): ParsedArgs | string {
  const [command, ...args] = argv;
  if (command !== 'plan' && command !== 'apply') return command ? `unknown clients command "${command}"` : 'missing clients command';
  const parsed: ParsedArgs = { command, file: '', vars: {} };
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--var') {
      const kv = value();
      const at = kv?.indexOf('=') ?? -1;
      if (kv === undefined || at <= 0) return '--var needs name=value';
      parsed.vars[kv.slice(0, at)] = kv.slice(at + 1);
    } else if (flag === '--source') {
      parsed.source = value();
      if (!parsed.source) return '--source needs a name';
    } else if (flag === '--secrets-out') {
      if (command !== 'apply') return '--secrets-out is only for apply';
      parsed.secretsOut = value();
      if (!parsed.secretsOut) return '--secrets-out needs a file';
    } else if (flag === '--endpoint') {
      // Used by the caller to build the port; nothing to do here.
      parsed.endpoint = value();
    } else if (a.startsWith('-') && a !== '-') {
      return `unknown option ${a}`;
    } else {
      files.push(a);
    }
  }
  if (files.length !== 1) return files.length === 0 ? 'missing <file>' : 'give exactly one <file>';
  parsed.file = files[0] ?? '';
  return parsed;
}

/** Runs `clients plan|apply`; returns the process exit code (0 ok, 1 failed, 2 usage). */
/** The file's path from the working directory, or its absolute path when it lies outside it. */
export function defaultSource(file: string): string {
  const absolute = resolve(file);
  const fromCwd = relative(process.cwd(), absolute);
  return (fromCwd.startsWith('..') || isAbsolute(fromCwd) ? absolute : fromCwd).split(sep).join('/');
}

export async function runClientsCommand(argv: string[], deps: ClientsCommandDeps): Promise<number> {
  const { out, hydra } = deps;
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    out(`error: ${args}`);
    for (const l of CLIENTS_USAGE) out(l);
    return 2;
  }
  // The file's path from the working directory (not its bare name: examples/pos/client.tf and
  // examples/cli/client.tf are different sources).
  const source = args.source ?? defaultSource(args.file);
  const planned = await planClientsFromFile(hydra, { path: args.file, vars: args.vars, source });
  if (!planned.ok) {
    out(`error: ${planned.error.message}`);
    return 1;
  }
  const plan = planned.value;
  out(`Plan for ${args.file} (source "${source}"):`);
  for (const l of formatPlan(plan)) out(l);
  if (args.command === 'plan') return 0;

  if (plan.steps.every((s) => s.action === 'unchanged')) {
    out('Apply complete: nothing to change.');
    return 0;
  }
  const report = await applyPlan(hydra, plan);
  for (const s of report.done) out(`  ${s.action === 'create' ? 'created' : s.action === 'update' ? 'updated' : 'deleted'} ${s.key}`);
  const secretsOk = await reportSecrets(report.created, args.secretsOut, out);
  if (report.failure) {
    out(`error: ${report.failure.error.message}`);
    out(`Apply stopped after ${report.done.length} change(s); run apply again once the cause is fixed.`);
    return 1;
  }
  const n = { create: 0, update: 0, delete: 0 };
  for (const s of report.done) if (s.action !== 'unchanged') n[s.action]++;
  out(`Apply complete: ${n.create} created, ${n.update} updated, ${n.delete} deleted.`);
  return secretsOk ? 0 : 1;
}

// Secrets are shown once: written to --secrets-out (mode 0600, merged with what the file holds),
// or printed. If the file cannot be written they are printed instead, so they are never lost.
async function reportSecrets(created: CreatedClient[], file: string | undefined, out: (l: string) => void): Promise<boolean> {
  const withSecret = created.filter((c) => c.client_secret);
  for (const c of created) if (!c.client_secret) out(`  ${c.key}: client_id=${c.client_id} (public client, no secret)`);
  if (withSecret.length === 0) return true;
  if (file) {
    try {
      const existing = await lstat(file).catch(() => undefined);
      if (existing?.isSymbolicLink()) throw new Error('it is a symbolic link (refusing to follow it)');
      if (existing && !existing.isFile()) throw new Error('it is not a regular file');
      let previous: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(await readNoFollow(file));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) previous = parsed as Record<string, unknown>;
      } catch {
        // absent or not ours: start afresh
      }
      const next = { ...previous };
      for (const c of withSecret) next[c.key] = { client_id: c.client_id, client_secret: c.client_secret };
      await replaceFilePrivately(file, `${JSON.stringify(next, null, 2)}\n`);
      out(`Secrets of ${withSecret.length} created client(s) written to ${file} (mode 0600).`);
      return true;
    } catch (e) {
      out(`error: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}; printing the secrets instead`);
    }
  }
  out('Client secrets (shown once, store them now):');
  for (const c of withSecret) out(`  ${c.key}: client_id=${c.client_id} client_secret=${c.client_secret}`);
  return !file;
}

async function readNoFollow(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Issue 19 #16: a new 0600 file beside the target (O_EXCL|O_NOFOLLOW: never an existing file or a link
 * planted there), then rename(2), which replaces the target's directory entry and never follows a link.
 */
async function replaceFilePrivately(file: string, content: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * The whole `lightgate clients ...` entry for src/cli/main.ts: the HTTP adapter on `--endpoint`
 * if given, else on `defaultAdminUrl` (config.urls.admin), printing to stdout.
 */
export function runClientsCli(
  argv: string[],
  defaultAdminUrl: string,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  /** The admin credential's Authorization header (config.adminApi.outgoingAuthorization). */
  authorization?: string,
): Promise<number> {
  const { endpoint, rest } = extractEndpoint(argv);
  let url: string;
  try {
    url = new URL(endpoint ?? defaultAdminUrl).href;
  } catch {
    out(`error: --endpoint must be a URL, got ${JSON.stringify(endpoint)}`);
    return Promise.resolve(2);
  }
  return runClientsCommand(rest, { hydra: createHttpHydraAdmin(url, authorization ? { headers: { authorization } } : {}), out });
}
