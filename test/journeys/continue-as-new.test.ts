/**
 * Continue-as-new under a small history limit, on the real stack through the HTTP API: a
 * wait for a visit whose visits (a signal and a batch of activities each) push the history
 * past the limit, and a long `for` wait whose members sleep while the rest of the run
 * drains. The run goes on in new executions with its tokens, every member gets each
 * message once, and the run report stays exact. A sweep over history limits catches the
 * drain that begins exactly as a wait for a visit ends.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, inject, it } from 'vitest';
import type { RunWorkflowInput } from '../../workflows/types';
import { createRunLauncher } from '../../server/temporal/run-launcher';
import { startRun as startRunOf, waitForRun } from '../support/runs';
import { seedCustomers, seedMerchant } from '../support/seed';
import { DEFAULT_CHANNELS, startStack } from '../support/stack';
import {
  createMerchant,
  importCustomers,
  ok,
  pollRun,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  waitForStatus,
  type Merchant,
} from '../e2e/http';
import { edge, journey, node } from './graphs';
import { pushesPerCustomer } from './outbox';

/** Small enough that a few visits, or a few steps, fill a history. */
const HISTORY_LIMIT = 50;
const DAY = 86_400_000;

const file = stackForFile(() =>
  startStack(DEFAULT_CHANNELS, inject('temporalAddress'), { historyLimit: HISTORY_LIMIT }),
);

interface Execution {
  readonly runId: string;
  readonly status: string;
  readonly startTime: Date;
  /** For an execution that continued as new: when, and the input of the next one. */
  readonly continued?: { at: Date; next: RunWorkflowInput };
  readonly historyLength: number;
}

