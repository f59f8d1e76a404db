/**
 * The customer list on screen through the API: a CSV import previewed (per-row errors by
 * line, nothing written) and confirmed (every good row, in one transaction), a customer
 * edited (email, birthday, consent with its history), and the list's filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { present, read, readError, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant('Import Café');
});
afterAll(async () => h?.close());

/** The file as the request body (`text/csv`): the typed call with the CSV as its raw body. */
function importCsv(csv: string, mode: 'preview' | 'confirm', cardId = m.cardId) {
  return m.api.v1.customers.import.$post(
    { query: { mode, cardId } },
    { headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'text/csv' }, init: { body: csv } },
  );
}

/** A preview's answer (200). */
async function preview(csv: string) {
  const res = await read(importCsv(csv, 'preview'));
  const body = res.body;
  if (body.mode !== 'preview') throw new Error(`expected a preview, got ${JSON.stringify(body)}`);
  return { status: res.status, body };
}

/** A confirmed import's answer (200). */
async function confirm(csv: string, cardId = m.cardId) {
  const res = await read(importCsv(csv, 'confirm', cardId));
  const body = res.body;
  if (body.mode !== 'confirm') throw new Error(`expected a confirmed import, got ${JSON.stringify(body)}`);
  return { status: res.status, body };
}

