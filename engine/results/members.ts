/**
 * A run's members as results see them: which group each was in, when they entered and when
 * they came back, filtered by group and conversion, in snapshot order (keyset by seq).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { loadMeasuredRuns } from './measured-runs';
import { outcomesSql } from './outcomes';

export type MemberGroupName = 'treated' | 'holdout';

export interface ResultMember {
  readonly seq: number;
  readonly customerId: string;
  readonly name: string;
  readonly group: MemberGroupName;
  readonly enteredAt: Date;
  readonly convertedAt: Date | null;
}

export interface MemberFilter {
  readonly group?: MemberGroupName | undefined;
  readonly converted?: boolean | undefined;
  /** Members after this seq (the cursor). */
  readonly afterSeq?: number | undefined;
  /** Rows to read (the API asks one more than it shows, to know a next page exists). */
  readonly limit: number;
}

/** The run's members matching `filter`; null when the merchant has no such run. */
export async function runMembers(db: Db, merchantId: string, runId: string, filter: MemberFilter): Promise<ResultMember[] | null> {
  const runs = await loadMeasuredRuns(db, merchantId, { runId });
  if (runs.length === 0) return null;
  if (!runs.some((r) => r.started)) return [];
  const group = filter.group === undefined ? sql`true` : sql`o.held = ${filter.group === 'holdout'}`;
  const converted =
    filter.converted === undefined ? sql`true` : filter.converted ? sql`o.converted_at is not null` : sql`o.converted_at is null`;
  const { rows } = await sql<{
    seq: number;
    customer_id: string;
    name: string;
    held: boolean;
    entered_at: Date;
    converted_at: Date | null;
  }>`${outcomesSql(merchantId, runs)}
    select o.seq, o.customer_id, cu.name, o.held, o.entered_at, o.converted_at
    from o join customers cu on cu.id = o.customer_id
    where o.seq > ${filter.afterSeq ?? 0} and ${group} and ${converted}
    order by o.seq limit ${filter.limit}`.execute(db);
  return rows.map((r) => ({
    seq: r.seq,
    customerId: r.customer_id,
    name: r.name,
    group: r.held ? 'holdout' : 'treated',
    enteredAt: r.entered_at,
    convertedAt: r.converted_at,
  }));
}
