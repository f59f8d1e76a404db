/**
 * Single-event posts that arrive together are recorded together (one transaction), and each
 * still answers exactly as if it had been recorded alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCustomer, publishPushOn, stampsOf } from './event-tests';
import { readError, readEvent, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant('Intake café');
});
afterAll(async () => h?.close());

const customer = (externalId: string) => addCustomer(h, m, externalId);
const stamps = (id: string) => stampsOf(m, id);

describe('single events posted at once', () => {
  it('are grouped into shared transactions; stamps add up and the reward fills exactly once', async () => {
    await publishPushOn(m, 'reward_ready', 'Your coffee is on us', 'Reward ready');
    const id = await customer('together');
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => readEvent(m.api.v1.events.$post({ json: { customerId: id, type: 'stamp' } }))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 30 }, () => 202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(30);
    // The 10th stamp fills the card (10 stamps): one event entered the journey, once.
    expect(answers.reduce((sum, a) => sum + a.body.entered, 0)).toBe(1);
    expect(await stamps(id)).toBe(30);
    const entries = await h.db.selectFrom('flow_entries').select('entry_key').where('customer_id', '=', id).execute();
    expect(entries).toHaveLength(1);
    // Recorded together: events of one transaction share its now().
    const rows = await h.db.selectFrom('events').select('created_at').where('customer_id', '=', id).execute();
    expect(new Set(rows.map((r) => r.created_at.getTime())).size).toBeLessThan(30);
  });

  it('answer one id sent many times at once as one event', async () => {
    const id = await customer('same-id');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        readEvent(m.api.v1.events.$post({ json: { id: 'till-1-tap-7', customerId: id, type: 'stamp' } })),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(9);
    expect(await stamps(id)).toBe(1);
  });

  it('answer an unknown customer with 404 without failing the others', async () => {
    const id = await customer('neighbour');
    const answers = await Promise.all([
      readEvent(m.api.v1.events.$post({ json: { customerId: id, type: 'visit' } })),
      readError(m.api.v1.events.$post({ json: { externalId: 'nobody', type: 'stamp' } })),
      readEvent(m.api.v1.events.$post({ json: { customerId: id, type: 'stamp' } })),
      readEvent(m.api.v1.events.$post({ json: { externalId: 'neighbour', type: 'stamp' } })),
    ]);
    expect(answers.map((a) => a.status)).toEqual([202, 404, 202, 202]);
    expect(answers[1].body.error.code).toBe('not_found');
    expect(await stamps(id)).toBe(2);
  });
});
