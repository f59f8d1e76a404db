import { sql } from 'kysely';
import type { Db } from '../../engine/db/database';
import { percentile } from '../stats';

/**
 * Latencies mix our clock (before each POST) with Postgres's (`now()` in the push
 * transaction): the server must be this machine, and its clock must read as ours does.
 * Returns Postgres's clock minus ours, from the midpoint of a round trip.
 */
export async function checkClock(db: Db, url: string): Promise<number> {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1', ''].includes(host)) {
    throw new Error(
      `journeys compares this process's clock with Postgres's: the server must run on this machine (got host ${host})`,
    );
  }
  const offsets: number[] = [];
  for (let i = 0; i < 5; i++) {
    const before = Date.now();
    const { rows } = await sql<{
      ms: number;
    }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`.execute(db);
    const after = Date.now();
    offsets.push(rows[0]!.ms - (before + after) / 2);
  }
  const offset = percentile(offsets, 50);
  if (Math.abs(offset) > 5) throw new Error(`Postgres's clock is ${offset.toFixed(1)} ms off this process's`);
  return offset;
}
