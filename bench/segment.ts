/**
 * segment: the three code paths that select customers by segment, timed on 1,000,000 card
 * holders of 50 merchants whose stamps, consent, visits and birthdays vary per customer
 * (bench/support/segment-seed.ts), for two everyday segments:
 *   inactive — daysSinceLastVisit ≥ 30 (AND email consent, where a segment says so);
 *   birthday — birthday in the next 7 days (the daily trigger: in exactly 7 days).
 *
 * The paths, each called through the product's own function:
 *   cohort — a scheduled trigger's cohort selection (`enterCohort`: `inactive` 30 days,
 *            `birthday` 7 days before), as a merchant's first daily run selects it: every
 *            matching customer is entered into `flow_entries` (and, as `cohort_again`,
 *            a later run of the same flows, which finds that cohort already entered);
 *   step   — a run's segment step on one page of its snapshot (`decideSegment`, PAGE_SIZE
 *            members: read, decide, record);
 *   count  — the audience count the editor's preview calls (`countSegment`, behind
 *            `POST /v1/segments/count`).
 * The seed is checkpointed before the first sample (see `run`). Every sample runs in its
 * own transaction, rolled back after the clock stops (and, after
 * a cohort, `flow_entries` vacuumed of the rolled-back entries), so each sample starts from
 * the same data; samples rotate over the merchants (and the pages of
 * the snapshotted runs); the first WARMUP of each series are dropped. Figures: p50/p95 ms
 * per segment and path, and `segment.p95_ms` over the samples of all three paths (target
 * ≤ 50 ms).
 *
 * Baseline (full scan): the same three paths, the same way, on a dedicated connection (a
 * pool of one), with every index and unique constraint on `customers` but its primary key
 * dropped inside each sample's transaction (and restored by its rollback, outside the
 * clock), so Postgres must scan the million customers to select a merchant's segment.
 * Why not `set enable_indexscan = off`: it also turns off the index the win-back cohort is
 * read from alone and (before migration 017, when entries had foreign keys) made each
 * entry's key check scan `customers` (~0.6 ms per entry at 50,000 customers), which is not
 * the comparison meant.
 * The segment step reads its page by the run's member keys and customers by primary key,
 * so its baseline shows what it owes the segment indexes: nothing. Fewer samples: the
 * full-scan samples are slow.
 */
import { sql, type Transaction } from 'kysely';
import { enterCohort, type CohortRun } from '../engine/audience/cohorts';
import { PAGE_SIZE } from '../activities/steps/process-step';
import { decideSegment } from '../activities/steps/segment';
import type { StepContext } from '../activities/steps/context';
import { countSegment } from '../engine/customers/segment-count';
import { openDatabase, type Db } from '../engine/db/database';
import type { Database } from '../engine/db/schema';
import type { PlanTrigger, SegmentStep } from '../engine/compiler/plan';
import type { SegmentData } from '../engine/compiler/segment-schema';
import { createTestDatabase } from '../test/support/database';
import { seedSegmentData, TRIGGER_NODE, type SeededSegmentMerchant } from './support/segment-seed';
import type { Figure } from './figures';
import { mean, percentile } from './stats';

const CUSTOMERS = Number(process.env.BENCH_SEGMENT_CUSTOMERS ?? 1_000_000);
const MERCHANTS = 50;
/** Merchants whose run takes a snapshot (20,000 members each at the default size). */
const SNAPSHOTS = 10;
const SAMPLES = Number(process.env.BENCH_SEGMENT_SAMPLES ?? 120);
const BASELINE_SAMPLES = Number(process.env.BENCH_SEGMENT_BASELINE_SAMPLES ?? 25);
const WARMUP = 5;

interface Segment {
  readonly name: string;
  /** As the editor saves a segment node (and sends it to the count). */
  readonly segment: SegmentData;
  readonly trigger: PlanTrigger;
}

