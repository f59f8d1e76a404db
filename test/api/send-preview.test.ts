/**
 * The send previews and the live-version guards on a real Postgres and Temporal: who a run
 * would reach, counted as the run counts (and writing nothing), publishing an unchanged
 * draft, the unpublished-changes marker and restoring an older version as the draft.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, zonedParts } from '../../engine/time/zoned';
import { broadcastGraph } from '../support/graphs';
import { present, read, readError, readOk, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;

const BERLIN = 'Europe/Berlin';
const today = localDate(new Date(), BERLIN);
const mmdd = `${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant('Preview Café');
  const row = (externalId: string, extra: Record<string, unknown>) => ({ externalId, name: externalId, cardId: m.cardId, ...extra });
  const imported = await m.api.v1.customers.$post({
    json: {
      customers: [
      row('ada', { email: 'ada@example.com', emailConsent: true, birthday: mmdd }),
      row('ben', { email: 'ben@example.com', emailConsent: true, birthday: mmdd }),
      row('cleo', { email: 'cleo@example.com', emailConsent: true }),
      row('dora', { email: 'dora@example.com', emailConsent: false }),
      row('emil', {}),
      ],
    },
  });
  expect(imported.status).toBe(201);
  await h.db.insertInto('suppressions').values({ merchant_id: m.id, email: 'cleo@example.com', reason: 'hard_bounce', description: null }).execute();
});
afterAll(async () => h?.close());

async function publishedBroadcast(name: string) {
  const graph = broadcastGraph({ push: 'Coffee is waiting', email: { subject: 'Hi {{customer.name}}', body: 'Come by.' } });
  const flow = await readOk(m.api.v1.flows.$post({ json: { name, graph } }));
  expect((await publish(flow.id)).status).toBe(201);
  return { id: flow.id, graph };
}

const publish = (id: string) => read(m.api.v1.flows[':id'].publish.$post({ param: { id } }));
const sendPreview = (id: string, owner = m) => owner.api.v1.flows[':id']['send-preview'].$get({ param: { id }, query: {} });
const settings = (json: Parameters<TestMerchant['api']['v1']['merchant']['settings']['$put']>[0]['json']) =>
  m.api.v1.merchant.settings.$put({ json });
const flowOf = async (id: string) => (await read(m.api.v1.flows[':id'].$get({ param: { id } }))).body;

const save = (id: string, graph: ReturnType<typeof broadcastGraph>) => read(m.api.v1.flows[':id'].$put({ param: { id }, json: { graph } }));

const runsOf = async (flowId: string) => (await h.db.selectFrom('runs').select('id').where('flow_id', '=', flowId).execute()).length;

describe('GET /v1/flows/:id/send-preview', () => {
  it('counts pushes to every holder and emails to those with an address, consent and no suppression, and writes nothing', async () => {
    const flow = await publishedBroadcast('Preview broadcast');
    const res = await read(sendPreview(flow.id));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: 1,
      members: 5,
      alreadyEntered: 0,
      steps: [
        { nodeId: 'push', channel: 'push', reach: 5, unreachable: 0, overWeeklyLimit: 0, atMost: false },
        { nodeId: 'email', channel: 'email', reach: 2, unreachable: 3, overWeeklyLimit: 0, atMost: false },
      ],
      rules: { frequencyCap: { push: null, email: null }, quietHours: null, timezone: BERLIN },
      heldUntil: null,
    });
    expect(await runsOf(flow.id)).toBe(0);
  });

  it('says what the weekly limit and quiet hours would hold back', async () => {
    const flow = await publishedBroadcast('Preview with rules');
    const hour = zonedParts(new Date(), BERLIN).hour;
    const hh = (n: number) => `${String((n + 24) % 24).padStart(2, '0')}:00`;
    const quietHours = { start: hh(hour - 1), end: hh(hour + 1) };
    expect((await settings({ frequencyCap: { email: 0 }, quietHours })).status).toBe(200);
    try {
      const res = await read(sendPreview(flow.id));
      expect(res.body.steps[1]).toMatchObject({ channel: 'email', reach: 0, unreachable: 3, overWeeklyLimit: 2 });
      expect(res.body.steps[0]).toMatchObject({ channel: 'push', reach: 5, overWeeklyLimit: 0 });
      const held = new Date(present(res.body.heldUntil, 'heldUntil'));
      expect(zonedParts(held, BERLIN)).toMatchObject({ hour: (hour + 1) % 24, minute: 0 });
      expect(held.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await settings({ frequencyCap: null, quietHours: null });
    }
  });

  it("takes a birthday cohort as the run does, leaving out who already had this year's offer", async () => {
    const graph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'birthday', daysBefore: 0, at: '10:00' } },
        { id: 'p', type: 'push', position: { x: 0, y: 100 }, data: { text: 'Happy birthday' } },
      ],
      edges: [{ id: 'e1', source: 't', target: 'p' }],
    };
    const flow = await read(m.api.v1.flows.$post({ json: { name: 'Birthday', graph } }));
    expect((await publish(flow.body.id)).status).toBe(201);
    const before = await read(sendPreview(flow.body.id));
    expect(before.body).toMatchObject({ members: 2, alreadyEntered: 0, steps: [{ reach: 2 }] });
    const ada = await h.db.selectFrom('customers').select('id').where('external_id', '=', 'ada').executeTakeFirstOrThrow();
    await h.db
      .insertInto('flow_entries')
      .values({ flow_id: flow.body.id, customer_id: ada.id, entry_key: `birthday:${today.year}`, merchant_id: m.id, version: 1, run_id: null })
      .execute();
    const after = await read(sendPreview(flow.body.id));
    expect(after.body).toMatchObject({ members: 1, alreadyEntered: 1, steps: [{ reach: 1 }] });
  });

  it('answers 409 for a flow never published and 404 for another merchant', async () => {
    const draft = await read(m.api.v1.flows.$post({ json: { name: 'Draft', graph: broadcastGraph({ push: 'Hi' }) } }));
    expect((await sendPreview(draft.body.id)).status).toBe(409);
    const other = await h.merchant('Other');
    expect((await sendPreview(draft.body.id, other)).status).toBe(404);
  });
});

describe('POST /v1/campaigns/preview', () => {
  it('counts a campaign before it exists and creates no flow', async () => {
    const flows = async () => (await h.db.selectFrom('flows').select('id').where('merchant_id', '=', m.id).execute()).length;
    const before = await flows();
    const res = await read(
      m.api.v1.campaigns.preview.$post({ json: { cardId: m.cardId, push: { text: 'Coffee?' }, email: { subject: 'Hi', body: 'Come by' } } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ members: 5, steps: [{ channel: 'push', reach: 5 }, { channel: 'email', reach: 2, unreachable: 3 }] });
    expect(await flows()).toBe(before);
    const tooLong = await readError<{ diagnostics: { nodeId: string; field: string }[] }>(
      m.api.v1.campaigns.preview.$post({ json: { cardId: m.cardId, push: { text: 'x'.repeat(30) } } }),
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details?.diagnostics[0]).toMatchObject({ nodeId: 'push', field: 'text' });
  });
});

describe('publishing the live version again', () => {
  it('makes no version: 200 with the current version and unchanged: true', async () => {
    const flow = await publishedBroadcast('Twice');
    const again = await publish(flow.id);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 1, unchanged: true });
    const moved = { ...flow.graph, nodes: flow.graph.nodes.map((n) => ({ ...n, position: { x: n.position.x + 40, y: n.position.y } })) };
    expect((await save(flow.id, moved)).body.unpublishedChanges).toBeNull();
    expect((await publish(flow.id)).body).toMatchObject({ version: 1, unchanged: true });
    expect((await flowOf(flow.id)).versions).toHaveLength(1);
  });

  it('shows unpublished changes until they are published, and restores an older version as the draft', async () => {
    const flow = await publishedBroadcast('Changing');
    const edited = broadcastGraph({ push: 'Cake is waiting', email: { subject: 'Hi {{customer.name}}', body: 'Come by.' } });
    const saved = await save(flow.id, edited);
    expect(saved.body.unpublishedChanges).toEqual({ added: [], removed: [], changed: ['push'], connections: false });
    const published = await publish(flow.id);
    expect(published).toMatchObject({ status: 201, body: { version: 2, unchanged: false } });
    expect((await flowOf(flow.id)).unpublishedChanges).toBeNull();

    const restore = (version: string) => m.api.v1.flows[':id'].versions[':version'].restore.$post({ param: { id: flow.id, version } });
    const restored = await read(restore('1'));
    expect(restored.status).toBe(200);
    expect(present(restored.body.graph.nodes.find((n) => n.id === 'push'), 'the push node').data['text']).toBe('Coffee is waiting');
    expect(restored.body.unpublishedChanges).toMatchObject({ changed: ['push'] });
    expect(restored.body.latestVersion).toBe(2);
    expect((await restore('9')).status).toBe(404);
  });
});
