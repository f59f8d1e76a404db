/**
 * `GET /v1/customers/:id/journeys` on runs written straight into the tables, one run per
 * case, so each case states exactly what the engine recorded.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../engine/db/schema';
import type { Plan, Step } from '../../engine/compiler/plan';
import { read, readError, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

function plan(entry: string[], steps: Step[]): Plan {
  return {
    planVersion: 1,
    triggerNodeId: 'trigger',
    trigger: { kind: 'broadcast' },
    entry,
    steps: Object.fromEntries(steps.map((s) => [s.id, s])),
  };
}
const push = (id: string, next: string[] = []): Step => ({ kind: 'push', id, text: 'Hi', next: { next } });
const email = (id: string, next: string[] = []): Step => ({
  kind: 'email',
  id,
  subject: 'S',
  body: 'B',
  next: { next },
});
const segment = (id: string, match: string[], otherwise: string[]): Step => ({
  kind: 'segment',
  id,
  match: 'all',
  conditions: [{ field: 'stamps', op: 'gte', value: 5 }],
  next: { match, else: otherwise },
});

/** push → email */
const LINEAR = plan(['p1'], [push('p1', ['e1']), email('e1')]);
/** wait 2 days → push */
const WAITING = plan(['w1'], [{ kind: 'wait', id: 'w1', durationMs: 172_800_000, next: { next: ['p2'] } }, push('p2')]);
/** segment: match → push, else → nothing */
const SEGMENTED = plan(['s1'], [segment('s1', ['p3'], []), push('p3')]);
/** wait for a visit: visited → push, timeout → nothing */
const VISIT = plan(
  ['v1'],
  [
    { kind: 'wait', id: 'v1', mode: 'untilVisit', durationMs: 86_400_000, next: { visited: ['p4'], timeout: [] } },
    push('p4'),
  ],
);

const customer = (owner: TestMerchant = m): Promise<string> => h.customer(owner);

