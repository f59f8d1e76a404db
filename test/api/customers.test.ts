import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  read,
  readError,
  startHarness,
  type ApiClient,
  type Harness,
  type Issues,
  type JsonOf,
  type TestMerchant,
} from './harness';

/** The answer of an import, typed as the route declares it. */
type ImportAnswer = JsonOf<Awaited<ReturnType<ApiClient['v1']['customers']['$post']>>>;
/** The details of an import that wrote nothing: the refused rows by index. */
type RowErrors = { errors: { index: number; message: string }[] };

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

describe('POST /v1/customers', () => {
  it('creates one customer with a pass and answers it in camelCase', async () => {
    const res = await read(
      m.api.v1.customers.$post({
        json: {
          externalId: 'pos-1',
          name: 'Ada Lovelace',
          email: '  Ada@Example.COM ',
          birthday: '12-10',
          emailConsent: true,
          cardId: m.cardId,
          stamps: 4,
          joinedAt: '2024-01-15T09:00:00Z',
          lastVisitAt: '2025-02-01T10:30:00+01:00',
        },
      }),
    );
    expect(res).toMatchObject({ status: 201, body: { created: 1, updated: 0, errors: [] } });
    const row = await h.db
      .selectFrom('customers')
      .select('id')
      .where('external_id', '=', 'pos-1')
      .executeTakeFirstOrThrow();
    const got = await read(m.api.v1.customers[':id'].$get({ param: { id: row.id } }));
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      id: row.id,
      externalId: 'pos-1',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      birthday: '12-10',
      emailConsent: true,
      cardId: m.cardId,
      stamps: 4,
      joinedAt: '2024-01-15T09:00:00.000Z',
      lastVisitAt: '2025-02-01T09:30:00.000Z',
      walletUrl: expect.stringMatching(/^http:\/\/localhost:3000\/p\/[0-9a-f]{64}$/),
      pass: {
        serialNumber: expect.any(String),
        message: null,
        voucherCode: null,
        updateTag: 0,
        updatedAt: expect.any(String),
      },
    });
    const pass = await h.db
      .selectFrom('passes')
      .selectAll()
      .where('customer_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(pass.authentication_token).toMatch(/^[0-9a-f]{32}$/);
    expect(got.body.walletUrl).toBe(`http://localhost:3000/p/${pass.wallet_token}`);
  });

  it('writes the valid rows of a batch and reports the others by index', async () => {
    const otherMerchant = await h.merchant('Other');
    // Raw: some rows are refused on purpose (one is not even an object).
    const res = await m.sendRaw<ImportAnswer>('POST', '/v1/customers', {
      body: {
        customers: [
          { name: 'Valid one', cardId: m.cardId, externalId: 'b-1', birthday: '1990-02-28' },
          { name: 'Bad email', cardId: m.cardId, email: 'not-an-email' },
          { name: 'Foreign card', cardId: otherMerchant.cardId },
          { name: 'No such date', cardId: m.cardId, birthday: '02-30' },
          { name: 'Leap day', cardId: m.cardId, birthday: '02-29' },
          { name: 'Not a leap year', cardId: m.cardId, birthday: '2023-02-29' },
          { cardId: m.cardId },
          'not an object',
        ],
      },
    });
    expect(res.status).toBe(200); // some rows written, some refused
    expect(res.body.created).toBe(2);
    expect(res.body.updated).toBe(0);
    expect(res.body.errors.map((e) => e.index)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(res.body.errors[0]?.message).toMatch(/^email: /);
    expect(res.body.errors[1]?.message).toMatch(/cardId/);
    expect(res.body.errors[2]?.message).toMatch(/^birthday: /);
    expect(res.body.errors[4]?.message).toMatch(/^name: /);
    const names = await h.db
      .selectFrom('customers')
      .select('name')
      .where('name', 'in', ['Bad email', 'Foreign card'])
      .execute();
    expect(names).toEqual([]);
  });

  it('answers 422 when nothing was written: one invalid customer, or a batch of only invalid ones', async () => {
    const count = async () =>
      Number(
        (
          await h.db
            .selectFrom('customers')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const one = await readError<RowErrors>(
      m.api.v1.customers.$post({ json: { name: 'Bad email', email: 'nope', cardId: m.cardId } }),
    );
    expect(one.status).toBe(422);
    expect(one.body.error).toMatchObject({ code: 'unprocessable', message: expect.stringMatching(/^email: /) });
    expect(one.body.error.details?.errors).toEqual([{ index: 0, message: expect.stringMatching(/^email: /) }]);
    const batch = await readError<RowErrors>(
      m.api.v1.customers.$post({ json: [{ name: '' }, { name: 'X', email: 'nope' }] }),
    );
    expect(batch.status).toBe(422);
    expect(batch.body.error.message).toMatch(/^No customer was written: 2 invalid \(first, at index 0: name: /);
    expect(batch.body.error.details?.errors.map((e) => e.index)).toEqual([0, 1]);
    expect(await count()).toBe(before);
  });

  it('takes the only card when a customer names none, and asks for one when there are two', async () => {
    const solo = await read(m.api.v1.customers.$post({ json: { name: 'No card named', externalId: 'solo-1' } }));
    expect(solo).toMatchObject({ status: 201, body: { created: 1, errors: [] } });
    const row = await h.db
      .selectFrom('customers')
      .select('card_id')
      .where('external_id', '=', 'solo-1')
      .executeTakeFirstOrThrow();
    expect(row.card_id).toBe(m.cardId);

    const two = await h.merchant('Two cards');
    await read(two.api.v1.cards.$post({ json: { name: 'Tea card', stampsRequired: 8, reward: 'Free tea' } }));
    const ambiguous = await readError(two.api.v1.customers.$post({ json: { name: 'Which card?' } }));
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.body.error.message).toBe('cardId: required, this merchant has 2 cards');
  });

  it('upserts on externalId, keeping fields an update leaves out', async () => {
    await read(
      m.api.v1.customers.$post({
        json: [
          { externalId: 'u-1', name: 'Bea', email: 'bea@example.com', stamps: 7, cardId: m.cardId, emailConsent: true },
        ],
      }),
    );
    const res = await read(
      m.api.v1.customers.$post({
        json: [
          { externalId: 'u-1', name: 'Bea Renamed', cardId: m.cardId },
          { externalId: 'u-2', name: 'Cem', cardId: m.cardId },
        ],
      }),
    );
    expect(res.body).toEqual({ created: 1, updated: 1, errors: [] });
    const bea = await h.db
      .selectFrom('customers')
      .selectAll()
      .where('external_id', '=', 'u-1')
      .executeTakeFirstOrThrow();
    expect(bea).toMatchObject({ name: 'Bea Renamed', email: 'bea@example.com', stamps: 7, email_consent: true });
    const passes = await h.db.selectFrom('passes').select('customer_id').where('customer_id', '=', bea.id).execute();
    expect(passes).toHaveLength(1);
  });

  it('reports a repeated externalId within one batch instead of failing the batch', async () => {
    const res = await read(
      m.api.v1.customers.$post({
        json: [
          { externalId: 'dup', name: 'First', cardId: m.cardId },
          { externalId: 'dup', name: 'Second', cardId: m.cardId },
        ],
      }),
    );
    expect(res.body.created).toBe(1);
    expect(res.body.errors).toEqual([{ index: 1, message: expect.stringContaining('index 0') }]);
  });

  it('imports 10,000 customers in one call within a few seconds', async () => {
    const big = await h.merchant('Big');
    const customers = Array.from({ length: 10_000 }, (_, i) => ({
      externalId: `big-${i}`,
      name: `Customer ${i}`,
      ...(i % 3 ? { email: `c${i}@example.com` } : {}),
      cardId: big.cardId,
      stamps: i % 10,
    }));
    const started = performance.now();
    const res = await read(big.api.v1.customers.$post({ json: { customers } }));
    const ms = performance.now() - started;
    expect(res.body).toEqual({ created: 10_000, updated: 0, errors: [] });
    expect(ms).toBeLessThan(5_000);
    const again = await read(big.api.v1.customers.$post({ json: { customers } }));
    expect(again.body).toEqual({ created: 0, updated: 10_000, errors: [] });
    const count = await h.db
      .selectFrom('passes')
      .innerJoin('customers', 'customers.id', 'passes.customer_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customers.merchant_id', '=', big.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(10_000);
  });

  it('answers 400 for more than 10,000 customers or a body that is not a customer', async () => {
    const tooMany = Array.from({ length: 10_001 }, () => ({ name: 'x', cardId: m.cardId }));
    const res = await readError<Issues>(m.api.v1.customers.$post({ json: { customers: tooMany } }));
    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe('customers');
    expect((await m.sendRaw('POST', '/v1/customers', { body: '"just a string"' })).status).toBe(400);
    expect((await m.sendRaw('POST', '/v1/customers', { body: { customers: 'nope' } })).status).toBe(400);
  });
});

describe('GET /v1/customers', () => {
  it('pages through every customer exactly once with keyset cursors', async () => {
    const p = await h.merchant('Pager');
    await read(
      p.api.v1.customers.$post({ json: Array.from({ length: 25 }, (_, i) => ({ name: `P${i}`, cardId: p.cardId })) }),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await read(p.api.v1.customers.$get({ query: { limit: '10', ...(cursor ? { cursor } : {}) } }));
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
  });
});
