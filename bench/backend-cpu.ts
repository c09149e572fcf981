// CPU time of the PostgreSQL backends serving one database, read from /proc/<pid>/schedstat (nanoseconds on a
// CPU, user and system; the server runs on this machine) — what the server spends per payment or per pgbench
// transaction, which pg_stat_statements would tell only with shared_preload_libraries (issue 18). Backends seen
// at start() count from there; backends that connect later count from zero (their connection set-up included).
// Backends that exit between two samples lose their last interval: sample() often while short-lived clients run.
import { readFileSync } from 'node:fs';
import type { Queryable } from '../src/db/database.ts';

const onCpu = (pid: number): number | undefined => {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined; // gone, or another machine's process
  }
};

export interface BackendCpu {
  /** Reads every backend of the database now (run it on a connection to another database: it costs CPU). */
  sample(): Promise<void>;
  /** Microseconds of backend CPU between start() and the last sample. */
  micros(): number;
}

export async function backendCpu(admin: Queryable, datname: string): Promise<BackendCpu> {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const read = async () => {
    const rows = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [datname]);
    return rows.flatMap(({ pid }) => {
      const ns = onCpu(pid);
      return ns === undefined ? [] : [[pid, ns] as const];
    });
  };
  for (const [pid, ns] of await read()) {
    first.set(pid, ns);
    last.set(pid, ns);
  }
  return {
    async sample() {
      for (const [pid, ns] of await read()) last.set(pid, Math.max(ns, last.get(pid) ?? 0));
    },
    micros: () => [...last].reduce((sum, [pid, ns]) => sum + ns - (first.get(pid) ?? 0), 0) / 1000,
  };
}

/** CPU microseconds of this process's finished children so far (wrk, pgbench: waited for by Node). */
export function childrenCpuMicros(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) * 10_000;
}