async function flow(name: string, flowPlan: Plan, owner: TestMerchant = m): Promise<string> {
  const row = await h.db
    .insertInto('flows')
    .values({ merchant_id: owner.id, name, graph: '{}', status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.db
    .insertInto('flow_versions')
    .values({ flow_id: row.id, version: 1, graph: '{}', plan: JSON.stringify(flowPlan) })
    .execute();
  return row.id;
}

interface RunSpec {
  flowId: string;
  customerId: string;
  status: RunStatus;
  createdAt: string;
  finishedAt?: string;
  /** The member's seq; other members fill the seqs below it. */
  seq?: number;
  /** [node, from_seq] pages the steps processed. */
  pages?: [string, number][];
  outcomes?: [string, string][];
  waits?: { nodeId: string; until: string; finishedAt?: string }[];
  exit?: { nodeId: string; reason: string; at: string };
}

async function run(spec: RunSpec): Promise<string> {
  const seq = spec.seq ?? 1;
  const { id } = await h.db
    .insertInto('runs')
    .values({
      merchant_id: m.id,
      flow_id: spec.flowId,
      version: 1,
      workflow_id: `test-${randomUUID()}`,
      status: spec.status,
      source: 'api',
      created_at: spec.createdAt,
      started_at: spec.createdAt,
      finished_at: spec.finishedAt ?? null,
      member_count: seq,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const member = (node_id: string, outcome: string | null = null) => ({
    run_id: id,
    node_id,
    seq,
    customer_id: spec.customerId,
    outcome,
  });
  await h.db.insertInto('run_step_members').values(member('trigger')).execute();
  for (const [node, outcome] of spec.outcomes ?? [])
    await h.db.insertInto('run_step_members').values(member(node, outcome)).execute();
  for (const [node, from] of spec.pages ?? []) {
    await h.db
      .insertInto('run_step_pages')
      .values({ run_id: id, node_id: node, group_key: 'trigger:', from_seq: from, entered: 500 })
      .execute();
  }
  for (const w of spec.waits ?? []) {
    await h.db
      .insertInto('run_waits')
      .values({
        run_id: id,
        node_id: w.nodeId,
        group_key: 'trigger:',
        merchant_id: m.id,
        mode: 'for',
        started_at: spec.createdAt,
        until: w.until,
        members: 1,
        finished_at: w.finishedAt ?? null,
      })
      .execute();
  }
  if (spec.exit) {
    const { nodeId, reason, at } = spec.exit;
    await h.db
      .insertInto('run_exits')
      .values({ run_id: id, customer_id: spec.customerId, node_id: nodeId, reason, at })
      .execute();
  }
  return id;
}

async function journeys(customerId: string) {
  const res = await read(m.api.v1.customers[':id'].journeys.$get({ param: { id: customerId } }));
  expect(res.status).toBe(200);
  return res.body.items;
}

async function onlyJourney(spec: Omit<RunSpec, 'customerId'>) {
  const customerId = await customer();
  const runId = await run({ ...spec, customerId });
  const items = await journeys(customerId);
  expect(items).toHaveLength(1);
  return { runId, journey: items[0] };
}

describe('GET /v1/customers/:id/journeys', () => {
  it('shows a finished linear path as left at its last step when the run ended', async () => {
    const flowId = await flow('Welcome', LINEAR);
    const { runId, journey } = await onlyJourney({
      flowId,
      status: 'completed',
      createdAt: '2026-01-10T09:00:00Z',
      finishedAt: '2026-01-10T09:05:00Z',
      pages: [
        ['p1', 1],
        ['e1', 1],
      ],
    });
    expect(journey).toEqual({
      runId,
      flowId,
      flowName: 'Welcome',
      version: 1,
      runStatus: 'completed',
      source: 'api',
      enteredAt: '2026-01-10T09:00:00.000Z',
      leftAt: '2026-01-10T09:05:00.000Z',
      currentStep: null,
      left: { reason: 'finished', nodeId: 'e1' },
    });
  });

  it('shows the first step whose pages do not cover the member’s seq as the current one', async () => {
    const flowId = await flow('Big broadcast', LINEAR);
    const { journey } = await onlyJourney({
      flowId,
      status: 'running',
      createdAt: '2026-01-11T09:00:00Z',
      seq: 750,
      // p1 did both pages; e1 only the first, which covers seqs 1..500.
      pages: [
        ['p1', 1],
        ['p1', 501],
        ['e1', 1],
      ],
    });
    expect(journey).toMatchObject({
      leftAt: null,
      left: null,
      currentStep: { nodeId: 'e1', kind: 'email', waitingUntil: null },
    });
  });

  it('shows a member held by a wait with when the wait ends', async () => {
    const flowId = await flow('Nudge', WAITING);
    const { journey } = await onlyJourney({
      flowId,
      status: 'running',
      createdAt: '2026-01-12T09:00:00Z',
      pages: [['w1', 1]],
      waits: [{ nodeId: 'w1', until: '2026-01-14T09:00:00Z' }],
    });
    expect(journey).toMatchObject({
      runStatus: 'running',
      leftAt: null,
      left: null,
      currentStep: { nodeId: 'w1', kind: 'wait', waitingUntil: '2026-01-14T09:00:00.000Z' },
    });
  });

  it('moves past a wait that has finished', async () => {
    const flowId = await flow('Nudge later', WAITING);
    const { journey } = await onlyJourney({
      flowId,
      status: 'running',
      createdAt: '2026-01-12T10:00:00Z',
      pages: [['w1', 1]],
      waits: [{ nodeId: 'w1', until: '2026-01-14T10:00:00Z', finishedAt: '2026-01-14T10:00:01Z' }],
    });
    expect(journey).toMatchObject({ currentStep: { nodeId: 'p2', kind: 'push', waitingUntil: null }, left: null });
  });

  it('shows a member outside the segment as left there, and one not yet decided as at the segment', async () => {
    const flowId = await flow('Regulars', SEGMENTED);
    const { journey: outside } = await onlyJourney({
      flowId,
      status: 'running',
      createdAt: '2026-01-13T09:00:00Z',
      pages: [['s1', 1]],
      outcomes: [['s1', 'else']],
    });
    expect(outside).toMatchObject({
      currentStep: null,
      leftAt: null,
      left: { reason: 'not_in_segment', nodeId: 's1' },
    });
    const { journey: undecided } = await onlyJourney({ flowId, status: 'running', createdAt: '2026-01-13T10:00:00Z' });
    expect(undecided).toMatchObject({ currentStep: { nodeId: 's1', kind: 'segment', waitingUntil: null }, left: null });
  });

  it('follows a wait-for-visit by the member’s recorded outcome', async () => {
    const flowId = await flow('Come back', VISIT);
    const { journey: timedOut } = await onlyJourney({
      flowId,
      status: 'completed',
      createdAt: '2026-01-14T09:00:00Z',
      finishedAt: '2026-01-15T09:00:00Z',
      pages: [['v1', 1]],
      outcomes: [['v1', 'timeout']],
    });
    expect(timedOut).toMatchObject({ left: { reason: 'timed_out', nodeId: 'v1' }, leftAt: '2026-01-15T09:00:00.000Z' });
    const { journey: visited } = await onlyJourney({
      flowId,
      status: 'running',
      createdAt: '2026-01-14T10:00:00Z',
      pages: [['v1', 1]],
      outcomes: [['v1', 'visited']],
    });
    expect(visited).toMatchObject({ currentStep: { nodeId: 'p4', kind: 'push' }, left: null });
    const { journey: waiting } = await onlyJourney({
      flowId,
      status: 'running',
      createdAt: '2026-01-14T11:00:00Z',
      pages: [['v1', 1]],
      waits: [{ nodeId: 'v1', until: '2026-01-15T11:00:00Z' }],
    });
    expect(waiting).toMatchObject({
      currentStep: { nodeId: 'v1', kind: 'wait', waitingUntil: '2026-01-15T11:00:00.000Z' },
    });
  });

  it('shows a member who met an exit rule as left by it, at the exit’s time', async () => {
    const flowId = await flow('Win back', LINEAR);
    const { journey } = await onlyJourney({
      flowId,
      status: 'running',
      createdAt: '2026-01-15T09:00:00Z',
      pages: [['p1', 1]],
      exit: { nodeId: 'e1', reason: 'visit', at: '2026-01-15T12:00:00Z' },
    });
    expect(journey).toMatchObject({
      currentStep: null,
      leftAt: '2026-01-15T12:00:00.000Z',
      left: { reason: 'exit_rule:visit', nodeId: 'e1' },
    });
  });

  it('shows a member of a cancelled run as left with the run at the step they had reached', async () => {
    const flowId = await flow('Cancelled promo', WAITING);
    const { journey } = await onlyJourney({
      flowId,
      status: 'cancelled',
      createdAt: '2026-01-16T09:00:00Z',
      finishedAt: '2026-01-16T11:00:00Z',
      pages: [['w1', 1]],
      // A cancelled run may leave its wait open: the run's status wins.
      waits: [{ nodeId: 'w1', until: '2026-01-18T09:00:00Z' }],
    });
    expect(journey).toMatchObject({
      runStatus: 'cancelled',
      currentStep: null,
      leftAt: '2026-01-16T11:00:00.000Z',
      left: { reason: 'cancelled', nodeId: 'w1' },
    });
  });

  it('lists every run of the customer newest first, and none of other customers', async () => {
    const customerId = await customer();
    const someoneElse = await customer();
    const flowId = await flow('Weekly', LINEAR);
    const older = await run({
      flowId,
      customerId,
      status: 'completed',
      createdAt: '2026-02-01T09:00:00Z',
      finishedAt: '2026-02-01T09:01:00Z',
      pages: [
        ['p1', 1],
        ['e1', 1],
      ],
    });
    const newer = await run({ flowId, customerId, status: 'running', createdAt: '2026-02-08T09:00:00Z' });
    await run({ flowId, customerId: someoneElse, status: 'running', createdAt: '2026-02-09T09:00:00Z' });
    const items = await journeys(customerId);
    expect(items.map((j) => j['runId'])).toEqual([newer, older]);
    expect(items[0]).toMatchObject({ currentStep: { nodeId: 'p1', kind: 'push' } });
    expect(await journeys(await customer())).toEqual([]);
  });

  it('answers 404 for another merchant’s customer and for an id that is not a UUID', async () => {
    const other = await h.merchant('Other');
    const theirs = await customer(other);
    expect((await readError(m.api.v1.customers[':id'].journeys.$get({ param: { id: theirs } }))).body.error).toMatchObject({
      code: 'not_found',
      message: 'Customer not found',
    });
    expect((await m.api.v1.customers[':id'].journeys.$get({ param: { id: 'not-a-uuid' } })).status).toBe(404);
    expect((await read(other.api.v1.customers[':id'].journeys.$get({ param: { id: theirs } }))).body).toEqual({ items: [] });
  });

  it('leaves GET /v1/customers/:id working beside it', async () => {
    const id = await customer();
    expect(await read(m.api.v1.customers[':id'].$get({ param: { id } }))).toMatchObject({ status: 200, body: { id, name: 'Ada' } });
    expect((await h.client().v1.customers[':id'].journeys.$get({ param: { id } })).status).toBe(401);
  });
});
