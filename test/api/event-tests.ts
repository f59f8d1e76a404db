/**
 * What the tests of `POST /v1/events` (single, batched, grouped) set up the same way: a
 * customer by external id, its stamps, and a published flow that pushes on an event.
 */
import { expect } from 'vitest';
import { read, readOk, type Harness, type TestMerchant } from './harness';

/** Creates a customer of `m`'s card through the API; answers its id. */
export async function addCustomer(h: Harness, m: TestMerchant, externalId: string): Promise<string> {
  const res = await m.api.v1.customers.$post({ json: { externalId, name: externalId, cardId: m.cardId } });
  expect(res.status).toBe(201);
  const row = await h.db
    .selectFrom('customers')
    .select('id')
    .where('merchant_id', '=', m.id)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The customer's stamps, as the API answers them. */
export async function stampsOf(m: TestMerchant, id: string): Promise<number> {
  return (await read(m.api.v1.customers[':id'].$get({ param: { id } }))).body.stamps;
}

/** Creates and publishes "on `event`, push `text`"; answers the flow's id. */
export async function publishPushOn(m: TestMerchant, event: string, text: string, name = text): Promise<string> {
  const flow = await readOk(
    m.api.v1.flows.$post({
      json: {
        name,
        graph: {
          nodes: [
            { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'event', event } },
            { id: 'p', type: 'push', position: { x: 0, y: 100 }, data: { text } },
          ],
          edges: [{ id: 'e', source: 't', target: 'p' }],
        },
      },
    }),
  );
  expect((await m.api.v1.flows[':id'].publish.$post({ param: { id: flow.id } })).status).toBe(201);
  return flow.id;
}
