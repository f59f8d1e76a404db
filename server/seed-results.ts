/**
 * The demo café's past: a win-back flow that ran three weeks ago over 300 lapsed regulars,
 * keeping a fifth back, and the visits that followed. Only the underlying records are seeded
 * (the published version, the run and its members, the held-out exits by the flow's own
 * hash, the pushes through the delivery ledger, visit events dated after the run); every
 * figure the editor shows is computed from them by the same code as for a real run.
 */
import type { Db } from '../engine/db/database';
import { claim, record } from '../engine/deliveries/ledger';
import type { FlowGraph } from '../engine/compiler/graph-schema';
import { importCustomers } from '../engine/customers/import';
import { checkFlow } from '../engine/flows/check';
import { keepBack } from '../engine/results/holdout';

const DAY = 86_400_000;
const REGULARS = 300;
const HOLDOUT_PERCENT = 20;
const FIRST = ['Ava', 'Noah', 'Lena', 'Emil', 'Sofia', 'Paul', 'Nora', 'Theo', 'Marie', 'Jan', 'Zoe', 'Leon'];
const LAST = ['Fischer', 'Wagner', 'Meyer', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Braun', 'Graf'];

/** The win-back as drawn in the editor: no visit for 30 days, then "We miss you ☕". */
function winBackGraph(cardId: string): FlowGraph {
  return {
    nodes: [
      {
        id: 'trigger',
        type: 'trigger',
        position: { x: 0, y: 0 },
        data: { trigger: 'inactive', days: 30, cardId, goal: { event: 'visit', withinDays: 7 }, holdoutPercent: HOLDOUT_PERCENT },
      },
      { id: 'miss-you', type: 'push', position: { x: 280, y: 0 }, data: { text: 'We miss you ☕' } },
    ],
    edges: [{ id: 'e-trigger-next-miss-you', source: 'trigger', target: 'miss-you', sourceHandle: null }],
  };
}

/**
 * Whether the `k`th member of a group came back: a fixed pattern (about 3 in 10 who got the
 * push, about 1 in 10 of those kept back), the same on every seed.
 */
const cameBack = (i: number, held: boolean) => (i * 37) % 100 < (held ? 11 : 31);

/** Seeds the history inside the demo's transaction; returns the run's id. */
export async function seedResultsHistory(db: Db, merchantId: string, cardId: string, now = new Date()): Promise<string> {
  const regulars = Array.from({ length: REGULARS }, (_, i) => ({
    externalId: `demo-regular-${String(i + 1).padStart(3, '0')}`,
    name: `${FIRST[i % FIRST.length] ?? 'Alex'} ${LAST[(i * 7) % LAST.length] ?? 'Meyer'}`,
    cardId,
    stamps: (i * 7) % 10,
    joinedAt: new Date(now.getTime() - (300 + (i % 60)) * DAY).toISOString(),
    lastVisitAt: new Date(now.getTime() - (52 + (i % 20)) * DAY).toISOString(),
  }));
  const imported = await importCustomers(db, merchantId, regulars);
  if (imported.errors.length > 0) throw new Error(`demo regulars invalid: ${JSON.stringify(imported.errors)}`);
  const members = await db
    .selectFrom('customers')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .where('external_id', 'like', 'demo-regular-%')
    .orderBy('external_id')
    .execute();

  const graph = winBackGraph(cardId);
  const compiled = await checkFlow(db, merchantId, graph);
  if (!compiled.ok || !compiled.plan) throw new Error(`demo win-back invalid: ${JSON.stringify(compiled.diagnostics)}`);
  // Paused: it shows its past run and results without starting new ones in the demo.
  const flow = await db
    .insertInto('flows')
    .values({ merchant_id: merchantId, name: 'Win-back after 30 days', graph: JSON.stringify(graph), status: 'paused' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('flow_versions')
    .values({ flow_id: flow.id, version: 1, graph: JSON.stringify(graph), plan: JSON.stringify(compiled.plan) })
    .execute();

  const entered = new Date(now.getTime() - 21 * DAY);
  const run = await db
    .insertInto('runs')
    .values({
      merchant_id: merchantId,
      flow_id: flow.id,
      version: 1,
      workflow_id: `demo-win-back-${flow.id}`,
      status: 'completed',
      created_at: entered,
      started_at: entered,
      finished_at: new Date(entered.getTime() + 60_000),
      member_count: members.length,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const snapshot = members.map((m, i) => ({ run_id: run.id, node_id: 'trigger', seq: i + 1, customer_id: m.id, outcome: null }));
  await db.insertInto('run_step_members').values(snapshot).execute();
  await keepBack(db, { runId: run.id, flowId: flow.id, triggerNodeId: 'trigger', percent: HOLDOUT_PERCENT, at: entered });
  const held = new Set(
    (await db.selectFrom('run_exits').select('customer_id').where('run_id', '=', run.id).execute()).map((x) => x.customer_id),
  );
  const treated = snapshot.filter((m) => !held.has(m.customer_id)).map((m) => ({ seq: m.seq, customerId: m.customer_id }));
  await db
    .insertInto('run_step_pages')
    .values([
      { run_id: run.id, node_id: 'trigger', group_key: '', from_seq: 1, entered: members.length },
      { run_id: run.id, node_id: 'miss-you', group_key: 'trigger:', from_seq: 1, entered: treated.length },
    ])
    .execute();
  const key = { runId: run.id, nodeId: 'miss-you', channel: 'push' as const };
  await claim(db, key, treated, 'demo-seed');
  await record(db, key, treated.map((m) => ({ seq: m.seq, customerId: m.customerId, status: 'sent' as const })));

  // The pattern runs over each group's own members in turn: which regulars the stable hash
  // keeps back differs per seed (their ids are new), and over the run's order the held-out
  // group's share of comers-back would vary with it, now and then enough to blur the result.
  const seen = { held: 0, treated: 0 };
  const visits = snapshot.flatMap((m, i) => {
    const isHeld = held.has(m.customer_id);
    const k = isHeld ? seen.held++ : seen.treated++;
    return cameBack(k, isHeld)
      ? [{ merchant_id: merchantId, customer_id: m.customer_id, type: 'visit', at: new Date(entered.getTime() + (1 + (i % 6)) * DAY + 3 * 3_600_000) }]
      : [];
  });
  if (visits.length > 0) {
    await db.insertInto('events').values(visits).execute();
    for (const v of visits) await db.updateTable('customers').set({ last_visit_at: v.at }).where('id', '=', v.customer_id).execute();
  }
  return run.id;
}
