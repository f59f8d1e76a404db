/**
 * The flow list the editor shows: each flow with its trigger in words, its published
 * version, its last run and how many messages it sent in the last 30 days. Three queries
 * for any page size (the flows, their last runs, their sent counts), never one per flow.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { FlowKind, FlowStatus, RunStatus } from '../db/schema';
import { triggerSummary, type TriggerSummary } from '../compiler/trigger-summary';
import { SENT_STATUSES } from '../deliveries/status';

export type FlowKindFilter = FlowKind | 'all';

export interface FlowListOptions {
  readonly limit: number;
  /** The sort key of the row before the page: `created_at` as Postgres text, and the id. */
  readonly after?: { readonly createdAt: string; readonly id: string } | undefined;
  /** Default `drawn`: campaigns have their own list. */
  readonly kind?: FlowKindFilter | undefined;
}

export interface FlowListRow {
  readonly id: string;
  readonly name: string;
  readonly kind: FlowKind;
  readonly status: FlowStatus;
  readonly trigger: TriggerSummary;
  readonly publishedVersion: number | null;
  readonly lastRun: { readonly id: string; readonly status: RunStatus; readonly createdAt: Date } | null;
  /** Deliveries with status `sent` in the last 30 days, across the flow's runs. */
  readonly sent30d: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The keyset sort key: `created_at` as Postgres text. */
  readonly createdAtKey: string;
}

export const SENT_WINDOW_DAYS = 30;

/** Up to `limit + 1` of the merchant's flows, oldest first (the extra row says a next page exists). */
export async function listFlows(db: Db, merchantId: string, options: FlowListOptions): Promise<FlowListRow[]> {
  const kind = options.kind ?? 'drawn';
  let q = db
    .selectFrom('flows')
    .innerJoin('merchants', 'merchants.id', 'flows.merchant_id')
    .select([
      'flows.id',
      'flows.name',
      'flows.kind',
      'flows.status',
      'flows.graph',
      'flows.created_at',
      'flows.updated_at',
    ])
    .select('merchants.timezone')
    .select(
      sql<number | null>`(select max(version) from flow_versions where flow_id = flows.id)`.as('published_version'),
    )
    .select(sql<string>`flows.created_at::text`.as('created_at_key'))
    .where('flows.merchant_id', '=', merchantId);
  if (kind !== 'all') q = q.where('flows.kind', '=', kind);
  if (options.after) {
    const { createdAt, id } = options.after;
    q = q.where(sql<boolean>`(flows.created_at, flows.id) > (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const flows = await q
    .orderBy('flows.created_at')
    .orderBy('flows.id')
    .limit(options.limit + 1)
    .execute();
  if (flows.length === 0) return [];
  const ids = flows.map((f) => f.id);
  const [lastRuns, sent] = await Promise.all([
    db
      .selectFrom('runs')
      .select(['flow_id', 'id', 'status', 'created_at'])
      .distinctOn('flow_id')
      .where('flow_id', 'in', ids)
      .orderBy('flow_id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('deliveries as d')
      .innerJoin('runs as r', 'r.id', 'd.run_id')
      .select(['r.flow_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('r.flow_id', 'in', ids)
      .where('d.status', 'in', SENT_STATUSES)
      .where(sql<boolean>`d.updated_at > now() - make_interval(days => ${SENT_WINDOW_DAYS})`)
      .groupBy('r.flow_id')
      .execute(),
  ]);
  const lastRunOf = new Map(lastRuns.map((r) => [r.flow_id, { id: r.id, status: r.status, createdAt: r.created_at }]));
  const sentOf = new Map(sent.map((s) => [s.flow_id, Number(s.n)]));
  return flows.map((f) => ({
    id: f.id,
    name: f.name,
    kind: f.kind,
    status: f.status,
    trigger: triggerSummary(f.graph, f.timezone),
    publishedVersion: f.published_version,
    lastRun: lastRunOf.get(f.id) ?? null,
    sent30d: sentOf.get(f.id) ?? 0,
    createdAt: f.created_at,
    updatedAt: f.updated_at,
    createdAtKey: f.created_at_key,
  }));
}