/** Every execution of a workflow, oldest first, with how each one ended. */
async function executionsOf(client: Client, workflowId: string): Promise<Execution[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const listed = [];
    for await (const e of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) listed.push(e);
    listed.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    // Visibility lags a little behind: wait until the latest execution is listed as closed.
    if (listed.at(-1)?.status.name === 'COMPLETED' || Date.now() > deadline) {
      return Promise.all(
        listed.map(async (e) => {
          const events = (await client.workflow.getHandle(workflowId, e.runId).fetchHistory()).events ?? [];
          const last = events.at(-1);
          const attrs = last?.workflowExecutionContinuedAsNewEventAttributes;
          const payload = attrs?.input?.payloads?.[0];
          const time = last?.eventTime;
          const at = new Date(Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6));
          const continued =
            attrs && payload ? { at, next: defaultPayloadConverter.fromPayload<RunWorkflowInput>(payload) } : undefined;
          return {
            runId: e.runId,
            status: e.status.name,
            startTime: e.startTime,
            historyLength: events.length,
            ...(continued ? { continued } : {}),
          };
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const workflowIdOf = async (m: Merchant, runId: string) =>
  ok(await m.api.get<{ workflowId: string }>(`/v1/runs/${runId}`), 200).workflowId;

describe('continue-as-new', () => {
  it('a wait for a visit whose visits outgrow the history: visitors thanked once each within seconds, the rest reminded once', async () => {
    const m = await createMerchant(file.app, 'Win-back Café');
    const lapsed = new Date(Date.now() - 40 * DAY).toISOString();
    const rows = Array.from({ length: 12 }, (_, i) => ({
      externalId: `v-${i}`,
      name: `V ${i}`,
      cardId: m.cardId,
      lastVisitAt: lapsed,
    }));
    const byExt = await importCustomers(m, rows);
    const customers = rows.map((r) => byExt.get(r.externalId)!);
    const flowId = await publishedFlow(
      m,
      journey(
        { trigger: 'inactive', days: 30 },
        [node('offer', 'push', { text: 'We miss you' }), node('wait', 'wait', { untilVisit: { seconds: 20 } })],
        {
          nodes: [
            node('thanks', 'push', { text: 'Good to see you!' }),
            node('remind', 'push', { text: 'Still missing you' }),
          ],
          edges: [edge('wait', 'thanks', 'visited'), edge('wait', 'remind', 'timeout')],
        },
      ),
      'long win-back',
    );
    const { runId } = await startRun(m, flowId);
    await pollRun(m, runId, (r) => r.steps['wait']?.waiting === 12);

    // One visitor at a time: each visit is a signal and a batch of activities in the history.
    const visitors = customers.slice(0, 6);
    for (const [i, visitor] of visitors.entries()) {
      ok(await m.api.post('/v1/events', { customerId: visitor.id, type: 'visit' }), 202);
      const moved = await pollRun(m, runId, (r) => r.steps['thanks']?.sent === i + 1, 5_000);
      expect(moved.steps['wait']?.waiting).toBe(12 - (i + 1));
    }

    const done = await waitForStatus(file.app, m.key, runId, ['completed', 'failed'], 30_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ members: 12, sent: 24, failed: 0, skipped: 0 });
    expect(done.steps['offer']).toMatchObject({ entered: 12, sent: 12 });
    expect(done.steps['wait']).toMatchObject({ entered: 12, waiting: 0 });
    expect(done.steps['thanks']).toMatchObject({ entered: 6, sent: 6 });
    expect(done.steps['remind']).toMatchObject({ entered: 6, sent: 6 });

    const perCustomer = await pushesPerCustomer(m, customers);
    for (const c of customers) {
      const last = visitors.includes(c) ? { 'Good to see you!': 1 } : { 'Still missing you': 1 };
      expect(perCustomer.get(c.id)).toEqual({ 'We miss you': 1, ...last });
    }

    // The run went on in new executions, each one carrying the wait on.
    const executions = await executionsOf(file.stack.client, await workflowIdOf(m, runId));
    expect(executions.length).toBeGreaterThanOrEqual(2);
    expect(executions.map((e) => e.status)).toEqual([
      ...executions.slice(1).map(() => 'CONTINUED_AS_NEW'),
      'COMPLETED',
    ]);
    for (const e of executions.slice(0, -1)) {
      expect(e.continued?.next.resume?.waits.map((w) => w.nodeId)).toContain('wait');
      expect(e.historyLength).toBeLessThan(HISTORY_LIMIT + 60); // drained soon after the limit
    }
  });

  it('a long `for` wait whose members sleep while the run drains: resumed with its end, never cut short or repeated', async () => {
    const m = await createMerchant(file.app, 'Hold Café');
    const rows = Array.from({ length: 8 }, (_, i) => ({ externalId: `f-${i}`, name: `F ${i}`, cardId: m.cardId }));
    const byExt = await importCustomers(m, rows);
    const customers = rows.map((r) => byExt.get(r.externalId)!);
    // Two branches from the trigger: members sleep in `hold` while a chain of pushes fills
    // the history, so the run drains (and continues as new) with `hold` still sleeping.
    const chain = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((id) => node(id, 'push', { text: `Step ${id}` }));
    const graph = journey({ trigger: 'broadcast' }, chain, {
      nodes: [node('hold', 'wait', { for: { seconds: 12 } }), node('later', 'push', { text: 'After the hold' })],
      edges: [edge('trigger', 'hold'), edge('hold', 'later')],
    });
    const flowId = await publishedFlow(m, graph, 'long hold');
    const { runId } = await startRun(m, flowId);
    const holding = await pollRun(m, runId, (r) => r.steps['hold']?.waiting === 8);
    const holdEnds = Date.parse(holding.steps['hold']?.waitingUntil ?? '');

    const done = await waitForStatus(file.app, m.key, runId, ['completed', 'failed'], 40_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ members: 8, sent: 8 * 7, failed: 0, skipped: 0 });
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'later'])
      expect(done.steps[id]).toMatchObject({ entered: 8, sent: 8 });
    expect(done.steps['hold']).toMatchObject({ entered: 8, waiting: 0 });

    // Nobody left the hold before it ended.
    const later = (await runDeliveries(m, runId)).filter((d) => d.nodeId === 'later');
    expect(later).toHaveLength(8);
    for (const d of later) expect(Date.parse(d.at)).toBeGreaterThanOrEqual(holdEnds);
    const perCustomer = await pushesPerCustomer(m, customers);
    for (const c of customers) {
      expect(perCustomer.get(c.id)).toEqual({
        ...Object.fromEntries(chain.map((n) => [n.data['text'], 1])),
        'After the hold': 1,
      });
    }

    // The run continued as new while `hold` slept, and the next execution got its end as it was.
    const executions = await executionsOf(file.stack.client, await workflowIdOf(m, runId));
    const whileHolding = executions.filter((e) => e.continued && e.continued.at.getTime() < holdEnds);
    expect(whileHolding.length).toBeGreaterThanOrEqual(1);
    for (const e of whileHolding) {
      const parked = e.continued?.next.resume?.waits.filter((w) => w.nodeId === 'hold');
      expect(parked).toEqual([expect.objectContaining({ until: holdEnds })]);
    }
  });

  it('a wait for a visit that ends as the history fills still sends everyone on, whatever the limit', async () => {
    // Every limit from very small to past the whole run: one of them drains exactly as the
    // wait's last look (at its end) fills the history.
    const merchant = await seedMerchant(file.stack.db, 'Sweep Café');
    await seedCustomers(file.stack.db, merchant, 3);
    const graph = journey(
      { trigger: 'broadcast' },
      [node('offer', 'push', { text: 'We miss you' }), node('wait', 'wait', { untilVisit: { seconds: 3 } })],
      {
        nodes: [
          node('thanks', 'push', { text: 'Good to see you!' }),
          node('remind', 'push', { text: 'Still missing you' }),
        ],
        edges: [edge('wait', 'thanks', 'visited'), edge('wait', 'remind', 'timeout')],
      },
    );
    const limits = Array.from({ length: 61 }, (_, i) => 10 + i);
    const outcomes = await Promise.all(
      limits.map(async (historyLimit) => {
        const launcher = createRunLauncher(file.stack.client, file.stack.taskQueue, { historyLimit });
        const run = await startRunOf({ db: file.stack.db, launcher }, merchant.merchantId, graph);
        const status = await waitForRun(file.stack, run);
        const reminded = await file.stack.db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('run_id', '=', run.runId)
          .where('node_id', '=', 'remind')
          .executeTakeFirstOrThrow();
        const open = await file.stack.db
          .selectFrom('run_waits')
          .select('node_id')
          .where('run_id', '=', run.runId)
          .where('finished_at', 'is', null)
          .execute();
        return { historyLimit, status, reminded: Number(reminded.n), openWaits: open.length };
      }),
    );
    expect(outcomes).toEqual(
      limits.map((historyLimit) => ({ historyLimit, status: 'completed', reminded: 3, openWaits: 0 })),
    );
  });
});
