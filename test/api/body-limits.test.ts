/**
 * Per-route body limits, enforced while reading: a body over its route's limit is refused
 * with 413 and the JSON error body after at most the limit's bytes were read (counted at the
 * stream the client sends), and without credentials nobody gets more than the small limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS } from '../../server/api/body-limits';
import { read, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

const CHUNK = 64 * 1024;

/** A chunked body of up to `total` bytes of JSON-ish filler; `pulled()` says how much the server read. */
function endlessBody(total: number) {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = new Uint8Array(CHUNK).fill(0x20);
      if (sent === 0) chunk[0] = 0x7b; // '{'
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => sent };
}

async function post(path: string, total: number, headers: Record<string, string> = {}) {
  const body = endlessBody(total);
  const res = await h.app.request(path, { method: 'POST', body: body.stream, headers, duplex: 'half' } as RequestInit);
  return { status: res.status, json: (await res.json()) as { error?: { code: string } }, pulled: body.pulled() };
}

const ATTACK = 32 * 1024 * 1024;
/** Read ahead of the stream, at most a couple of chunks past the limit. */
const SLACK = 4 * CHUNK;

describe('unauthenticated routes take a few KB', () => {
  it.each([
    ['sign-in', '/v1/auth/sign-in'],
    ['accept-invite', '/v1/auth/accept-invite'],
    ['the PassKit log', '/wallet/apple/v1/log'],
    ['device registration (before its pass token is checked)', '/wallet/apple/v1/devices/d1/registrations/pass.test/S1'],
  ])('refuses a 32 MiB chunked body to %s after reading no more than the limit', async (_what, path) => {
    const res = await post(path, ATTACK, { Origin: 'http://localhost' });
    expect(res.status).toBe(413);
    expect(res.json.error?.code).toBe('payload_too_large');
    expect(res.pulled).toBeLessThanOrEqual(BODY_LIMITS.public + SLACK);
  });

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    const body = endlessBody(ATTACK);
    const res = await h.app.request('/v1/auth/sign-in', {
      method: 'POST',
      body: body.stream,
      headers: { 'Content-Length': String(ATTACK) },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(SLACK);
  });
});

describe('authenticated routes', () => {
  it('refuse JSON over the default limit', async () => {
    const res = await post('/v1/flows/validate', 2 * 1024 * 1024, { Authorization: `Bearer ${m.apiKey}` });
    expect(res.status).toBe(413);
    expect(res.pulled).toBeLessThanOrEqual(BODY_LIMITS.json + SLACK);
  });

  it('give the large limit to the customer import only after its credentials are checked', async () => {
    const anonymous = await post('/v1/customers', ATTACK);
    expect(anonymous.status).toBe(401);
    expect(anonymous.pulled).toBeLessThanOrEqual(SLACK);

    const rows = Array.from({ length: 10_000 }, (_, i) => ({ name: `Customer ${i} ${'x'.repeat(100)}`, externalId: `ext-${i}` }));
    const body = JSON.stringify({ customers: rows });
    expect(body.length).toBeGreaterThan(BODY_LIMITS.json);
    const imported = await read(m.api.v1.customers.$post({ json: { customers: rows } }));
    expect(imported.status).toBe(201);
    expect(imported.body.created).toBe(10_000);
  });
});