const SEGMENTS: readonly Segment[] = [
  {
    name: 'inactive',
    segment: {
      match: 'all',
      conditions: [
        { field: 'daysSinceLastVisit', op: 'gte', value: 30 },
        { field: 'emailConsent', op: 'eq', value: true },
      ],
    },
    trigger: { kind: 'inactive', days: 30, at: '09:00' },
  },
  {
    name: 'birthday',
    segment: { match: 'all', conditions: [{ field: 'birthdayInDays', op: 'lte', value: 7 }] },
    trigger: { kind: 'birthday', daysBefore: 7, at: '09:00' },
  },
];

type Tx = Transaction<Database>;
/** One sample of a path: its work inside the sample's transaction. */
type Path = (tx: Tx, s: Segment, i: number) => Promise<void>;

export async function run(): Promise<Figure[]> {
  const database = await createTestDatabase();
  const dedicated = await openDatabase({ url: database.url, poolSize: 1 });
  try {
    process.stderr.write(`bench: segment: seeding ${CUSTOMERS} customers…\n`);
    const merchants = await seedSegmentData(database.db, {
      customers: CUSTOMERS,
      merchants: MERCHANTS,
      snapshots: SNAPSHOTS,
    });
    // The seed's writes (a million customers and their indexes) go to disk before the clock
    // runs. Otherwise the checkpoints they trigger (two of ~530 MB of WAL each in one run's
    // log) run through the samples, whose first change of each page then writes the whole
    // page to the WAL, and whose new pages evict the seed's dirty buffers (auto_explain: one
    // cohort insert of 564 pages wrote 1,240 buffers itself, 5.4 MB of WAL instead of 4.4):
    // inactive cohorts of ~60 ms against ~33. A merchant's daily run meets a server after its
    // steady traffic, not in the middle of a bulk load. The samples' own writes still trigger
    // their own checkpoints.
    await sql`checkpoint`.execute(database.db);
    const audiences = new Map<string, number[]>();
    const paths = definePaths(merchants, audiences);

    const figures: Figure[] = [];
    const all: number[] = [];
    const indexed = new Map<string, number[]>();
    for (const s of SEGMENTS) {
      for (const [path, work] of Object.entries(paths)) {
        const times = await measure(database.db, noPrep, work, s, SAMPLES, cleanupAfter(path));
        indexed.set(`${s.name}.${path}`, times);
        all.push(...times);
        figures.push(...summary(`segment.${s.name}.${path}`, times));
      }
      figures.push({
        name: `segment.${s.name}.audience_mean`,
        value: mean(audiences.get(s.name) ?? []),
        unit: 'customers',
      });
    }
    figures.push({ name: 'segment.p95_ms', value: percentile(all, 95), unit: 'ms' });

    const dropIndexes = await indexDropper(database.db);
    for (const s of SEGMENTS) {
      for (const [path, work] of Object.entries(paths)) {
        const times = await measure(dedicated, dropIndexes, work, s, BASELINE_SAMPLES, cleanupAfter(path));
        figures.push(...summary(`segment.full_scan.${s.name}.${path}`, times));
        const p50 = percentile(indexed.get(`${s.name}.${path}`) ?? [], 50);
        figures.push({
          name: `segment.full_scan.${s.name}.${path}.x_p50`,
          value: percentile(times, 50) / p50,
          unit: 'x',
        });
      }
    }

    // A later daily run of the same flows: the first run's cohort is entered (committed
    // here), so the selection finds the same customers and only new ones are inserted.
    for (const m of merchants)
      for (const s of SEGMENTS)
        await database.db.transaction().execute((tx) => enterCohort(tx, cohortRun(m), s.trigger, new Date()));
    for (const s of SEGMENTS)
      figures.push(
        ...summary(`segment.${s.name}.cohort_again`, await measure(database.db, noPrep, paths.cohort, s, SAMPLES, cleanupAfter('cohort'))),
      );
    return figures;
  } finally {
    await dedicated.destroy();
    await database.drop();
  }
}

