import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';

/**
 * What a phase wrote, per event: rows inserted, updated (and how many of those were HOT,
 * i.e. wrote no index entry) and deleted per table, and the index entries that implies
 * (each insert and each non-HOT update adds one entry to every index of the table; partial
 * indexes are counted as if they always applied, so this is an upper bound). From
 * `pg_stat_user_tables`, whose counters backends publish when idle for 10 s at the latest:
 * `stop` waits that long before reading. Printed to stderr.
 */
export class WriteCounts {
  private before = new Map<string, Counts>();

  constructor(private readonly db: Db) {}

  async start(): Promise<void> {
    this.before = await counts(this.db);
  }

  async stop(events: number): Promise<void> {
    await sleep(11_000);
    const after = await counts(this.db);
    const per = (n: number) => (n / events).toFixed(2).padStart(6);
    let rows = 0;
    let entries = 0;
    process.stderr.write(`bench: writes per event (${events} events; index entries: inserts and non-HOT updates × indexes):\n`);
    process.stderr.write(`  ${'table'.padEnd(18)} ${'ins'.padStart(6)} ${'upd'.padStart(6)} ${'hot'.padStart(6)} ${'del'.padStart(6)} ${'idx+'.padStart(6)}  indexes\n`);
    for (const [table, a] of [...after].sort((x, y) => x[0].localeCompare(y[0]))) {
      const b = this.before.get(table) ?? { ins: 0, upd: 0, hot: 0, del: 0, indexes: a.indexes };
      const d = { ins: a.ins - b.ins, upd: a.upd - b.upd, hot: a.hot - b.hot, del: a.del - b.del };
      if (d.ins + d.upd + d.del === 0) continue;
      const idx = (d.ins + d.upd - d.hot) * a.indexes;
      rows += d.ins + d.upd + d.del;
      entries += idx;
      process.stderr.write(
        `  ${table.padEnd(18)} ${per(d.ins)} ${per(d.upd)} ${per(d.hot)} ${per(d.del)} ${per(idx)}  ${a.indexes}\n`,
      );
    }
    process.stderr.write(`  ${'all'.padEnd(18)} rows ${per(rows)}, index entries ${per(entries)}\n`);
  }
}

interface Counts {
  ins: number;
  upd: number;
  hot: number;
  del: number;
  indexes: number;
}

async function counts(db: Db): Promise<Map<string, Counts>> {
  const { rows } = await sql<{ relname: string; ins: string; upd: string; hot: string; del: string; indexes: number }>`
    select t.relname, t.n_tup_ins as ins, t.n_tup_upd as upd, t.n_tup_hot_upd as hot, t.n_tup_del as del,
      (select count(*)::int from pg_index i where i.indrelid = t.relid) as indexes
    from pg_stat_user_tables t`.execute(db);
  return new Map(
    rows.map((r) => [r.relname, { ins: Number(r.ins), upd: Number(r.upd), hot: Number(r.hot), del: Number(r.del), indexes: r.indexes }]),
  );
}
