import type { RunLauncher } from '../../server/temporal/run-launcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../engine/auth/api-key';
import { verifyPassword } from '../../engine/auth/password';
import { ADMIN_TOKEN, present, read, readError, readOk, startHarness, type ApiClient, type Harness, type Issues } from './harness';

/** A launcher that starts nothing: these tests never run a flow. */
const idleLauncher: RunLauncher = {
  workflowIdFor: (runId) => `run-${runId}`,
  start: async () => ({ workflowId: '' }),
  cancel: async () => {},
  signalVisit: async () => {},
  syncSchedule: async () => {},
  removeSchedule: async () => {},
  history: async () => ({ runs: [], truncated: false }),
};

let h: Harness;
/** The typed client with the admin token (creates merchants). */
let admin: ApiClient;
beforeAll(async () => {
  h = await startHarness();
  admin = h.client({ Authorization: `Bearer ${ADMIN_TOKEN}` });
});
afterAll(async () => h?.close());

describe('health', () => {
  it('answers ok without authentication once ready', async () => {
    const res = await read(h.client().healthz.$get());
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('answers 503 while not ready', async () => {
    const { createApp } = await import('../../server/api/app');
    const app = createApp({
      db: h.db,
      launcher: idleLauncher,
      readiness: async () => false,
    });
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false });
  });

  it('tags every answer with a request id', async () => {
    const res = await h.client().healthz.$get();
    expect(res.headers.get('X-Request-Id')).toMatch(/.+/);
  });
});

