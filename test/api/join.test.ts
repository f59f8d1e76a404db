/**
 * The public join page of a card: an ordinary HTML form (no script) that makes the customer
 * and the pass once per email, records consent with the source "join page", enters `joined`
 * journeys and lands on the customer's card page. Bots (honeypot), floods (rate limit) and
 * oversized bodies are turned away and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinRoutes, JOIN_BODY_BYTES, JOINS_PER_WINDOW } from '../../server/api/join.routes';
import { read, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant('Corner Café');
});
afterAll(async () => h?.close());

/** Posts the join form as a browser does (form-encoded), without following the redirect. */
async function join(fields: Record<string, string>, cardId = m.cardId, app: { request: typeof h.app.request } = h.app) {
  const res = await app.request(`/join/${cardId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get('Location'), html: await res.text(), headers: res.headers };
}

const customerCount = async () =>
  Number((await h.db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).where('merchant_id', '=', m.id).executeTakeFirstOrThrow()).n);

describe('joinUrl', () => {
  it('is on every card of GET /v1/cards and on the card itself', async () => {
    const list = await read(m.api.v1.cards.$get({ query: {} }));
    expect(list.body.items[0]?.joinUrl).toBe(`http://localhost:3000/join/${m.cardId}`);
    const one = await read(m.api.v1.cards[':id'].$get({ param: { id: m.cardId } }));
    expect(one).toMatchObject({ status: 200, body: { id: m.cardId, joinUrl: `http://localhost:3000/join/${m.cardId}` } });
  });
});

describe('GET /join/:cardId', () => {
  it('shows a plain form with the card, the shop and an unticked consent box naming who writes about what', async () => {
    const res = await h.app.request(`/join/${m.cardId}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(`<form method="post" action="/join/${m.cardId}">`);
    expect(page).not.toContain('<script');
    expect(page).toContain('Coffee card');
    expect(page).toContain('Collect 10 stamps, get Free coffee.');
    expect(page).toMatch(/<input type="checkbox" name="emailConsent" value="yes"\s*\/>/);
    expect(page).toContain('Corner Café may email me about my stamps, rewards and offers');
  });

  it('answers 404 for an unknown card or a malformed id', async () => {
    expect((await h.app.request('/join/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await h.app.request('/join/not-a-card')).status).toBe(404);
  });
});

describe('POST /join/:cardId', () => {
  it('joins with consent: customer, pass and consent history once, then lands on the card page', async () => {
    const res = await join({ name: 'Mia', email: 'Mia@Example.com', birthDay: '14', birthMonth: '3', emailConsent: 'yes', website: '' });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/p\/[0-9a-f]{64}$/);
    const found = await read(m.api.v1.customers.$get({ query: { q: 'mia@example.com' } }));
    expect(found.body.items).toHaveLength(1);
    const mia = found.body.items[0];
    expect(mia).toMatchObject({ name: 'Mia', email: 'mia@example.com', birthday: '03-14', emailConsent: true, cardId: m.cardId, stamps: 0 });
    expect(mia?.walletUrl).toBe(`http://localhost:3000${res.location}`);
    const consent = await read(m.api.v1.customers[':id'].consent.$get({ param: { id: mia?.id ?? '' } }));
    expect(consent.body.items).toEqual([expect.objectContaining({ state: 'granted', source: 'join_page' })]);
    const card = await h.app.request(res.location ?? '');
    expect(card.status).toBe(200);
    expect(await card.text()).toContain('Add to Apple Wallet');

    // The same address again (another case, box unticked): the same customer and card page.
    const again = await join({ name: 'Mia M.', email: 'MIA@example.com' });
    expect(again).toMatchObject({ status: 303, location: res.location });
    expect((await read(m.api.v1.customers.$get({ query: { q: 'mia@example.com' } }))).body.items).toHaveLength(1);
    expect((await read(m.api.v1.customers[':id'].consent.$get({ param: { id: mia?.id ?? '' } }))).body.items).toHaveLength(1);
  });

  it('joins without email or consent, recording that the join page gave none', async () => {
    const res = await join({ name: 'Noah', birthDay: '29', birthMonth: '2', birthYear: '2000' });
    expect(res.status).toBe(303);
    const noah = (await read(m.api.v1.customers.$get({ query: { q: 'Noah' } }))).body.items[0];
    expect(noah).toMatchObject({ email: null, emailConsent: false, birthday: '2000-02-29' });
    const consent = await read(m.api.v1.customers[':id'].consent.$get({ param: { id: noah?.id ?? '' } }));
    expect(consent.body.items).toEqual([expect.objectContaining({ state: 'withdrawn', source: 'join_page' })]);
  });

  it('enters the shop’s welcome journeys once per customer', async () => {
    const flow = await read(m.api.v1.flows.$post({ json: {
      name: 'Welcome',
      graph: {
        nodes: [
          { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'event', event: 'joined' } },
          { id: 'p', type: 'push', position: { x: 0, y: 100 }, data: { text: 'Welcome!' } },
        ],
        edges: [{ id: 'e1', source: 't', target: 'p' }],
      },
    } }));
    expect((await m.api.v1.flows[':id'].publish.$post({ param: { id: flow.body.id } })).status).toBe(201);
    await join({ name: 'Olga', email: 'olga@example.com' });
    await join({ name: 'Olga', email: 'olga@example.com' });
    const entries = await h.db.selectFrom('flow_entries').select(['customer_id', 'entry_key']).where('flow_id', '=', flow.body.id).execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.entry_key).toBe('joined');
  });

  it('shows the form again with plain problems and writes nothing for a bad name, email or date', async () => {
    const before = await customerCount();
    const res = await join({ name: ' ', email: 'not-an-address', birthDay: '31', birthMonth: '2' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('role="alert"');
    expect(res.html).toContain('Name: Please tell us your name');
    expect(res.html).toContain('Email: that does not look like an email address.');
    expect(res.html).toContain('Birthday: that date does not exist.');
    expect(res.html).toContain('value="not-an-address"');
    const half = await join({ name: 'Pia', birthDay: '3' });
    expect(half.html).toContain('choose both the day and the month');
    expect(await customerCount()).toBe(before);
  });

  it('turns away a bot that fills the hidden field, and an oversized body', async () => {
    const before = await customerCount();
    expect((await join({ name: 'Bot', email: 'bot@example.com', website: 'http://spam.example' })).status).toBe(400);
    expect((await join({ name: 'x'.repeat(JOIN_BODY_BYTES) })).status).toBe(413);
    expect(await customerCount()).toBe(before);
  });

  it(`limits sign-ups to ${JOINS_PER_WINDOW} per client address per window`, async () => {
    const fresh = joinRoutes(h.db);
    const app = { request: (path: string, init?: RequestInit) => fresh.request(path.replace(/^\/join/, ''), init) } as { request: typeof h.app.request };
    for (let i = 0; i < JOINS_PER_WINDOW; i++) {
      expect((await join({ name: `Guest ${i}` }, m.cardId, app)).status).toBe(303);
    }
    const before = await customerCount();
    const refused = await join({ name: 'One too many' }, m.cardId, app);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await customerCount()).toBe(before);
  });
});
