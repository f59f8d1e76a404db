/**
 * The customer's side of email: the one-click unsubscribe link (GET never unsubscribes,
 * forged tokens change nothing), consent and its history, the merchant's suppressions, and
 * previews and test sends that never count in a run.
 */
import { describe, expect, it } from 'vitest';
import { api, ADMIN_TOKEN, createMerchant, ok, type Customer } from '../e2e/http';
import { WITHOUT_RULES } from '../support/messaging-rules';
import { broadcastGraph } from '../support/graphs';
import { ADDRESS, emailKit, oneClick, unsubscribeUrlOf } from './kit';
import { servedForFile } from './served';

const file = servedForFile();
const { people, run, sentTo, consentOf } = emailKit(file);

describe('the unsubscribe link', () => {
  async function linkFor(name: string) {
    const m = await createMerchant(file.app, name);
    const c = (await people(m, [{ key: 'u', consent: true }])).get('u')!;
    await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    return { m, c, url: unsubscribeUrlOf(sentTo(c)[0]!) };
  }

  it('GET shows a button and never unsubscribes by itself (link scanners)', async () => {
    const { m, c, url } = await linkFor('Scanner café');
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('<form method="post"');
      expect(page).toContain('name="List-Unsubscribe" value="One-Click"');
    }
    expect((await consentOf(m, c)).state).toBe('granted');
  });

  it('a forged or altered token is a 400 and changes nothing; a POST without the one-click body too', async () => {
    const { m, c, url } = await linkFor('Forged café');
    const token = url.slice(url.lastIndexOf('/') + 1);
    const altered = url.replace(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    const otherCustomer = url.replace(token, `${'0'.repeat(32)}${token.slice(32)}`);
    for (const bad of [altered, otherCustomer, `${file.url}/u/nonsense`]) {
      expect((await oneClick(bad)).status).toBe(400);
      expect((await fetch(bad)).status).toBe(400);
    }
    expect((await oneClick(url, 'something=else')).status).toBe(400);
    expect((await consentOf(m, c)).state).toBe('granted');
  });

  it('unsubscribes by POST with no cookies (also multipart, as RFC 8058 shows), and resubscribes from the page', async () => {
    const { m, c, url } = await linkFor('Resubscribe café');
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    expect((await fetch(url, { method: 'POST', body: form })).status).toBe(200);
    expect((await consentOf(m, c)).state).toBe('unsubscribed');
    const page = await (await fetch(url)).text();
    expect(page).toContain('Resubscribe');
    expect((await fetch(`${url}/resubscribe`, { method: 'POST' })).status).toBe(200);
    const consent = await consentOf(m, c);
    expect(consent.state).toBe('granted');
    expect(consent.items.map((i) => i.source)).toEqual(['resubscribe_link', 'unsubscribe_link', 'import']);
  });
});

describe('consent', () => {
  it('keeps its history; the merchant can change it; an import never re-grants it after an unsubscribe', async () => {
    const m = await createMerchant(file.app, 'Consent café');
    const c = (await people(m, [{ key: 'c', consent: true }])).get('c')!;
    expect((await consentOf(m, c)).items.map((i) => `${i.state}/${i.source}`)).toEqual(['granted/import']);
    ok(await m.api.post(`/v1/customers/${c.id}/consent`, { state: 'withdrawn' }), 200);
    ok(await m.api.post(`/v1/customers/${c.id}/consent`, { state: 'withdrawn' }), 200); // no change, no entry
    expect((await consentOf(m, c)).items.map((i) => `${i.state}/${i.source}`)).toEqual([
      'withdrawn/api',
      'granted/import',
    ]);
    expect((await m.api.post(`/v1/customers/${c.id}/consent`, { state: 'maybe' })).status).toBe(400);

    // The customer unsubscribes; a re-import of an old list saying "consent: true" does not undo it.
    ok(await m.api.post(`/v1/customers/${c.id}/consent`, { state: 'granted' }), 200);
    await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    expect((await oneClick(unsubscribeUrlOf(sentTo(c).at(-1)!))).status).toBe(200);
    ok(
      await m.api.post('/v1/customers', {
        customers: [{ externalId: `${m.id}-c`, name: 'Guest c', email: c.email, emailConsent: true, cardId: m.cardId }],
      }),
      201,
    );
    const after = await consentOf(m, c);
    expect(after.state).toBe('unsubscribed');
    expect(after.items.map((i) => `${i.state}/${i.source}`)).toEqual([
      'withdrawn/unsubscribe_link',
      'granted/api',
      'withdrawn/api',
      'granted/import',
    ]);
    // Another merchant cannot read or change it.
    const other = await createMerchant(file.app, 'Other café');
    expect((await other.api.get(`/v1/customers/${c.id}/consent`)).status).toBe(404);
    expect((await other.api.post(`/v1/customers/${c.id}/consent`, { state: 'granted' })).status).toBe(404);
  });
});

