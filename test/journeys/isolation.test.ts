/**
 * One merchant's flow whose runs Temporal refuses to start (here a version whose plan is
 * over Temporal's 2 MB payload limit, as versions published before the size budget could
 * be) must not stop any other merchant's event journeys. Real Postgres, the real Temporal
 * dev server and its real refusal; the API, the cohort batcher and the worker as in
 * production.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, importCustomers, ok, publishedFlow, runDeliveries, stackForFile, type Merchant } from '../e2e/http';
import { broadcastGraph } from '../support/graphs';
import { journey, node } from './graphs';

const file = stackForFile();

async function eventually<T>(find: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let a: Merchant;
let b: Merchant;
beforeAll(async () => {
  a = await createMerchant(file.app, 'Broken Bakery');
  b = await createMerchant(file.app, 'Busy Café');
});

describe('a flow whose runs cannot start', () => {
  it('backs off alone: another merchant’s reward-ready nudge is delivered within seconds, and the flow says why it is not running', async () => {
    const broken = await publishedFlow(a, journey({ trigger: 'event', event: 'stamp_added' }, [node('hi', 'push', { text: 'Thanks!' })]));
    // A 2.5 MB plan, as a version published before the size budget existed could hold.
    const { rows } = await sql<{ n: number }>`
      update flow_versions set plan = jsonb_set(plan, '{padding}', to_jsonb(repeat('x', 2500000)))
      where flow_id = ${broken} returning 1 as n`.execute(file.stack.db);
    expect(rows).toHaveLength(1);
    const aCustomers = await importCustomers(
      a,
      Array.from({ length: 5 }, (_, i) => ({ externalId: `a-${i}`, name: `A${i}`, cardId: a.cardId })),
    );
    for (const customer of aCustomers.values()) {
      ok(await a.api.post('/v1/events', { customerId: customer.id, type: 'stamp' }), 202);
    }
    // A's entries are now the oldest pending ones, and their run is refused.
    const refused = await eventually(async () => {
      const flow = ok(await a.api.get<{ notStarting: { message: string } | null }>(`/v1/flows/${broken}`), 200);
      return flow.notStarting ?? undefined;
    });
    expect(refused.message).toMatch(/^Temporal refused to start the run \(.+\): the flow is too large to run/);

    const nudge = await publishedFlow(b, journey({ trigger: 'event', event: 'one_stamp_to_go' }, [node('nudge', 'push', { text: 'One more stamp!' })]));
    const ada = (await importCustomers(b, [{ externalId: 'b-1', name: 'Ada', cardId: b.cardId, stamps: 8 }])).get('b-1')!;
    const posted = Date.now();
    ok(await b.api.post('/v1/events', { customerId: ada.id, type: 'stamp' }), 202);
    const delivered = await eventually(async () => {
      const runs = await file.stack.db.selectFrom('runs').select('id').where('flow_id', '=', nudge).execute();
      for (const run of runs) {
        const sent = (await runDeliveries(b, run.id)).find((d) => d.customerId === ada.id && d.status === 'sent');
        if (sent) return sent;
      }
      return undefined;
    });
    expect(Date.parse(delivered.at) - posted).toBeLessThan(5_000);

    // A's entries are still pending (nothing lost), its first refused run says why, and the
    // flow's status still names the cause.
    const pending = await file.stack.db.selectFrom('flow_entries').select('run_id').where('flow_id', '=', broken).execute();
    expect(pending).toHaveLength(5);
    expect(pending.every((e) => e.run_id === null)).toBe(true);
    const failedRuns = await file.stack.db.selectFrom('runs').select(['status', 'error']).where('flow_id', '=', broken).execute();
    expect(failedRuns).toEqual([{ status: 'failed', error: refused.message }]);
    const flow = ok(await a.api.get<{ notStarting: { failures: number; nextTryAt: string } | null }>(`/v1/flows/${broken}`), 200);
    expect(flow.notStarting?.failures).toBe(1);
    expect(Date.parse(flow.notStarting!.nextTryAt)).toBeGreaterThan(Date.now());
  });

  it('answers a refused broadcast run with 422 naming the cause, not "Temporal is not reachable"', async () => {
    const flowId = await publishedFlow(a, broadcastGraph({ push: 'Hello' }), 'Too big');
    await sql`update flow_versions set plan = jsonb_set(plan, '{padding}', to_jsonb(repeat('x', 2500000)))
      where flow_id = ${flowId}`.execute(file.stack.db);
    const res = await a.api.post<{ error: { code: string; message: string } }>(`/v1/flows/${flowId}/runs`);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'unprocessable', message: expect.stringMatching(/^Temporal refused to start the run/) });
    expect(await file.stack.db.selectFrom('runs').select('id').where('flow_id', '=', flowId).execute()).toEqual([]);
  });
});
