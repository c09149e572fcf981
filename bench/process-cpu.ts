// CPU seconds a server process, and the PostgreSQL backends of its database, have spent (Linux /proc), for the
// CPU per operation of bench/hydra-compare.ts: on a shared machine rates swing with the load, CPU per
// operation much less. Undefined where /proc or the process cannot be read.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { postgresAdminUrl } from '../test/support/databases.ts';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads), seconds. */
export function cpuTicksOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The process listening on a local TCP port (ss -ltnp), e.g. a Hydra started elsewhere. */
export function pidListeningOn(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

let admin: Promise<pg.Client> | undefined;
/** CPU seconds of the backends now connected to `database` (a backend that ended meanwhile is not counted). */
export async function databaseTicks(database: string | undefined): Promise<number | undefined> {
  if (!database) return undefined;
  try {
    admin ??= postgresAdminUrl().then(async (url) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    });
    const { rows } = await (await admin).query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    let sum = 0;
    for (const { pid } of rows) sum += cpuTicksOf(pid) ?? 0;
    return sum;
  } catch {
    return undefined;
  }
}
