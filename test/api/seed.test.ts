import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OWNER_EMAIL, seedDemo } from '../../server/seed';
import { present, read, startHarness, type Harness } from './harness';

let h: Harness;
let dataDir: string;
beforeAll(async () => {
  h = await startHarness();
  dataDir = await mkdtemp(join(tmpdir(), 'stampflow-seed-'));
});
afterAll(async () => {
  await h?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('seedDemo', () => {
  it('creates Demo Café with a card and 25 varied customers, and a key that works', async () => {
    const demo = await seedDemo(h.db, { dataDir });
    expect(demo).not.toBeNull();
    expect((await readFile(join(dataDir, 'demo-api-key'), 'utf8')).trim()).toBe(demo?.apiKey);

    const api = h.client({ Authorization: `Bearer ${demo?.apiKey}` });
    const cards = await read(api.v1.cards.$get({ query: {} }));
    expect(cards.body.items).toEqual([
      expect.objectContaining({ name: 'Coffee card', stampsRequired: 10, reward: 'Free coffee' }),
    ]);
    const customers = await read(api.v1.customers.$get({ query: { limit: '1000' } }));
    // The 25 of every kind (the 300 lapsed regulars of the past win-back are `demo-regular-…`).
    const items = customers.body.items.filter((c) => !c.externalId?.startsWith('demo-regular-'));
    expect(items).toHaveLength(25);
    expect(items.some((c) => c.email === null)).toBe(true);
    expect(items.some((c) => c.email !== null && !c.emailConsent)).toBe(true);
    expect(items.some((c) => c.birthday !== null)).toBe(true);
    expect(items.some((c) => c.lastVisitAt === null)).toBe(true);
    expect(items.every((c) => c.pass !== null)).toBe(true);
  });

  it('includes a past win-back with a hold-out whose results the results routes compute from the seeded records', async () => {
    const key = (await readFile(join(dataDir, 'demo-api-key'), 'utf8')).trim();
    const api = h.client({ Authorization: `Bearer ${key}` });
    const flows = await read(api.v1.flows.$get({ query: {} }));
    const winBack = flows.body.items.find((f) => f.name === 'Win-back after 30 days');
    const runId = winBack?.lastRun?.id ?? '';
    expect(runId).not.toBe('');
    const res = await read(api.v1.runs[':id'].results.$get({ param: { id: runId } }));
    expect(res.status).toBe(200);
    const r = res.body;
    const holdout = present(r.holdout, 'the hold-out');
    expect(r.goal).toEqual({ event: 'visit', withinDays: 7 });
    expect(r.treated.customers + holdout.customers).toBe(300);
    expect(holdout.customers).toBeGreaterThanOrEqual(30); // enough to compare: not "too few"
    expect(r.verdict).toBe('worked');
    expect(present(r.lift, 'the lift').low).toBeGreaterThan(0);
    // The counts are the records': held-out members are the run's holdout exits, conversions its members' visits.
    const held = await h.db.selectFrom('run_exits').select(h.db.fn.countAll<number>().as('n')).where('run_id', '=', runId).where('reason', '=', 'holdout').executeTakeFirstOrThrow();
    expect(holdout.customers).toBe(Number(held.n));
    const converted = await h.db
      .selectFrom('events as e')
      .innerJoin('run_step_members as m', 'm.customer_id', 'e.customer_id')
      .select(sql<number>`count(distinct e.customer_id)`.as('n'))
      .where('m.run_id', '=', runId)
      .where('e.type', '=', 'visit')
      .executeTakeFirstOrThrow();
    expect(r.treated.converted + holdout.converted).toBe(Number(converted.n));
    // Nobody kept back got the push (through the ledger); the canvas counts who got it.
    const steps = await read(api.v1.flows[':id'].results.steps.$get({ param: { id: winBack?.id ?? '' }, query: {} }));
    expect(steps.body.items).toEqual([{ nodeId: 'miss-you', got: r.treated.customers, cameBack: r.treated.converted }]);
  });

  it('creates nothing more on later starts and answers the stored key again', async () => {
    const first = await h.db.selectFrom('merchants').select('id').execute();
    const again = await seedDemo(h.db, { dataDir });
    expect(again?.merchantId).toBe(first[0]?.id);
    expect(await h.db.selectFrom('merchants').select('id').execute()).toHaveLength(1);
  });

  it('creates the demo owner, whose stored password signs in to the editor', async () => {
    const file = join(dataDir, 'demo-login');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const [email, password] = (await readFile(file, 'utf8')).trim().split('\n');
    expect(email).toBe(DEMO_OWNER_EMAIL);
    const again = await seedDemo(h.db, { dataDir });
    expect(again?.login).toEqual({ email, password });
    const session = await h.signIn(DEMO_OWNER_EMAIL, password ?? '');
    expect(session.body).toMatchObject({
      staff: { role: 'owner' },
      merchant: { id: again?.merchantId, name: 'Demo Café' },
    });
  });

  it('gives a demo merchant seeded before staff logins existed its owner on the next start', async () => {
    await h.db.deleteFrom('staff').where('email', '=', DEMO_OWNER_EMAIL).execute();
    await rm(join(dataDir, 'demo-login'));
    const again = await seedDemo(h.db, { dataDir });
    expect(again?.login?.email).toBe(DEMO_OWNER_EMAIL);
    expect((await readFile(join(dataDir, 'demo-login'), 'utf8')).trim().split('\n')[1]).toBe(again?.login?.password);
    expect((await h.signIn(DEMO_OWNER_EMAIL, again?.login?.password ?? '')).body.staff.role).toBe('owner');
  });

  it('answers null when merchants exist and no demo key is stored', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'stampflow-seed-'));
    try {
      expect(await seedDemo(h.db, { dataDir: elsewhere })).toBeNull();
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