/** An import refused whole: `{error}` with what was wrong with the file. */
const refused = (csv: string) => readError<{ problem?: string; line?: number | null }>(importCsv(csv, 'preview'));

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
    const res = await preview(CSV);
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
    const res = await confirm(CSV);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, updated: 0 });
    expect(res.body.errors.map((e) => e.line)).toEqual([3, 5, 6, 7]);
    expect(await count()).toBe(before + 2);
    const ada = await h.db.selectFrom('customers').selectAll().where('external_id', '=', 'pos-1').executeTakeFirstOrThrow();
    expect(ada).toMatchObject({ name: 'Ada Lovelace', email_consent: true, birthday_month: 12, birthday_day: 10, birthday_year: 1990, card_id: m.cardId });
    const history = await read(m.api.v1.customers[':id'].consent.$get({ param: { id: ada.id } }));
    expect(history.body.items).toEqual([{ state: 'granted', source: 'import', at: expect.any(String) }]);

    const again = await preview('name;customer id;stamps\nAda L.;pos-1;4\nFred;pos-9;2\n');
    expect(again.body.rows.map((r) => r.action)).toEqual(['update', 'create']);
    const confirmed = await confirm('name;customer id;stamps\nAda L.;pos-1;4\nFred;pos-9;2\n');
    expect(confirmed.body).toEqual({ mode: 'confirm', created: 1, updated: 1, errors: [] });
    // Left-out columns keep their values.
    expect(await h.db.selectFrom('customers').select(['name', 'stamps', 'email']).where('external_id', '=', 'pos-1').executeTakeFirstOrThrow()).toEqual({
      name: 'Ada L.',
      stamps: 4,
      email: 'ada@example.com',
    });
  });

  it('refuses a file without a name column, an empty body and a card of another merchant', async () => {
    const noName = await refused('email\nada@example.com\n');
    expect(noName.status).toBe(400);
    expect(noName.body.error).toMatchObject({ code: 'bad_request', details: { problem: 'unreadable_csv', line: 1 } });
    expect(noName.body.error.message).toMatch(/"name" column/);
    expect((await refused('')).body.error.details).toEqual({ problem: 'empty_body' });
    const unclosed = await refused('name,email\n"Ada,ada@example.com\n');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.message).toMatch(/not readable as CSV/);
    const other = await h.merchant('Other Café');
    const before = await count();
    const foreign = await confirm('name\nMallory\n', other.cardId);
    expect(foreign.body).toMatchObject({ created: 0, errors: [{ line: 2, message: expect.stringMatching(/^Card: no card/) }] });
    expect(await count()).toBe(before);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const big = 'name\n' + 'x'.repeat(1024 * 1024) + '\n';
    const res = await refused(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

describe('PATCH /v1/customers/:id', () => {
  it('changes email, birthday and consent; the consent change is in the history as edited by staff', async () => {
    const owner = { email: 'owner@edit.example', password: 'correct horse battery staple' };
    const shop = await h.merchant('Edit Café', { owner });
    const session = await h.signIn(owner.email, owner.password);
    expect((await shop.api.v1.customers.$post({ json: { name: 'Gus', cardId: shop.cardId, externalId: 'g-1' } })).status).toBe(201);
    const gus = present((await read(shop.api.v1.customers.$get({ query: { q: 'Gus' } }))).body.items[0], 'Gus');
    const param = { id: gus.id };
    const res = await read(session.api.v1.customers[':id'].$patch({ param, json: { email: 'GUS@example.com', birthday: '1985-06-02', emailConsent: true } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: 'gus@example.com', birthday: '1985-06-02', emailConsent: true });
    const consent = async () => (await read(shop.api.v1.customers[':id'].consent.$get({ param }))).body.items[0];
    expect(await consent()).toMatchObject({ state: 'granted', source: 'staff_edit' });
    // Through an API key the source is the API; clearing the birthday.
    const byKey = await read(shop.api.v1.customers[':id'].$patch({ param, json: { emailConsent: false, birthday: null } }));
    expect(byKey.body).toMatchObject({ emailConsent: false, birthday: null });
    expect(await consent()).toMatchObject({ state: 'withdrawn', source: 'api' });
  });

  it('refuses bad fields by name and writes nothing', async () => {
    expect((await m.api.v1.customers.$post({ json: { name: 'Hal', cardId: m.cardId, externalId: 'h-1', email: 'hal@example.com' } })).status).toBe(201);
    const hal = present((await read(m.api.v1.customers.$get({ query: { q: 'h-1' } }))).body.items[0], 'Hal');
    // `stamps` is no field of an edit: the schema refuses it, so the typed client cannot send it.
    const bad = await m.sendRaw('PATCH', `/v1/customers/${hal.id}`, { body: { email: 'nope', birthday: '02-31', stamps: 99 } });
    expect(bad.status).toBe(400);
    const paths = present(bad.body.error.details, 'the problems').map((d) => d.path).sort();
    expect(paths).toEqual(['', 'birthday', 'email']);
    expect((await m.api.v1.customers[':id'].$patch({ param: { id: hal.id }, json: {} })).status).toBe(400);
    expect((await read(m.api.v1.customers[':id'].$get({ param: { id: hal.id } }))).body).toMatchObject({ email: 'hal@example.com', birthday: null });
  });
});

describe('GET /v1/customers filters', () => {
  let shop: TestMerchant;
  let secondCard: string;
  type Filters = Parameters<TestMerchant['api']['v1']['customers']['$get']>[0]['query'];
  const names = async (query: Filters) => (await read(shop.api.v1.customers.$get({ query }))).body.items.map((c) => c.name).sort();

  beforeAll(async () => {
    shop = await h.merchant('Filter Café');
    secondCard = (await read(shop.api.v1.cards.$post({ json: { name: 'Cake card', stampsRequired: 5, reward: 'Cake' } }))).body.id;
    const day = 86_400_000;
    const rows = [
      { name: 'Recent', cardId: shop.cardId, emailConsent: true, lastVisitAt: new Date(Date.now() - 3 * day).toISOString(), birthday: '07-04' },
      { name: 'Lapsed', cardId: shop.cardId, emailConsent: false, lastVisitAt: new Date(Date.now() - 45 * day).toISOString(), birthday: '1990-12-24' },
      { name: 'Never', cardId: secondCard, emailConsent: true },
      { name: 'Gone', cardId: secondCard, emailConsent: true, birthday: '12-01' },
    ];
    expect((await shop.api.v1.customers.$post({ json: rows })).status).toBe(201);
    const gone = present((await read(shop.api.v1.customers.$get({ query: { q: 'Gone' } }))).body.items[0], 'Gone');
    await h.db.updateTable('customers').set({ email_consent: false, unsubscribed_at: new Date() }).where('id', '=', gone.id).execute();
  });

  it('filters by card, consent, last visit and birthday month, and combines them', async () => {
    expect(await names({ cardId: secondCard })).toEqual(['Gone', 'Never']);
    expect(await names({ consent: 'granted' })).toEqual(['Never', 'Recent']);
    expect(await names({ consent: 'withdrawn' })).toEqual(['Lapsed']);
    expect(await names({ consent: 'unsubscribed' })).toEqual(['Gone']);
    expect(await names({ notSeenForDays: '30' })).toEqual(['Gone', 'Lapsed', 'Never']);
    expect(await names({ birthdayMonth: '12' })).toEqual(['Gone', 'Lapsed']);
    expect(await names({ birthdayMonth: '12', cardId: shop.cardId, notSeenForDays: '30' })).toEqual(['Lapsed']);
    expect(await names({ q: 'ec', consent: 'granted' })).toEqual(['Recent']);
  });

  it('refuses a bad filter naming the parameter', async () => {
    // `maybe` is no consent filter: the typed client cannot send it.
    const res = await shop.sendRaw('GET', '/v1/customers?birthdayMonth=13&consent=maybe');
    expect(res.status).toBe(400);
    expect(present(res.body.error.details, 'the problems').map((d) => d.path).sort()).toEqual(['birthdayMonth', 'consent']);
  });
});
