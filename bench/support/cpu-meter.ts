import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';

/**
 * CPU time spent by each part of the stack over a phase (`bench` is this process: the HTTP
 * clients, the local providers, or the baseline's worker; `postgres` counts the backends of
 * this database, and each entry of `databases` those of the databases it names), and by the
 * whole machine, from /proc every 500 ms. `stop` prints it to stderr and answers it: it says
 * where the time goes.
 */
export class CpuMeter {
  private readonly base = new Map<string, Map<number, number>>();
  private readonly last = new Map<string, Map<number, number>>();
  private timer: NodeJS.Timeout | undefined;
  private machine0 = { busy: 0, all: 0 };
  private t0 = 0;

  constructor(
    private readonly db: Db,
    private readonly roots: Record<string, number>,
    /** This process alone (its children are the roots). */
    private readonly self: number,
    /** More Postgres groups: name → the databases whose backends it counts. */
    private readonly databases: Record<string, readonly string[]> = {},
  ) {}

  /** Takes the baseline sample, then samples every 500 ms until `stop`. */
  async start(): Promise<void> {
    this.t0 = Date.now();
    this.machine0 = machineTicks();
    await this.sample(true);
    this.timer = setInterval(() => void this.sample(false).catch(() => undefined), 500);
    this.timer.unref();
  }

  /** Takes a last sample, prints each group's CPU seconds and ms per event and the machine's, and answers the seconds by group. */
  async stop(events: number): Promise<Record<string, number>> {
    clearInterval(this.timer);
    await this.sample(false);
    const wall = (Date.now() - this.t0) / 1000;
    const m = machineTicks();
    const cores = os.cpus().length;
    const machineBusy = ((m.busy - this.machine0.busy) / (m.all - this.machine0.all)) * wall * cores;
    let ours = 0;
    const seconds: Record<string, number> = {};
    process.stderr.write(`bench: CPU over ${wall.toFixed(1)} s (first event → last push), ${cores} cores:\n`);
    for (const [group, pids] of this.last) {
      const base = this.base.get(group)!;
      let ms = 0;
      for (const [pid, v] of pids) ms += v - (base.get(pid) ?? 0);
      ours += ms / 1000;
      seconds[group] = ms / 1000;
      process.stderr.write(
        `  ${group.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${(ms / events).toFixed(2).padStart(6)} ms/event\n`,
      );
    }
    process.stderr.write(
      `  machine busy ${machineBusy.toFixed(1)} s of ${(wall * cores).toFixed(1)} s; not this bench: ${(machineBusy - ours).toFixed(1)} s\n`,
    );
    return seconds;
  }

  private async sample(first: boolean): Promise<void> {
    const { rows } = await sql<{
      pid: number;
    }>`select pid from pg_stat_activity where datname = current_database()`.execute(this.db);
    const groups: Record<string, number[]> = { postgres: rows.map((r) => r.pid) };
    for (const [name, names] of Object.entries(this.databases)) {
      const more = await sql<{
        pid: number;
      }>`select pid from pg_stat_activity where datname = any(${names as string[]})`.execute(this.db);
      groups[name] = more.rows.map((r) => r.pid);
    }
    const tree = processTree();
    for (const [name, pid] of Object.entries(this.roots)) groups[name] = descendants(tree, pid);
    groups['bench'] = [this.self];
    for (const [name, pids] of Object.entries(groups)) {
      const last = this.last.get(name) ?? new Map<number, number>();
      const base = this.base.get(name) ?? new Map<number, number>();
      this.last.set(name, last);
      this.base.set(name, base);
      for (const pid of pids) {
        const ms = cpuMs(pid);
        if (ms === undefined) continue;
        if (first) base.set(pid, ms); // a process born later started from 0
        last.set(pid, ms);
      }
    }
  }
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** ppid → children, for every process. */
function processTree(): Map<number, number[]> {
  const tree = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      tree.set(ppid, [...(tree.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  return tree;
}

function descendants(tree: Map<number, number[]>, root: number): number[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(tree.get(out[i]!) ?? []));
  return out;
}

function machineTicks(): { busy: number; all: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: all - idle, all };
}
