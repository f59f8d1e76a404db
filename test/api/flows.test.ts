import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { present, read, readError, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

const valid = () => broadcastGraph({ push: 'Coffee is waiting' });
const tooLongPush = () => broadcastGraph({ push: 'This message is far too long for a pass' });

type Graph = ReturnType<typeof broadcastGraph>;
const validate = (graph: Graph) => read(m.api.v1.flows.validate.$post({ json: { graph } }));
const create = (name: string, graph: Graph, owner = m) => read(owner.api.v1.flows.$post({ json: { name, graph } }));
const publish = (id: string, owner = m) => owner.api.v1.flows[':id'].publish.$post({ param: { id } });
const flowOf = (id: string, owner = m) => read(owner.api.v1.flows[':id'].$get({ param: { id } }));
type Diagnostics = { diagnostics: { nodeId: string; field?: string }[] };

describe('flows', () => {
  it('validates a graph and answers its plan', async () => {
    const res = await validate(valid());
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.diagnostics).toEqual([]);
    expect('plan' in res.body ? res.body.plan : undefined).toMatchObject({ trigger: { kind: 'broadcast' }, entry: ['push'] });
  });

  it('answers diagnostics tied to the node for an invalid graph', async () => {
    const res = await validate(tooLongPush());
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect('plan' in res.body ? res.body.plan : undefined).toBeUndefined();
    expect(res.body.diagnostics).toContainEqual(expect.objectContaining({ nodeId: 'push', field: 'text' }));
  });

  it('answers 400 with a path when the graph is not a graph', async () => {
    // Not a graph: the typed client cannot send it.
    const res = await m.sendRaw('POST', '/v1/flows/validate', { body: { graph: { nodes: [{ id: 'a' }], edges: [] } } });
    expect(res.status).toBe(400);
    expect(present(res.body.error.details, 'the problems').map((d) => d.path)).toContain('graph.nodes.0.type');
  });

  it('saves an invalid draft with its diagnostics and shows it back', async () => {
    const created = await create('Draft', tooLongPush());
    expect(created.status).toBe(201);
    expect(created.body.diagnostics.length).toBeGreaterThan(0);
    const got = await flowOf(created.body.id);
    expect(got.body).toMatchObject({ id: created.body.id, name: 'Draft', versions: [], latestVersion: null });
    expect(got.body.graph).toEqual(tooLongPush());
    expect(got.body.diagnostics).toEqual(created.body.diagnostics);
  });

  it('refuses to publish an invalid draft with 422 and the diagnostics', async () => {
    const created = await create('Bad', tooLongPush());
    const res = await readError<Diagnostics>(publish(created.body.id));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unprocessable');
    expect(res.body.error.details?.diagnostics).toContainEqual(expect.objectContaining({ nodeId: 'push' }));
    const versions = await h.db
      .selectFrom('flow_versions')
      .selectAll()
      .where('flow_id', '=', created.body.id)
      .execute();
    expect(versions).toEqual([]);
  });

  it('numbers published versions 1, 2, … and keeps each one’s snapshot', async () => {
    const created = await create('Weekly', valid());
    const first = await read(publish(created.body.id));
    expect(first.status).toBe(201);
    expect(first.body.version).toBe(1);
    expect(first.body.plan.steps['push']).toMatchObject({ kind: 'push', text: 'Coffee is waiting' });

    const edited = broadcastGraph({ push: 'Cake is waiting' });
    const put = await read(m.api.v1.flows[':id'].$put({ param: { id: created.body.id }, json: { name: 'Weekly v2', graph: edited } }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Weekly v2', latestVersion: 1, diagnostics: [] });
    const second = await read(publish(created.body.id));
    expect(second.body.version).toBe(2);

    const got = await flowOf(created.body.id);
    expect(got.body.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(got.body.latestVersion).toBe(2);
    const v1 = await h.db
      .selectFrom('flow_versions')
      .select('plan')
      .where('flow_id', '=', created.body.id)
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    expect(v1.plan).toMatchObject({ steps: { push: { text: 'Coffee is waiting' } } });
    const list = await read(m.api.v1.flows.$get({ query: {} }));
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ id: created.body.id, name: 'Weekly v2', latestVersion: 2 }),
    );
  });

  it('refuses to publish a broadcast to another merchant’s card, on the trigger’s cardId', async () => {
    const other = await h.merchant('Other');
    const created = await create('Foreign card', broadcastGraph({ cardId: other.cardId, push: 'Hello' }));
    expect(created.body.diagnostics).toEqual([expect.objectContaining({ nodeId: 'trigger', field: 'cardId' })]);
    const res = await readError<Diagnostics>(publish(created.body.id));
    expect(res.status).toBe(422);
    expect(res.body.error.details?.diagnostics).toEqual([
      expect.objectContaining({ nodeId: 'trigger', field: 'cardId' }),
    ]);
    const own = await validate(broadcastGraph({ cardId: m.cardId, push: 'Hello' }));
    expect(own.body.ok).toBe(true);
  });

  it('answers 400 for an update with nothing to change and 404 for an unknown flow', async () => {
    const created = await create('X', valid());
    const update = (id: string, json: { name?: string }) => m.api.v1.flows[':id'].$put({ param: { id }, json });
    expect((await update(created.body.id, {})).status).toBe(400);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await update(unknown, { name: 'Y' })).status).toBe(404);
    expect((await publish(unknown)).status).toBe(404);
  });
});

describe('flows with a Schedule when Temporal is down', () => {
  it('publishes nothing and pauses nothing, and says Temporal is unreachable (503)', async () => {
    const calls: string[] = [];
    const refuse = async () => {
      calls.push('schedule');
      throw new Error('connect ECONNREFUSED 127.0.0.1:7233');
    };
    const down = await startHarness({
      launcher: { workflowIdFor: (runId) => `run-${runId}`, start: async () => ({ workflowId: '' }), cancel: async () => {}, signalVisit: async () => {}, syncSchedule: refuse, removeSchedule: refuse, history: refuse },
    });
    try {
      const owner = await down.merchant();
      const birthday = {
        nodes: [
          { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'birthday', daysBefore: 0 } },
          { id: 'p', type: 'push', position: { x: 0, y: 100 }, data: { text: 'Happy birthday!' } },
        ],
        edges: [{ id: 'e', source: 't', target: 'p' }],
      };
      const flow = await read(owner.api.v1.flows.$post({ json: { name: 'Birthday', graph: birthday } }));
      const published = await readError(publish(flow.body.id, owner));
      expect(published.status).toBe(503);
      expect(published.body.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('ECONNREFUSED') });
      const after = await flowOf(flow.body.id, owner);
      expect(after.body).toMatchObject({ status: 'draft', versions: [], latestVersion: null });
      expect(calls).toEqual(['schedule']);

      const archived = await owner.api.v1.flows[':id'][':action{pause|resume|archive}'].$post({ param: { id: flow.body.id, action: 'archive' } });
      expect(archived.status).toBe(503);
      expect((await flowOf(flow.body.id, owner)).body.status).toBe('draft');
    } finally {
      await down.close();
    }
  });
});