describe('POST /v1/merchants', () => {
  it('creates a merchant and answers an API key that is stored only as its sha256', async () => {
    const res = await read(admin.v1.merchants.$post({ json: { name: 'Bakery', timezone: 'America/New_York' } }));
    expect(res.status).toBe(201);
    expect(res.body.apiKey).toMatch(/^sf_live_[0-9a-f]{32}$/);
    const row = await h.db.selectFrom('merchants').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.timezone).toBe('America/New_York');
    const keys = await h.db.selectFrom('api_keys').selectAll().where('merchant_id', '=', res.body.id).execute();
    expect(keys).toEqual([
      expect.objectContaining({
        name: 'Default key',
        key_hash: hashApiKey(res.body.apiKey),
        prefix: res.body.apiKey.slice(0, 12),
        revoked_at: null,
      }),
    ]);
  });

  it('stores the owner with an scrypt password hash and a lower-cased email', async () => {
    const res = await read(
      admin.v1.merchants.$post({
        json: { name: 'Salon', timezone: 'Europe/Paris', owner: { email: ' Owner@Salon.Example ', password: 'long enough' } },
      }),
    );
    expect(res.status).toBe(201);
    const staff = await h.db
      .selectFrom('staff')
      .selectAll()
      .where('merchant_id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(staff.email).toBe('owner@salon.example');
    expect(await verifyPassword('long enough', staff.password_hash)).toBe(true);
  });

  it('answers 409 for an owner email that is taken', async () => {
    const body = { name: 'Twice', timezone: 'UTC', owner: { email: 'same@owner.example', password: 'password1' } };
    expect((await admin.v1.merchants.$post({ json: body })).status).toBe(201);
    const res = await readError(admin.v1.merchants.$post({ json: body }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('rejects an unknown time zone and a short password with paths', async () => {
    const res = await readError<Issues>(
      admin.v1.merchants.$post({
        json: { name: 'X', timezone: 'Mars/Olympus', owner: { email: 'a@b.example', password: 'short' } },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details?.map((d) => d.path)).toEqual(['timezone', 'owner.password']);
  });

  it('answers 401 for a wrong admin token', async () => {
    const res = await readError(
      h.client({ Authorization: 'Bearer not-the-admin-token' }).v1.merchants.$post({ json: { name: 'X', timezone: 'UTC' } }),
    );
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('answers 403 naming STAMPFLOW_ADMIN_TOKEN when no admin token is configured', async () => {
    const { createApp } = await import('../../server/api/app');
    const app = createApp({
      db: h.db,
      launcher: idleLauncher,
      readiness: async () => true,
    });
    const res = await app.request('/v1/merchants', {
      method: 'POST',
      body: JSON.stringify({ name: 'X', timezone: 'UTC' }),
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toContain('STAMPFLOW_ADMIN_TOKEN');
  });
});

describe('API key authentication', () => {
  it('answers 401 without an Authorization header', async () => {
    const res = await readError(h.client().v1.cards.$get());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('Bearer') } });
  });

  it('answers 401 for an unknown key', async () => {
    const res = await readError(h.client({ Authorization: 'Bearer sf_live_00000000000000000000000000000000' }).v1.cards.$get());
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: 'Invalid API key' } } });
  });

  it('answers 404 for another merchant’s resources and lists only one’s own', async () => {
    const a = await h.merchant('A');
    const b = await h.merchant('B');
    const created = await read(a.api.v1.customers.$post({ json: { name: 'Ada', cardId: a.cardId, externalId: 'x' } }));
    const customer = present((await read(a.api.v1.customers.$get({ query: {} }))).body.items[0], 'A’s customer');
    expect(created.body.created).toBe(1);
    expect((await b.api.v1.customers[':id'].$get({ param: { id: customer.id } })).status).toBe(404);
    expect((await read(b.api.v1.customers.$get({ query: {} }))).body.items).toEqual([]);
    expect((await read(b.api.v1.cards.$get())).body.items.map((c) => c.id)).toEqual([b.cardId]);
    const flow = await readOk(a.api.v1.flows.$post({ json: { name: 'F', graph: { nodes: [], edges: [] } } }));
    expect((await b.api.v1.flows[':id'].$get({ param: { id: flow.id } })).status).toBe(404);
    expect((await b.api.v1.flows[':id'].publish.$post({ param: { id: flow.id } })).status).toBe(404);
  });
});

describe('error shapes', () => {
  it('answers 400 "Request body is not valid JSON" for malformed JSON', async () => {
    const m = await h.merchant();
    const res = await m.sendRaw('POST', '/v1/cards', { body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'bad_request', message: 'Request body is not valid JSON' } });
  });

  it('answers 400 with the path of each schema problem', async () => {
    const m = await h.merchant();
    // No reward: a body the typed client refuses, sent raw.
    const res = await m.sendRaw('POST', '/v1/cards', { body: { name: 'Card', stampsRequired: 0 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.details?.map((d) => d.path)).toEqual(['stampsRequired', 'reward']);
  });

  it('answers 404 (not 500) for ids that are not UUIDs', async () => {
    const m = await h.merchant();
    const asked = {
      '/v1/customers/42': m.api.v1.customers[':id'].$get({ param: { id: '42' } }),
      '/v1/flows/abc': m.api.v1.flows[':id'].$get({ param: { id: 'abc' } }),
      '/v1/runs/x': m.api.v1.runs[':id'].$get({ param: { id: 'x' } }),
      '/v1/runs/x/deliveries': m.api.v1.runs[':id'].deliveries.$get({ param: { id: 'x' }, query: {} }),
    };
    for (const [path, answer] of Object.entries(asked)) {
      const res = await readError(answer);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('answers 404 in the error shape for unknown routes', async () => {
    // No such route: only the untyped way reaches it.
    const res = await h.sendRaw('GET', '/v2/nothing');
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('answers 400 for a limit out of range or a forged cursor', async () => {
    const m = await h.merchant();
    const customers = (query: { limit?: string; cursor?: string }) => m.api.v1.customers.$get({ query });
    expect((await customers({ limit: '0' })).status).toBe(400);
    expect((await customers({ limit: '1001' })).status).toBe(400);
    expect((await customers({ limit: 'ten' })).status).toBe(400);
    const forged = Buffer.from(JSON.stringify(['drop table', 'x'])).toString('base64url');
    expect((await customers({ cursor: forged })).status).toBe(400);
  });
});

describe('cards', () => {
  it('creates a card and lists it in camelCase', async () => {
    const m = await h.merchant();
    const res = await read(m.api.v1.cards.$post({ json: { name: 'Haircut card', stampsRequired: 5, reward: 'Free cut' } }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Haircut card',
      stampsRequired: 5,
      reward: 'Free cut',
      // The pass's colours: the defaults unless the card names its own.
      backgroundColor: '#3b2a20',
      foregroundColor: '#ffffff',
      labelColor: '#f3c98b',
      // The card's public join page (the QR on the counter poster).
      joinUrl: expect.stringMatching(/\/join\/[0-9a-f-]{36}$/),
      // No logo uploaded yet (`PUT /v1/cards/:id/logo`).
      hasLogo: false,
      createdAt: expect.any(String),
    });
    const coloured = await read(
      m.api.v1.cards.$post({ json: { name: 'Red card', stampsRequired: 5, reward: 'Cake', backgroundColor: '#AA0000' } }),
    );
    expect(coloured.body).toMatchObject({ backgroundColor: '#aa0000', foregroundColor: '#ffffff' });
    const bad = await readError(m.api.v1.cards.$post({ json: { name: 'Bad', stampsRequired: 5, reward: 'Cake', labelColor: 'red' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('labelColor');
    expect((await read(m.api.v1.cards.$get())).body.items).toHaveLength(3);
  });
});

describe('body size', () => {
  it('answers 413 for a body over the limit', async () => {
    const { BODY_LIMITS } = await import('../../server/api/body-limits');
    const res = await h.app.request('/v1/cards', {
      method: 'POST',
      headers: { 'Content-Length': String(BODY_LIMITS.json + 1), Authorization: 'Bearer x' },
      body: 'x',
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});
