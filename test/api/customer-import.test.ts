/**
 * The customer list on screen through the API: a CSV import previewed (per-row errors by
 * line, nothing written) and confirmed (every good row, in one transaction), a customer
 * edited (email, birthday, consent with its history), and the list's filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Answer, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant('Import Café');
});
afterAll(async () => h?.close());

async function importCsv(csv: string, mode: 'preview' | 'confirm', cardId = m.cardId, key = m.apiKey) {
  const res = await h.app.request(`/v1/customers/import?mode=${mode}&cardId=${cardId}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/csv' },
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const count = async () =>
  Number((await h.db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).where('merchant_id', '=', m.id).executeTakeFirstOrThrow()).n);

const CSV = [
  'Name,Email,Birthday,Email consent,Customer id,Favourite drink',
  'Ada Lovelace,ada@example.com,1990-12-10,yes,pos-1,flat white',
  'Ben,not-an-email,,no,pos-2,',
  '"Cleo, the regular",cleo@example.com,03-15,,pos-3,tea',
  ',nobody@example.com,,yes,pos-4,',
  'Dan,dan@example.com,02-30,maybe,pos-5,',
  'Eve,eve@example.com,,y,pos-1,',
].join('\r\n');

describe('POST /v1/customers/import', () => {
  it('previews every row with its line and the API’s own error, and writes nothing', async () => {
    const before = await count();
    const res = await importCsv(CSV, 'preview');
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ create: 2, update: 0, error: 4 });
    expect(res.body.ignoredColumns).toEqual(['Favourite drink']);
    expect(res.body.rows).toEqual([
      { line: 2, name: 'Ada Lovelace', email: 'ada@example.com', action: 'create' },
      { line: 3, name: 'Ben', email: 'not-an-email', action: 'error', message: 'Email: must be an email address' },
      { line: 4, name: 'Cleo, the regular', email: 'cleo@example.com', action: 'create' },
      { line: 5, name: null, email: 'nobody@example.com', action: 'error', message: expect.stringMatching(/^Name: /) },
      { line: 6, name: 'Dan', email: 'dan@example.com', action: 'error', message: expect.stringMatching(/^Birthday: must be a real date.*; Email consent: /) },
      { line: 7, name: 'Eve', email: 'eve@example.com', action: 'error', message: 'Customer id: "pos-1" already appears on line 2' },
    ]);
    expect(await count()).toBe(before);
  });

  it('confirms: writes the good rows, reports the bad ones by line, and a second import updates', async () => {
    const before = await count();
    const res = await importCsv(CSV, 'confirm');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, updated: 0 });
    expect(res.body.errors.map((e: { line: number }) => e.line)).toEqual([3, 5, 6, 7]);
    expect(await count()).toBe(before + 2);
    const ada = await h.db.selectFrom('customers').selectAll().where('external_id', '=', 'pos-1').executeTakeFirstOrThrow();
    expect(ada).toMatchObject({ name: 'Ada Lovelace', email_consent: true, birthday_month: 12, birthday_day: 10, birthday_year: 1990, card_id: m.cardId });
    const history = await m.call('GET', `/v1/customers/${ada.id}/consent`);
    expect(history.body.items).toEqual([{ state: 'granted', source: 'import', at: expect.any(String) }]);

    const again = await importCsv('name;customer id;stamps\nAda L.;pos-1;4\nFred;pos-9;2\n', 'preview');
    expect(again.body.rows.map((r: { action: string }) => r.action)).toEqual(['update', 'create']);
    const confirmed = await importCsv('name;customer id;stamps\nAda L.;pos-1;4\nFred;pos-9;2\n', 'confirm');
    expect(confirmed.body).toEqual({ mode: 'confirm', created: 1, updated: 1, errors: [] });
    // Left-out columns keep their values.
    expect(await h.db.selectFrom('customers').select(['name', 'stamps', 'email']).where('external_id', '=', 'pos-1').executeTakeFirstOrThrow()).toEqual({
      name: 'Ada L.',
      stamps: 4,
      email: 'ada@example.com',
    });
  });

  it('refuses a file without a name column, an empty body and a card of another merchant', async () => {
    const noName = await importCsv('email\nada@example.com\n', 'preview');
    expect(noName.status).toBe(400);
    expect(noName.body.error).toMatchObject({ code: 'bad_request', details: { problem: 'unreadable_csv', line: 1 } });
    expect(noName.body.error.message).toMatch(/"name" column/);
    expect((await importCsv('', 'preview')).body.error.details).toEqual({ problem: 'empty_body' });
    const unclosed = await importCsv('name,email\n"Ada,ada@example.com\n', 'preview');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.message).toMatch(/not readable as CSV/);
    const other = await h.merchant('Other Café');
    const before = await count();
    const foreign = await importCsv('name\nMallory\n', 'confirm', other.cardId);
    expect(foreign.body).toMatchObject({ created: 0, errors: [{ line: 2, message: expect.stringMatching(/^Card: no card/) }] });
    expect(await count()).toBe(before);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const big = 'name\n' + 'x'.repeat(1024 * 1024) + '\n';
    const res = await importCsv(big, 'preview');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

describe('PATCH /v1/customers/:id', () => {
  it('changes email, birthday and consent; the consent change is in the history as edited by staff', async () => {
    const owner = { email: 'owner@edit.example', password: 'correct horse battery staple' };
    const shop = await h.merchant('Edit Café', { owner });
    const session = await h.signIn(owner.email, owner.password);
    expect((await shop.call('POST', '/v1/customers', { name: 'Gus', cardId: shop.cardId, externalId: 'g-1' })).status).toBe(201);
    const gus = (await shop.call('GET', '/v1/customers?q=Gus')).body.items[0];
    const res = await session.call('PATCH', `/v1/customers/${gus.id}`, { email: 'GUS@example.com', birthday: '1985-06-02', emailConsent: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: 'gus@example.com', birthday: '1985-06-02', emailConsent: true });
    const history = await shop.call('GET', `/v1/customers/${gus.id}/consent`);
    expect(history.body.items[0]).toMatchObject({ state: 'granted', source: 'staff_edit' });
    // Through an API key the source is the API; clearing the birthday.
    const byKey = await shop.call('PATCH', `/v1/customers/${gus.id}`, { emailConsent: false, birthday: null });
    expect(byKey.body).toMatchObject({ emailConsent: false, birthday: null });
    expect((await shop.call('GET', `/v1/customers/${gus.id}/consent`)).body.items[0]).toMatchObject({ state: 'withdrawn', source: 'api' });
  });

  it('refuses bad fields by name and writes nothing', async () => {
    expect((await m.call('POST', '/v1/customers', { name: 'Hal', cardId: m.cardId, externalId: 'h-1', email: 'hal@example.com' })).status).toBe(201);
    const hal = (await m.call('GET', '/v1/customers?q=h-1')).body.items[0];
    const bad = await m.call('PATCH', `/v1/customers/${hal.id}`, { email: 'nope', birthday: '02-31', stamps: 99 });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['', 'birthday', 'email']);
    expect((await m.call('PATCH', `/v1/customers/${hal.id}`, {})).status).toBe(400);
    expect((await m.call('GET', `/v1/customers/${hal.id}`)).body).toMatchObject({ email: 'hal@example.com', birthday: null });
  });
});

describe('GET /v1/customers filters', () => {
  let shop: TestMerchant;
  let secondCard: string;
  const names = async (qs: string) => (await shop.call('GET', `/v1/customers?${qs}`)).body.items.map((c: { name: string }) => c.name).sort();

  beforeAll(async () => {
    shop = await h.merchant('Filter Café');
    secondCard = (await shop.call('POST', '/v1/cards', { name: 'Cake card', stampsRequired: 5, reward: 'Cake' })).body.id;
    const day = 86_400_000;
    const rows = [
      { name: 'Recent', cardId: shop.cardId, emailConsent: true, lastVisitAt: new Date(Date.now() - 3 * day).toISOString(), birthday: '07-04' },
      { name: 'Lapsed', cardId: shop.cardId, emailConsent: false, lastVisitAt: new Date(Date.now() - 45 * day).toISOString(), birthday: '1990-12-24' },
      { name: 'Never', cardId: secondCard, emailConsent: true },
      { name: 'Gone', cardId: secondCard, emailConsent: true, birthday: '12-01' },
    ];
    expect((await shop.call('POST', '/v1/customers', rows)).status).toBe(201);
    const gone = (await shop.call('GET', '/v1/customers?q=Gone')).body.items[0];
    await h.db.updateTable('customers').set({ email_consent: false, unsubscribed_at: new Date() }).where('id', '=', gone.id).execute();
  });

  it('filters by card, consent, last visit and birthday month, and combines them', async () => {
    expect(await names(`cardId=${secondCard}`)).toEqual(['Gone', 'Never']);
    expect(await names('consent=granted')).toEqual(['Never', 'Recent']);
    expect(await names('consent=withdrawn')).toEqual(['Lapsed']);
    expect(await names('consent=unsubscribed')).toEqual(['Gone']);
    expect(await names('notSeenForDays=30')).toEqual(['Gone', 'Lapsed', 'Never']);
    expect(await names('birthdayMonth=12')).toEqual(['Gone', 'Lapsed']);
    expect(await names(`birthdayMonth=12&cardId=${shop.cardId}&notSeenForDays=30`)).toEqual(['Lapsed']);
    expect(await names('q=ec&consent=granted')).toEqual(['Recent']);
  });

  it('refuses a bad filter naming the parameter', async () => {
    const res = await shop.call('GET', '/v1/customers?birthdayMonth=13&consent=maybe');
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['birthdayMonth', 'consent']);
  });
});
