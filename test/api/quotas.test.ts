/**
 * Per-merchant quotas with clear 4xx answers: flows per merchant, active event flows, and
 * schedules no more often than hourly. The counts are reached by writing rows directly
 * (creating a thousand flows through the API would only slow the suite down).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ACTIVE_EVENT_FLOWS, MAX_FLOWS } from '../../engine/flows/quotas';
import { broadcastGraph } from '../support/graphs';
import { read, readError, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const eventGraph = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'event', event: 'stamp_added' } },
    { id: 'p', type: 'push', position: { x: 0, y: 100 }, data: { text: 'Thanks!' } },
  ],
  edges: [{ id: 'e', source: 't', target: 'p' }],
};

describe('per-merchant quotas', () => {
  it(`refuses flow number ${MAX_FLOWS + 1} with 409, for flows and campaigns alike`, async () => {
    const m = await h.merchant();
    await h.db
      .insertInto('flows')
      .values(Array.from({ length: MAX_FLOWS }, (_, i) => ({ merchant_id: m.id, name: `F${i}`, graph: JSON.stringify(broadcastGraph({ push: 'Hi' })) })))
      .execute();
    const res = await readError(m.api.v1.flows.$post({ json: { name: 'One more', graph: broadcastGraph({ push: 'Hi' }) } }));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/the most one shop can have; archive flows/);
    const campaign = await m.api.v1.campaigns.$post({ json: { cardId: m.cardId, push: { text: 'Hi' } } });
    expect(campaign.status).toBe(409);
    // Another merchant is not affected.
    const other = await h.merchant('Other');
    const mine = { name: 'Mine', graph: broadcastGraph({ push: 'Hi' }) };
    expect((await other.api.v1.flows.$post({ json: mine })).status).toBe(201);
  });

  it(`refuses to publish active event flow number ${MAX_ACTIVE_EVENT_FLOWS + 1}`, async () => {
    const m = await h.merchant();
    const first = await read(m.api.v1.flows.$post({ json: { name: 'Event 0', graph: eventGraph } }));
    expect((await m.api.v1.flows[':id'].publish.$post({ param: { id: first.body.id } })).status).toBe(201);
    // A flow published and paused while there was room: resuming it later counts too.
    const paused = await read(m.api.v1.flows.$post({ json: { name: 'Paused', graph: eventGraph } }));
    expect((await m.api.v1.flows[':id'].publish.$post({ param: { id: paused.body.id } })).status).toBe(201);
    expect((await m.api.v1.flows[':id'][':action{pause|resume|archive}'].$post({ param: { id: paused.body.id, action: 'pause' } })).status).toBe(200);
    const version = await h.db.selectFrom('flow_versions').select(['graph', 'plan']).where('flow_id', '=', first.body.id).executeTakeFirstOrThrow();
    for (let i = 1; i < MAX_ACTIVE_EVENT_FLOWS; i++) {
      const { id } = await h.db
        .insertInto('flows')
        .values({ merchant_id: m.id, name: `Event ${i}`, graph: JSON.stringify(eventGraph), status: 'active' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await h.db.insertInto('flow_versions').values({ flow_id: id, version: 1, graph: JSON.stringify(version.graph), plan: JSON.stringify(version.plan) }).execute();
    }
    const extra = await read(m.api.v1.flows.$post({ json: { name: 'Event extra', graph: eventGraph } }));
    const res = await readError(m.api.v1.flows[':id'].publish.$post({ param: { id: extra.body.id } }));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/active flows started by events/);
    const resumed = await readError(m.api.v1.flows[':id'][':action{pause|resume|archive}'].$post({ param: { id: paused.body.id, action: 'resume' } }));
    expect(resumed.status).toBe(409);
    expect(resumed.body.error.message).toMatch(/active flows started by events/);
    const still = await h.db.selectFrom('flows').select('status').where('id', '=', paused.body.id).executeTakeFirstOrThrow();
    expect(still.status).toBe('paused');
  });

  it('refuses an every-minute schedule with a diagnostic on the trigger', async () => {
    const m = await h.merchant();
    const graph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'schedule', cron: '* * * * *' } },
        { id: 'p', type: 'push', position: { x: 0, y: 100 }, data: { text: 'Hi' } },
      ],
      edges: [{ id: 'e', source: 't', target: 'p' }],
    };
    const res = await read(m.api.v1.flows.validate.$post({ json: { graph } }));
    expect(res.body.ok).toBe(false);
    expect(res.body.diagnostics).toEqual([expect.objectContaining({ nodeId: 't', message: expect.stringMatching(/at most once an hour/) })]);
  });
});
