import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { read, readError, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
let customerId: string;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
  customerId = await customer(m);
});
afterAll(async () => h?.close());

const customer = (owner: TestMerchant): Promise<string> => h.customer(owner);

const get = (owner: TestMerchant, code: string) => owner.api.v1.vouchers[':code'].$get({ param: { code } });
const redeem = (owner: TestMerchant, code: string) => owner.api.v1.vouchers[':code'].redeem.$post({ param: { code } });

const IN_30_DAYS = new Date(Date.now() + 30 * 86_400_000);

async function voucher(code: string, expiresAt: Date = IN_30_DAYS, owner = m, ownerCustomer = customerId) {
  await h.db
    .insertInto('vouchers')
    .values({ merchant_id: owner.id, customer_id: ownerCustomer, code, title: 'Free coffee', expires_at: expiresAt })
    .execute();
}

describe('GET /v1/vouchers/:code', () => {
  it('finds the voucher by its code in any case', async () => {
    await voucher('SF-7K2M-9QXA');
    const res = await read(get(m, 'sf-7k2m-9qxa'));
    expect(res).toMatchObject({
      status: 200,
      body: {
        code: 'SF-7K2M-9QXA',
        title: 'Free coffee',
        customerId,
        expiresAt: IN_30_DAYS.toISOString(),
        redeemedAt: null,
      },
    });
  });

  it('answers 404 for an unknown code and for another merchant’s voucher', async () => {
    const other = await h.merchant('Other');
    await voucher('SF-OTHR-0001', IN_30_DAYS, other, await customer(other));
    expect((await readError(get(m, 'SF-NONE-0000'))).body.error.code).toBe('not_found');
    expect((await get(m, 'SF-OTHR-0001')).status).toBe(404);
    expect((await get(other, 'SF-OTHR-0001')).status).toBe(200);
  });
});

describe('POST /v1/vouchers/:code/redeem', () => {
  it('redeems once, then answers 409 naming when it was redeemed', async () => {
    await voucher('SF-RDM1-AAAA');
    const res = await read(redeem(m, 'sf-rdm1-aaaa'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 'SF-RDM1-AAAA',
      title: 'Free coffee',
      customerId,
      redeemedAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(res.body.redeemedAt ?? '') - Date.now())).toBeLessThan(60_000);

    const again = await readError(redeem(m, 'SF-RDM1-AAAA'));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', details: { redeemedAt: res.body.redeemedAt } });
    expect(again.body.error.message).toContain(`already redeemed at ${res.body.redeemedAt}`);
    expect((await read(get(m, 'SF-RDM1-AAAA'))).body.redeemedAt).toBe(res.body.redeemedAt);
  });

  it('answers 409 for an expired voucher with its expiry date in merchant time, and leaves it unredeemed', async () => {
    // 23:30 UTC on 1 March is already 2 March in Berlin.
    await voucher('SF-XPRD-BBBB', new Date('2025-03-01T23:30:00Z'));
    const res = await readError(redeem(m, 'SF-XPRD-BBBB'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.message).toBe('Voucher SF-XPRD-BBBB expired on 2025-03-02');
    expect((await read(get(m, 'SF-XPRD-BBBB'))).body.redeemedAt).toBeNull();
  });

  it('answers 404 for an unknown code and for another merchant’s voucher', async () => {
    const other = await h.merchant('Other 2');
    await voucher('SF-OTHR-0002', IN_30_DAYS, other, await customer(other));
    expect((await redeem(m, 'SF-NONE-0000')).status).toBe(404);
    expect((await redeem(m, 'SF-OTHR-0002')).status).toBe(404);
    expect((await read(get(other, 'SF-OTHR-0002'))).body.redeemedAt).toBeNull();
  });

  it('lets exactly one of several concurrent redeems win', async () => {
    await voucher('SF-RACE-CCCC');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => redeem(m, 'SF-RACE-CCCC')),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('needs an API key', async () => {
    expect((await h.client().v1.vouchers[':code'].redeem.$post({ param: { code: 'SF-7K2M-9QXA' } })).status).toBe(401);
  });
});