function definePaths(
  merchants: readonly SeededSegmentMerchant[],
  audiences: Map<string, number[]>,
): Record<'cohort' | 'step' | 'count', Path> {
  const snapshotted = merchants.filter((m) => m.members > 0);
  const at = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
  return {
    async cohort(tx, s, i) {
      const m = at(merchants, i);
      await enterCohort(tx, cohortRun(m), s.trigger, new Date());
    },
    async step(tx, s, i) {
      const m = at(snapshotted, i);
      const page = Math.floor(i / snapshotted.length) % Math.ceil(m.members / PAGE_SIZE);
      const fromSeq = 1 + page * PAGE_SIZE;
      const toSeq = Math.min(fromSeq + PAGE_SIZE, m.members + 1);
      const step: SegmentStep = {
        kind: 'segment',
        id: `segment-${s.name}`,
        ...s.segment,
        next: { match: [], else: [] },
      };
      await decideSegment(
        stepContext(tx, m),
        { runId: m.runId, group: { nodeId: TRIGGER_NODE, outcome: null }, range: { from: fromSeq, to: toSeq } },
        step,
      );
    },
    async count(tx, s, i) {
      const result = await countSegment(tx, at(merchants, i).id, s.segment);
      if (result.kind === 'counted') audiences.set(s.name, [...(audiences.get(s.name) ?? []), result.count]);
    },
  };
}

/**
 * `samples` timings in ms of `work`, each in a transaction of its own that is rolled back
 * and then cleaned up by `cleanup` (outside the clock); without the warm-up.
 */
async function measure(
  db: Db,
  prepare: (tx: Tx) => Promise<void>,
  work: Path,
  s: Segment,
  samples: number,
  cleanup: (db: Db) => Promise<void>,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples + WARMUP; i++) {
    const tx = await db.startTransaction().execute();
    try {
      await prepare(tx);
      const t0 = performance.now();
      await work(tx, s, i);
      times.push(performance.now() - t0);
    } finally {
      await tx.rollback().execute();
    }
    await cleanup(db);
  }
  return times.slice(WARMUP);
}

const noPrep = async () => {};

/**
 * A rolled-back cohort leaves its ~14,000 entries behind as dead rows and index entries,
 * which the next sample of the same flow (every 50th) must step over in its check against
 * earlier entries (EXPLAIN: 14,469 heap fetches, 568 buffers), a state a flow's first run
 * never meets. Vacuuming `flow_entries` after the rollback gives each sample the data it
 * would have met, as the rollback means to.
 */
function cleanupAfter(path: string): (db: Db) => Promise<void> {
  return path === 'cohort'
    ? async (db) => {
        await sql`vacuum flow_entries`.execute(db);
      }
    : noPrep;
}

/** Drops every index and unique constraint on `customers` but the primary key, in the given transaction. */
async function indexDropper(db: Db): Promise<(tx: Tx) => Promise<void>> {
  const { rows } = await sql<{ ddl: string }>`
    select format('alter table customers drop constraint %I', conname) as ddl
    from pg_constraint where conrelid = 'customers'::regclass and contype = 'u'
    union all
    select format('drop index %I', i.relname)
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = 'customers'::regclass and not x.indisprimary
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`.execute(db);
  if (rows.length < 4) throw new Error(`expected the segment indexes on customers, found ${rows.length} to drop`);
  return async (tx) => {
    for (const { ddl } of rows) await sql.raw(ddl).execute(tx);
  };
}

function cohortRun(m: SeededSegmentMerchant): CohortRun {
  return { runId: m.runId, merchantId: m.id, flowId: m.flowId, version: 1, timeZone: m.timezone };
}

function stepContext(db: Db, m: SeededSegmentMerchant): StepContext {
  return {
    db,
    channels: { emailFrom: 'bench@example.test', broadcastStream: 'broadcast' },
    merchant: {
      id: m.id,
      name: 'Merchant',
      timezone: m.timezone,
      emailFrom: null,
      postalAddress: null,
      brandColor: null,
    },
    claimKey: 'segment-bench',
    caps: { push: null, email: null },
  };
}

function summary(name: string, times: readonly number[]): Figure[] {
  return [
    { name: `${name}.p50_ms`, value: percentile(times, 50), unit: 'ms' },
    { name: `${name}.p95_ms`, value: percentile(times, 95), unit: 'ms' },
  ];
}
