/**
 * Versions through the HTTP API on the real stack: a run is pinned to the version it started
 * with, so publishing a new version while it waits changes nothing for it; the next run
 * takes the new version.
 */
import { describe, expect, it } from 'vitest';
import {
  allPages,
  createMerchant,
  importCustomers,
  pollRun,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  waitForStatus,
  type Merchant,
  type OutboxMessage,
} from '../e2e/http';
import { republish, runReport } from './flows';
import { journey, node } from './graphs';

const file = stackForFile();

function waitThenPush(seconds: number, text: string) {
  return journey({ trigger: 'broadcast' }, [
    node('wait', 'wait', { for: { seconds } }),
    node('push', 'push', { text }),
  ]);
}

/** The push bodies the run left in the outbox. */
async function pushedBy(m: Merchant, runId: string): Promise<string[]> {
  const outbox = await allPages<OutboxMessage & { payload: { runId: string } }>(m.api, '/v1/outbox?channel=push', 100);
  return outbox.filter((o) => o.payload.runId === runId).map((o) => o.body);
}

describe('flow versions', () => {
  it('a run waiting when v2 is published finishes on v1; the next run uses v2', async () => {
    const m = await createMerchant(file.app, 'Versioned Café');
    await importCustomers(
      m,
      ['ada', 'ben'].map((name) => ({ externalId: name, name, cardId: m.cardId })),
    );
    const flowId = await publishedFlow(m, waitThenPush(6, 'v1 text'), 'versioned');
    const v1 = await startRun(m, flowId);
    const waiting = await pollRun(m, v1.runId, (r) => r.steps['wait']?.waiting === 2);
    const waitEnds = Date.parse(waiting.steps['wait']?.waitingUntil ?? '');

    expect(await republish(file.app, m, flowId, waitThenPush(1, 'v2 text'))).toBe(2);
    expect((await runReport(m, v1.runId)).steps['wait']?.waiting).toBe(2); // still waiting on v1's 6 s

    const first = await waitForStatus(file.app, m.key, v1.runId, ['completed']);
    expect(first.counts).toMatchObject({ members: 2, sent: 2 });
    expect((await runReport(m, v1.runId)).version).toBe(1);
    expect(await pushedBy(m, v1.runId)).toEqual(['v1 text', 'v1 text']);
    for (const d of await runDeliveries(m, v1.runId)) expect(Date.parse(d.at)).toBeGreaterThanOrEqual(waitEnds);

    const v2 = await startRun(m, flowId);
    await waitForStatus(file.app, m.key, v2.runId, ['completed']);
    expect((await runReport(m, v2.runId)).version).toBe(2);
    expect(await pushedBy(m, v2.runId)).toEqual(['v2 text', 'v2 text']);
  });
});
