/**
 * Nearby nudges end to end: the merchant sets its shops once (`PUT /v1/merchant/settings`),
 * a campaign sets a nearby text until a date, and the pass a phone downloads (unzipped,
 * its signature checked with openssl) carries every shop with that text; after the date the
 * pass shows the card's own nearby text again. A dated offer of at most a day makes the
 * pass relevant by date too. The push goes through APNs (the local server), as on a phone.
 */
import { describe, expect, it } from 'vitest';
import { testCertificates, testSigner } from '../support/certs';
import { ok, publishedFlow, startRun, waitForStatus, type ErrorBody, type Merchant } from '../e2e/http';
import { apnsStackForFile } from './apns-stack';
import { walletKit } from './shop';
import { field, Phone } from './phone';

const certs = testCertificates();
const signer = testSigner(certs);
const file = apnsStackForFile('https://wallet.stampflow.test', signer);
const { shop } = walletKit(file);
const FINAL = ['completed', 'failed', 'cancelled'] as const;

const shops = Array.from({ length: 10 }, (_, i) => ({
  name: `Shop ${i + 1}`,
  address: `Hauptstraße ${i + 1}, Berlin`,
  latitude: 52.52 + i / 1000,
  longitude: 13.405 - i / 1000,
}));

interface Located {
  locations?: { latitude: number; longitude: number; relevantText: string }[];
  relevantDate?: string;
  relevantDates?: { startDate: string; endDate: string }[];
}

async function campaign(m: Merchant, body: Record<string, unknown>) {
  const made = ok(await m.api.post<{ runId: string }>('/v1/campaigns', { cardId: m.cardId, ...body }), 201);
  const report = await waitForStatus(file.app, m.key, made.runId, FINAL);
  expect(report.status).toBe('completed');
}

describe('shop locations in the settings', () => {
  it('replaces the list on PUT and refuses an eleventh shop or a coordinate out of range, naming the entry', async () => {
    const { m } = await shop('nearby-settings', 0);
    const eleven = await m.api.put<ErrorBody>('/v1/merchant/settings', { locations: [...shops, { ...shops[0]!, name: 'Kiosk' }] });
    expect(eleven.status).toBe(400);
    expect(eleven.body.error.message).toMatch(/locations\.10.*shop 11 \("Kiosk"\) is one too many/);

    const bad = shops.slice(0, 3).map((s, i) => (i === 2 ? { ...s, latitude: 91 } : s));
    const outOfRange = await m.api.put<ErrorBody>('/v1/merchant/settings', { locations: bad });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.error.message).toMatch(/locations\.2\.latitude.*latitude must be from -90 to 90/);
    expect(ok(await m.api.get<{ locations: unknown[] }>('/v1/merchant/settings'), 200).locations).toEqual([]);

    ok(await m.api.put('/v1/merchant/settings', { locations: shops }), 200);
    ok(await m.api.put('/v1/merchant/settings', { locations: shops.slice(0, 2) }), 200);
    expect(ok(await m.api.get<{ locations: unknown[] }>('/v1/merchant/settings'), 200).locations).toEqual(shops.slice(0, 2));
  });
});

describe('a nearby text on the pass', () => {
  it('puts every shop on the pass with the campaign’s nearby text, then the card’s own text after its end', async () => {
    const { m, customers } = await shop('nearby-pass', 2);
    ok(await m.api.put('/v1/merchant/settings', { locations: shops }), 200);
    const phone = new Phone(file.app, certs.caPath);
    const c = customers[0]!;
    const before = (await phone.addPass(c.walletUrl!)) as unknown as Located;
    expect(before.locations).toEqual(shops.map((s) => ({ latitude: s.latitude, longitude: s.longitude, relevantText: '10 more stamps to Free coffee' })));

    const until = new Date(Date.now() + 4_000);
    await campaign(m, { push: { text: 'Coffee is waiting' }, nearbyText: 'Free coffee waits ☕', nearbyUntil: until.toISOString() });
    const during = (await phone.addPass(c.walletUrl!)) as unknown as Located; // signature verified by openssl
    expect(during.locations).toHaveLength(10);
    expect(during.locations?.every((l) => l.relevantText === 'Free coffee waits ☕')).toBe(true);
    expect(during.relevantDates).toBeUndefined();

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until.getTime() - Date.now() + 200)));
    const after = (await phone.addPass(c.walletUrl!)) as unknown as Located;
    expect(after.locations?.map((l) => l.relevantText)).toEqual(Array(10).fill('10 more stamps to Free coffee'));
  });

  it('makes a dated offer relevant by date, before and since iOS 18, and a later push without one keeps it', async () => {
    const { m, customers } = await shop('nearby-dated', 1);
    ok(await m.api.put('/v1/merchant/settings', { locations: shops.slice(0, 1) }), 200);
    const from = new Date(Date.now() + 3_600_000);
    const until = new Date(from.getTime() + 2 * 3_600_000);
    const graph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast' } },
        {
          id: 'p',
          type: 'push',
          position: { x: 0, y: 100 },
          data: { text: 'Happy hour at 3', nearbyText: 'Happy hour now', nearbyFrom: from.toISOString(), nearbyUntil: until.toISOString() },
        },
      ],
      edges: [{ id: 'e', source: 't', target: 'p' }],
    };
    const { runId } = await startRun(m, await publishedFlow(m, graph, 'happy hour'));
    await waitForStatus(file.app, m.key, runId, FINAL);
    await campaign(m, { push: { text: 'New cakes today' }, messageText: 'Try the plum cake.' });
    const pass = await new Phone(file.app, certs.caPath).addPass(customers[0]!.walletUrl!);
    const located = pass as unknown as Located;
    expect(located.locations).toEqual([{ latitude: shops[0]!.latitude, longitude: shops[0]!.longitude, relevantText: 'Happy hour now' }]);
    expect(located.relevantDate).toBe(from.toISOString());
    expect(located.relevantDates).toEqual([{ startDate: from.toISOString(), endDate: until.toISOString() }]);
    // The later push has a long text: the lock screen says there is more; the back links the card page.
    expect(field(pass, 'message')).toMatchObject({ value: 'New cakes today', changeMessage: '%@ · more on the back of your card' });
    expect(field(pass, 'more')?.value).toBe(customers[0]!.walletUrl);
  });

  it('refuses a nearby text longer than the push rule allows, naming it', async () => {
    const { m } = await shop('nearby-long', 0);
    const res = await m.api.post<ErrorBody>('/v1/campaigns', {
      cardId: m.cardId,
      push: { text: 'Hello' },
      nearbyText: 'This is far too long for a lock screen',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Nearby text is 38 characters; the wallet shows at most 20/);
  });
});