describe('suppressions', () => {
  it('are listed per merchant and lifted only with a reason, which is kept', async () => {
    const m = await createMerchant(file.app, 'Suppress café');
    const c = (await people(m, [{ key: 's', consent: true }])).get('s')!;
    await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    await file.postmark.bounce(sentTo(c)[0]!.MessageID, { type: 'HardBounce', description: 'Mailbox not found' });
    const list = ok(
      await m.api.get<{ items: { email: string; reason: string; description: string }[] }>('/v1/suppressions'),
      200,
    );
    expect(list.items).toEqual([
      expect.objectContaining({ email: c.email, reason: 'hard_bounce', description: 'Mailbox not found' }),
    ]);
    const path = `/v1/suppressions/${encodeURIComponent(c.email!)}`;
    const del = (body?: unknown) =>
      file.app.request(path, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${m.key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
    expect((await del()).status).toBe(400);
    const other = await createMerchant(file.app, 'Not theirs café');
    expect(
      (
        await file.app.request(path, {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${other.key}` },
          body: JSON.stringify({ reason: 'mine now' }),
        })
      ).status,
    ).toBe(404);
    expect((await del({ reason: 'Customer fixed their mailbox' })).status).toBe(200);
    expect(ok(await m.api.get<{ items: unknown[] }>('/v1/suppressions'), 200).items).toEqual([]);
    const log = await file.stack.db.selectFrom('suppression_log').selectAll().where('merchant_id', '=', m.id).execute();
    expect(log).toEqual([
      expect.objectContaining({ email: c.email, action: 'removed', reason: 'Customer fixed their mailbox' }),
    ]);
    expect((await del({ reason: 'again' })).status).toBe(404);
  });
});

describe('previews and test sends', () => {
  it('renders a flow\u2019s email step for a chosen customer, and sends a test only to staff, counted in no run', async () => {
    const owner = { email: `owner-${Date.now()}@cafe.test`, password: 'a long secret phrase' };
    const created = ok(
      await api(file.app, ADMIN_TOKEN).post<{ id: string; apiKey: string }>('/v1/merchants', {
        name: 'Test-send café',
        timezone: 'Europe/Berlin',
        messagingRules: WITHOUT_RULES,
        owner,
      }),
      201,
    );
    const m = api(file.app, created.apiKey);
    const card = ok(
      await m.post<{ id: string }>('/v1/cards', { name: 'Coffee card', stampsRequired: 10, reward: 'Free coffee' }),
      201,
    );
    ok(await m.put('/v1/merchant/settings', { postalAddress: ADDRESS }), 200);
    ok(
      await m.post('/v1/customers', {
        customers: [
          { externalId: 'zoe', name: 'Zoë <b>Bold</b>', email: 'zoe@mail.test', emailConsent: true, cardId: card.id },
        ],
      }),
      201,
    );
    const zoe = ok(await m.get<{ items: Customer[] }>('/v1/customers'), 200).items[0]!;
    const flow = ok(
      await m.post<{ id: string }>('/v1/flows', {
        name: 'Draft',
        graph: broadcastGraph({ email: { subject: 'Hi {{customer.name}}', body: 'You have {{stampsLeft}} to go.' } }),
      }),
      201,
    );

    const preview = ok(
      await m.post<{ subject: string; html: string; text: string }>(`/v1/flows/${flow.id}/preview`, {
        nodeId: 'email',
        customerId: zoe.id,
      }),
      200,
    );
    expect(preview.subject).toBe('Hi Zoë <b>Bold</b>');
    expect(preview.html).toContain('Zoë &lt;b&gt;Bold&lt;/b&gt;');
    expect(preview.html).not.toContain('<b>Bold</b>');
    expect(preview.text).toContain('Kastanienallee 12');
    expect((await m.post(`/v1/flows/${flow.id}/preview`, { nodeId: 'nope' })).status).toBe(404);

    const before = file.postmark.sent.length;
    expect((await m.post(`/v1/flows/${flow.id}/test-send`, { nodeId: 'email', to: 'stranger@else.test' })).status).toBe(
      422,
    );
    const sent = ok(
      await m.post<{ to: string; test: boolean }>(`/v1/flows/${flow.id}/test-send`, {
        nodeId: 'email',
        to: owner.email,
        customerId: zoe.id,
      }),
      202,
    );
    expect(sent).toMatchObject({ to: owner.email, test: true });
    const got = file.postmark.sent.slice(before);
    expect(got).toEqual([
      expect.objectContaining({
        To: owner.email,
        Subject: '[Test] Hi Zoë <b>Bold</b>',
        Tag: 'test',
        MessageStream: 'outbound',
      }),
    ]);
    expect(got[0]?.Metadata).toMatchObject({ test: 'true' });
    const rows = await file.stack.db
      .selectFrom('deliveries')
      .innerJoin('runs', 'runs.id', 'deliveries.run_id')
      .select('deliveries.customer_id')
      .where('runs.merchant_id', '=', created.id)
      .execute();
    expect(rows).toEqual([]);
  });
});
