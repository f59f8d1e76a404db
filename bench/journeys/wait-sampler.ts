import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';

/**
 * What this database's client backends are doing, sampled every 100 ms from
 * pg_stat_activity: running, waiting for a row lock, waiting for the WAL flush of a commit,
 * or idle inside a transaction (waiting for the API's next statement). Printed to stderr.
 */
export class WaitSampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private readonly timer: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly db: Db) {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 100);
    this.timer.unref();
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await sql<{ what: string; n: number }>`
        select case
            when state = 'idle in transaction' then 'idle in transaction (waiting for the client)'
            when state = 'active' and wait_event_type = 'Lock' then 'lock: ' || wait_event
            when state = 'active' and wait_event_type is not null then lower(wait_event_type) || ': ' || wait_event
            when state = 'active' then 'running'
            else 'idle' end as what, count(*)::int as n
        from pg_stat_activity
        where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()
        group by 1`.execute(this.db);
      this.samples++;
      for (const r of rows) this.counts.set(r.what, (this.counts.get(r.what) ?? 0) + r.n);
    } finally {
      this.busy = false;
    }
  }

  /** Stops sampling and prints the mean number of backends in each state. */
  stop(): void {
    clearInterval(this.timer);
    process.stderr.write(`bench: Postgres client backends of this database, mean over ${this.samples} samples:\n`);
    for (const [what, n] of [...this.counts].sort((a, b) => b[1] - a[1])) {
      process.stderr.write(`  ${(n / this.samples).toFixed(2).padStart(6)}  ${what}\n`);
    }
  }
}
