import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { read, readError, startHarness, type ApiClient, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
let teaCardId: string;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
  const tea = await read(m.api.v1.cards.$post({ json: { name: 'Tea card', stampsRequired: 8, reward: 'Free tea' } }));
  teaCardId = tea.body.id;
  const res = await read(m.api.v1.customers.$post({ json: [
    { name: 'A', cardId: m.cardId, stamps: 0 },
    { name: 'B', cardId: m.cardId, stamps: 5, email: 'b@example.com', emailConsent: true },
    { name: 'C', cardId: m.cardId, stamps: 9, email: 'c@example.com' },
    { name: 'D', cardId: teaCardId, stamps: 7, email: 'd@example.com', emailConsent: true },
  ] }));
  expect(res.body.created).toBe(4);
});
afterAll(async () => h?.close());

type CountBody = Parameters<ApiClient['v1']['segments']['count']['$post']>[0]['json'];
/** Counts with the typed client. */
const count = (body: CountBody, merchant = m) => read(merchant.api.v1.segments.count.$post({ json: body }));
/** Sends a body the schema refuses, as it is. */
const countRaw = (body: unknown) => m.sendRaw('POST', '/v1/segments/count', { body });

describe('POST /v1/segments/count', () => {
  it('counts customers matching all conditions, or any when asked', async () => {
    const conditions = [
      { field: 'stamps' as const, op: 'gte' as const, value: 5 },
      { field: 'emailConsent' as const, op: 'eq' as const, value: true },
    ];
    expect(await count({ segment: { conditions } })).toMatchObject({ status: 200, body: { count: 2 } });
    expect((await count({ segment: { match: 'any', conditions } })).body).toEqual({ count: 3 });
    expect((await count({ segment: { conditions: [{ field: 'hasEmail', op: 'eq', value: false }] } })).body).toEqual({
      count: 1,
    });
  });

  it('counts only holders of cardId when given', async () => {
    const segment = { conditions: [{ field: 'stamps' as const, op: 'gt' as const, value: 0 }] };
    expect((await count({ segment, cardId: m.cardId })).body).toEqual({ count: 2 });
    expect((await count({ segment, cardId: teaCardId })).body).toEqual({ count: 1 });
  });

  it('never counts another merchant’s customers, and answers 404 for their card', async () => {
    const other = await h.merchant('Other');
    const segment = { conditions: [{ field: 'stamps' as const, op: 'gte' as const, value: 0 }] };
    expect((await count({ segment }, other)).body).toEqual({ count: 0 });
    const res = await readError(m.api.v1.segments.count.$post({ json: { segment, cardId: other.cardId } }));
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', message: 'Card not found' });
  });

  it('answers 400 listing every bad condition with its path', async () => {
    const res = await countRaw({
      segment: {
        conditions: [
          { field: 'stamps', op: 'gte', value: -1 },
          { field: 'shoeSize', op: 'eq', value: 42 },
          { field: 'emailConsent', op: 'gt', value: 'yes' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toContain('segment.conditions.0.value');
    const paths = res.body.error.details?.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'segment.conditions.0.value',
        'segment.conditions.1.field',
        'segment.conditions.2.op',
        'segment.conditions.2.value',
      ]),
    );
  });

  it.each([
    [{ segment: { conditions: [] } }, 'segment.conditions'],
    [{ segment: { match: 'most', conditions: [{ field: 'stamps', op: 'eq', value: 1 }] } }, 'segment.match'],
    [{}, 'segment'],
    [{ segment: { conditions: [{ field: 'stamps', op: 'eq', value: 1 }] }, cardId: 'nope' }, 'cardId'],
  ])('answers 400 for %j at %s', async (body, path) => {
    const res = await countRaw(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe(path);
  });
});
