/**
 * Every route has a call limit: per set of credentials for signed-in callers, per address
 * for everyone else. Small limits here so the test can reach them; the defaults are far
 * above any real client (see `server/api/rate-limits.ts`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from './harness';

const PER_CREDENTIAL = 12;
const ANONYMOUS = 5;
const UNKNOWN_CARD = `/p/${'a'.repeat(64)}`;

let h: Harness;
let cafe: TestMerchant;
let bakery: TestMerchant;
beforeAll(async () => {
  // Behind a trusted proxy, so X-Forwarded-For can stand for different addresses.
  h = await startHarness({
    trustProxy: true,
    rateLimits: { perCredentialPerMinute: PER_CREDENTIAL, anonymousPerMinute: ANONYMOUS },
  });
  cafe = await h.merchant('Limit Café');
  bakery = await h.merchant('Limit Bakery');
});
afterAll(async () => h?.close());

describe('app-wide rate limits', () => {
  it('stops one address calling public pages too often, and not another address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ANONYMOUS + 2; i++) {
      statuses.push((await h.sendRaw('GET', UNKNOWN_CARD, { headers: { 'X-Forwarded-For': '203.0.113.10' } })).status);
    }
    expect(statuses).toEqual([...Array<number>(ANONYMOUS).fill(404), 429, 429]);

    const refused = await h.sendRaw('GET', '/healthz', { headers: { 'X-Forwarded-For': '203.0.113.10' } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.body.error.message).toMatch(/Too many requests from this address; retry in \d+ s/);
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const other = await h.sendRaw('GET', UNKNOWN_CARD, { headers: { 'X-Forwarded-For': '198.51.100.20' } });
    expect(other.status).toBe(404);
  });

  it('counts an API key on its own: one merchant running hot does not stop another', async () => {
    // The merchant's set-up (creating its card) already spent one call of each key.
    const statuses: number[] = [];
    for (let i = 0; i < PER_CREDENTIAL; i++) statuses.push((await cafe.api.v1.cards.$get()).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(PER_CREDENTIAL - 1);
    expect(statuses.at(-1)).toBe(429);

    const refused = await cafe.sendRaw('GET', '/v1/cards');
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/Too many requests with these credentials/);

    expect((await bakery.api.v1.cards.$get()).status).toBe(200);
    // The key's calls are not counted against its address either.
    expect((await h.sendRaw('GET', UNKNOWN_CARD, { headers: { 'X-Forwarded-For': '198.51.100.21' } })).status).toBe(404);
  });
});
