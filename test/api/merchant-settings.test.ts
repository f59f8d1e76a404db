import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMessagingRules } from '../../engine/merchants/messaging-rules';
import { loadMerchantProfile } from '../../engine/merchants/profile';
import { ADMIN_TOKEN, read, readError, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

type SettingsBody = Parameters<TestMerchant['api']['v1']['merchant']['settings']['$put']>[0]['json'];
const getSettings = (owner: TestMerchant) => read(owner.api.v1.merchant.settings.$get());
const putSettings = (owner: TestMerchant, json: SettingsBody) => read(owner.api.v1.merchant.settings.$put({ json }));
const admin = () => h.client({ Authorization: `Bearer ${ADMIN_TOKEN}` });
const settingsWithKey = (apiKey: string) => read(h.client({ Authorization: `Bearer ${apiKey}` }).v1.merchant.settings.$get());

const UNSET = {
  frequencyCap: { push: null, email: null },
  quietHours: null,
  timezone: 'Europe/Berlin',
  postalAddress: null,
  brandColor: null,
  locations: [],
  warnings: ['no_postal_address'],
};

describe('GET /v1/merchant/settings', () => {
  it('gives a new merchant the café defaults: 2 pushes and 2 emails a week, quiet from 21:00 to 09:00', async () => {
    const res = await read(admin().v1.merchants.$post({ json: { name: 'New Café', timezone: 'Europe/Vienna' } }));
    expect(res.status).toBe(201);
    const apiKey = res.body.apiKey;
    expect(await settingsWithKey(apiKey)).toMatchObject({
      status: 200,
      body: { ...UNSET, frequencyCap: { push: 2, email: 2 }, quietHours: { start: '21:00', end: '09:00' }, timezone: 'Europe/Vienna' },
    });
  });

  it('creates a merchant with the rules it is given, keeping the defaults it is not', async () => {
    const body = { name: 'Night Café', timezone: 'Europe/Berlin', messagingRules: { quietHours: null, frequencyCap: { push: 5 } } };
    const res = await read(admin().v1.merchants.$post({ json: body }));
    const apiKey = res.body.apiKey;
    expect((await settingsWithKey(apiKey)).body).toMatchObject({
      frequencyCap: { push: 5, email: 2 },
      quietHours: null,
    });
    const misspelt = { ...body, messagingRules: { quietHour: null } };
    // A misspelt rule is refused by the schema: the typed client cannot send it.
    expect((await h.sendRaw('POST', '/v1/merchants', { body: misspelt, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(400);
  });

  it('answers no rules and the merchant’s time zone when they were turned off', async () => {
    const fresh = await h.merchant('Fresh');
    expect(await getSettings(fresh)).toMatchObject({ status: 200, body: UNSET });
    expect(await loadMessagingRules(h.db, fresh.id)).toEqual({
      pushCap: null,
      emailCap: null,
      quietHours: null,
      timezone: 'Europe/Berlin',
    });
  });

  it('needs an API key', async () => {
    expect((await h.client().v1.merchant.settings.$get()).status).toBe(401);
  });
});

describe('PUT /v1/merchant/settings', () => {
  it('stores caps and quiet hours, answers them and gives them to loadMessagingRules', async () => {
    const body = { frequencyCap: { push: 3, email: 0 }, quietHours: { start: '21:00', end: '08:30' } };
    const res = await putSettings(m, body);
    expect(res).toMatchObject({ status: 200, body: { ...body, timezone: 'Europe/Berlin' } });
    expect((await getSettings(m)).body).toEqual(res.body);
    expect(await loadMessagingRules(h.db, m.id)).toEqual({
      pushCap: 3,
      emailCap: 0,
      quietHours: { start: '21:00', end: '08:30' },
      timezone: 'Europe/Berlin',
    });
  });

  it('keeps what a body leaves out and clears what it sets to null', async () => {
    const p = await h.merchant('Partial');
    await putSettings(p, {
      frequencyCap: { push: 5, email: 2 },
      quietHours: { start: '22:00', end: '07:00' },
    });
    const emailOnly = await putSettings(p, { frequencyCap: { email: 9 } });
    expect(emailOnly.body).toMatchObject({
      frequencyCap: { push: 5, email: 9 },
      quietHours: { start: '22:00', end: '07:00' },
    });
    const pushCleared = await putSettings(p, {
      frequencyCap: { push: null },
      quietHours: null,
    });
    expect(pushCleared.body).toMatchObject({ frequencyCap: { push: null, email: 9 }, quietHours: null });
    const allCleared = await putSettings(p, { frequencyCap: null });
    expect(allCleared.body).toEqual(UNSET);
    expect((await putSettings(p, {})).body).toEqual(UNSET);
  });

  it('changes only the key’s merchant', async () => {
    const a = await h.merchant('A');
    const b = await h.merchant('B');
    await putSettings(a, { frequencyCap: { push: 1 } });
    expect((await getSettings(b)).body).toEqual(UNSET);
  });

  it.each([
    [{ frequencyCap: { push: 1001 } }, 'frequencyCap.push'],
    [{ frequencyCap: { email: -1 } }, 'frequencyCap.email'],
    [{ frequencyCap: { push: 2.5 } }, 'frequencyCap.push'],
    [{ frequencyCap: { push: '3' } }, 'frequencyCap.push'],
    [{ frequencyCap: 5 }, 'frequencyCap'],
    [{ quietHours: { start: '25:00', end: '08:00' } }, 'quietHours.start'],
    [{ quietHours: { start: '22:00' } }, 'quietHours.end'],
    [{ quietHours: { start: '22:00', end: '22:00' } }, 'quietHours.end'],
    [{ quiet_hours: null }, ''],
    [{ brandColor: 'red' }, 'brandColor'],
    [{ brandColor: '#fff' }, 'brandColor'],
    [{ brandColor: '#12345g' }, 'brandColor'],
    [{ brandColor: '#123456;x' }, 'brandColor'],
    [{ postalAddress: 'x'.repeat(501) }, 'postalAddress'],
    [{ postalAddress: '   \n ' }, 'postalAddress'],
    [{ postalAddress: 42 }, 'postalAddress'],
    [{ postal_address: 'Hafenstraße 1' }, ''],
  ])('answers 400 naming the field for %j', async (body, path) => {
    // Bodies the schema refuses, some of them ill-typed on purpose: sent raw.
    const res = await m.sendRaw('PUT', '/v1/merchant/settings', { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.details?.[0]?.path).toBe(path);
    if (path) expect(res.body.error.message).toContain(path);
  });

  it('stores the postal address and brand colour, answers them and drops the warning', async () => {
    const p = await h.merchant('Café Nord');
    const address = 'Café Nord GmbH\nHafenstraße 1\n20457 Hamburg';
    const res = await putSettings(p, {
      postalAddress: `  ${address}\r\n`,
      brandColor: '#0A7C59',
    });
    expect(res).toMatchObject({
      status: 200,
      body: { ...UNSET, postalAddress: address, brandColor: '#0a7c59', warnings: [] },
    });
    expect((await getSettings(p)).body).toEqual(res.body);
    expect(await loadMerchantProfile(h.db, p.id)).toEqual({
      name: 'Café Nord',
      emailFrom: null,
      postalAddress: address,
      brandColor: '#0a7c59',
    });
  });

  it('accepts an address of exactly 500 characters, counted after trimming', async () => {
    const p = await h.merchant('Long');
    const address = 'x'.repeat(500);
    const res = await putSettings(p, { postalAddress: ` ${address} ` });
    expect(res).toMatchObject({ status: 200, body: { postalAddress: address } });
  });

  it('keeps the footer details a body leaves out and clears those set to null', async () => {
    const p = await h.merchant('Footer');
    await putSettings(p, { postalAddress: 'Main St 1', brandColor: '#112233' });
    const capOnly = await putSettings(p, { frequencyCap: { push: 2 } });
    expect(capOnly.body).toMatchObject({ postalAddress: 'Main St 1', brandColor: '#112233', warnings: [] });
    const colourCleared = await putSettings(p, { brandColor: null });
    expect(colourCleared.body).toMatchObject({
      postalAddress: 'Main St 1',
      brandColor: null,
      frequencyCap: { push: 2 },
    });
    const addressCleared = await putSettings(p, { postalAddress: null });
    expect(addressCleared.body).toMatchObject({ postalAddress: null, warnings: ['no_postal_address'] });
    expect((await putSettings(p, { frequencyCap: null })).body).toEqual(UNSET);
  });

  it('changes nothing when the footer part of a body is invalid', async () => {
    const p = await h.merchant('Atomic');
    const res = await readError(p.api.v1.merchant.settings.$put({ json: { frequencyCap: { push: 4 }, brandColor: 'blue' } }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('brandColor');
    expect((await getSettings(p)).body).toEqual(UNSET);
  });

  it('leaves the stored rules alone when the body is invalid', async () => {
    const before = (await getSettings(m)).body;
    await putSettings(m, { frequencyCap: { push: 1 }, quietHours: { start: '9', end: '10' } });
    expect((await getSettings(m)).body).toEqual(before);
  });
});
