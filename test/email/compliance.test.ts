/**
 * Email as mailbox providers and the law want it, end to end over real HTTP: the real
 * Postmark client sends to the local Postmark server, which posts its webhooks back to the
 * served API (basic auth) exactly as Postmark does; customers unsubscribe by POSTing the
 * `List-Unsubscribe` URL their email carries, with no cookies. Counts are taken at the
 * Postmark server beside the delivery rows.
 */
import { describe, expect, it } from 'vitest';
import {
  api,
  ADMIN_TOKEN,
  createMerchant,
  importCustomers,
  ok,
  publishedFlow,
  runDeliveries,
  startRun,
  waitForStatus,
  type Customer,
  type Delivery,
  type Merchant,
} from '../e2e/http';
import { journey, node } from '../journeys/graphs';
import type { SentMessage } from '../postmark-server';
import { broadcastGraph } from '../support/graphs';
import { servedForFile, WEBHOOK_AUTH } from './served';

const file = servedForFile();
const FINAL = ['completed', 'failed', 'cancelled'] as const;
const ADDRESS = 'Bean There Café\nKastanienallee 12\n10435 Berlin';

/** The merchant's postal address for the footer, through the API. */
async function withAddress(m: Merchant): Promise<Merchant> {
  ok(await m.api.put('/v1/merchant/settings', { postalAddress: ADDRESS }), 200);
  return m;
}

async function people(
  m: Merchant,
  rows: readonly { key: string; consent: boolean; email?: string }[],
): Promise<Map<string, Customer>> {
  const byExt = await importCustomers(
    m,
    rows.map((r) => ({
      externalId: `${m.id}-${r.key}`,
      name: `Guest ${r.key}`,
      email: r.email ?? `${r.key}-${m.id.slice(0, 8)}@mail.test`,
      emailConsent: r.consent,
      cardId: m.cardId,
    })),
  );
  return new Map(rows.map((r) => [r.key, byExt.get(`${m.id}-${r.key}`)!]));
}

async function run(m: Merchant, graph: unknown, name: string): Promise<{ runId: string; deliveries: Delivery[] }> {
  const flowId = await publishedFlow(m, graph as never, name);
  const { runId } = await startRun(m, flowId);
  const report = await waitForStatus(file.app, m.key, runId, FINAL, 60_000);
  expect(report.status).toBe('completed');
  return { runId, deliveries: await runDeliveries(m, runId) };
}

/** The messages Postmark accepted for a customer (optionally of one step). */
const sentTo = (c: Customer, nodeId?: string): SentMessage[] =>
  file.postmark.sent.filter(
    (s) => s.Metadata?.customerId === c.id && (nodeId === undefined || s.Metadata?.nodeId === nodeId),
  );

const header = (m: SentMessage, name: string) => m.Headers?.find((h) => h.Name === name)?.Value;
/** The one-click URL of a message, from its `List-Unsubscribe: <url>` header. */
const unsubscribeUrlOf = (m: SentMessage) => /^<(.+)>$/.exec(header(m, 'List-Unsubscribe') ?? '')?.[1] ?? '';

/** What a mail provider does on "Unsubscribe": an RFC 8058 POST, no cookies, no session. */
const oneClick = (url: string, body = 'List-Unsubscribe=One-Click') =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });

async function consentOf(m: Merchant, c: Customer) {
  return ok(
    await m.api.get<{ state: string; items: { state: string; source: string; at: string }[] }>(
      `/v1/customers/${c.id}/consent`,
    ),
    200,
  );
}

const byCustomerAndStep = (ds: readonly Delivery[]) => new Map(ds.map((d) => [`${d.customerId}/${d.nodeId}`, d]));

describe('a broadcast to a real-world mix of customers', () => {
  it('sends only to those it may, says for every other why not, and every email carries a working one-click unsubscribe', async () => {
    const m = await withAddress(await createMerchant(file.app, 'Mix café'));
    const c = await people(m, [
      { key: 'ok', consent: true },
      { key: 'late', consent: true }, // unsubscribes mid-journey
      { key: 'never', consent: false },
      { key: 'bouncer', consent: true },
      { key: 'complainer', consent: true },
      { key: 'early', consent: true }, // unsubscribes before
    ]);
    const [ok1, late, never, bouncer, complainer, early] = [
      'ok',
      'late',
      'never',
      'bouncer',
      'complainer',
      'early',
    ].map((k) => c.get(k)!) as [Customer, Customer, Customer, Customer, Customer, Customer];

    // A first broadcast; then Postmark reports a hard bounce and a complaint, and one customer unsubscribes.
    const welcome = await run(
      m,
      broadcastGraph({ email: { subject: 'Welcome {{customer.name}}', body: 'Nice to see you.' } }),
      'welcome',
    );
    expect(welcome.deliveries.filter((d) => d.status === 'sent').length).toBe(5);
    expect(
      await file.postmark.bounce(sentTo(bouncer)[0]!.MessageID, {
        type: 'HardBounce',
        inactive: true,
        description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
      }),
    ).toBe(200);
    expect(await file.postmark.complain(sentTo(complainer)[0]!.MessageID)).toBe(200);
    expect((await oneClick(unsubscribeUrlOf(sentTo(early)[0]!))).status).toBe(200);

    const welcomeNow = byCustomerAndStep(await runDeliveries(m, welcome.runId));
    expect(welcomeNow.get(`${bouncer.id}/email`)).toMatchObject({
      status: 'bounced',
      providerEvent: { description: expect.stringContaining('HardBounce') },
    });
    expect(welcomeNow.get(`${complainer.id}/email`)).toMatchObject({ status: 'complained' });

    // A journey: email A, a wait, email B. `late` unsubscribes from email A's header during the wait.
    const graph = journey({ trigger: 'broadcast' }, [
      node('a', 'email', { subject: 'Coffee time, {{customer.name}}', body: 'Come by for a flat white.' }),
      node('w', 'wait', { for: { seconds: 4 } }),
      node('b', 'email', { subject: 'Last call', body: 'Still time for that coffee.' }),
    ]);
    const flowId = await publishedFlow(m, graph, 'journey');
    const { runId } = await startRun(m, flowId);
    const deadline = Date.now() + 30_000;
    while (sentTo(late, 'a').length === 0) {
      if (Date.now() > deadline) throw new Error('email A never reached `late`');
      await new Promise((r) => setTimeout(r, 50));
    }
    const lateA = sentTo(late, 'a')[0]!;
    expect((await oneClick(unsubscribeUrlOf(lateA))).status).toBe(200);
    expect((await consentOf(m, late)).state).toBe('unsubscribed');
    const report = await waitForStatus(file.app, m.key, runId, FINAL, 60_000);
    expect(report.status).toBe('completed');

    const d = byCustomerAndStep(await runDeliveries(m, runId));
    const said = (who: Customer, step: string) => {
      const x = d.get(`${who.id}/${step}`);
      return `${x?.status}${x?.reason ? ` ${x.reason}` : ''}`;
    };
    expect([ok1, late, never, bouncer, complainer, early].map((who) => [said(who, 'a'), said(who, 'b')])).toEqual([
      ['sent', 'sent'],
      ['sent', 'skipped unsubscribed'],
      ['skipped no_consent', 'skipped no_consent'],
      ['suppressed suppressed: hard_bounce', 'suppressed suppressed: hard_bounce'],
      ['suppressed suppressed: spam_complaint', 'suppressed suppressed: spam_complaint'],
      ['skipped unsubscribed', 'skipped unsubscribed'],
    ]);
    // At Postmark, for this run: exactly those three messages.
    const journeyMessages = file.postmark.sent.filter((s) => s.Metadata?.runId === runId);
    expect(journeyMessages.map((s) => `${s.Metadata?.customerId}/${s.Metadata?.nodeId}`).sort()).toEqual(
      [`${ok1.id}/a`, `${ok1.id}/b`, `${late.id}/a`].sort(),
    );

    // Every email this merchant sent carries the one-click pair, and the same URL in its footer.
    const all = file.postmark.sent.filter((s) => [welcome.runId, runId].includes(s.Metadata?.runId ?? ''));
    expect(all.length).toBe(8);
    for (const s of all) {
      const url = unsubscribeUrlOf(s);
      expect(url).toMatch(new RegExp(`^${file.url}/u/[0-9a-f]{32}\\.[0-9a-f]{32}\\.[\\w-]{22}$`));
      expect(header(s, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(s.HtmlBody).toContain(`href="${url}"`);
      expect(s.TextBody).toContain(url);
      expect(s.TextBody).toContain('Kastanienallee 12');
      expect(s.HtmlBody).toContain('10435 Berlin');
    }
    // …and it works: ok's link from email B unsubscribes ok.
    expect((await oneClick(unsubscribeUrlOf(sentTo(ok1, 'b')[0]!))).status).toBe(200);
    expect((await consentOf(m, ok1)).items[0]).toMatchObject({ state: 'withdrawn', source: 'unsubscribe_link' });
  });
});

describe('Postmark webhooks', () => {
  const post = (body: unknown, auth?: string) =>
    fetch(`${file.url}/webhooks/postmark`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('refuse wrong or missing credentials (401) and change nothing', async () => {
    const m = await createMerchant(file.app, 'Webhook auth café');
    const c = (await people(m, [{ key: 'a', consent: true }])).get('a')!;
    await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    const message = sentTo(c)[0]!;
    const complaint = {
      RecordType: 'SpamComplaint',
      MessageID: message.MessageID,
      Email: message.To,
      BouncedAt: new Date().toISOString(),
      Type: 'SpamComplaint',
    };
    expect((await post(complaint)).status).toBe(401);
    expect((await post(complaint, basic(WEBHOOK_AUTH.user, 'wrong-password-xx'))).status).toBe(401);
    expect((await consentOf(m, c)).state).toBe('granted');
    expect(ok(await m.api.get<{ items: unknown[] }>('/v1/suppressions'), 200).items).toEqual([]);
  });

  it('answer 400 to a malformed payload and 200 to an event for a message nobody sent', async () => {
    const auth = basic(WEBHOOK_AUTH.user, WEBHOOK_AUTH.password);
    expect((await post('{not json', auth)).status).toBe(400);
    expect((await post({ RecordType: 'Nonsense', MessageID: 'x' }, auth)).status).toBe(400);
    const unknown = await post(
      {
        RecordType: 'Delivery',
        MessageID: '00000000-0000-4000-8000-000000000000',
        Recipient: 'x@y.test',
        DeliveredAt: new Date().toISOString(),
      },
      auth,
    );
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ result: 'unknown_message' });
  });

  it('move a delivery to delivered once, and a replayed complaint changes nothing more', async () => {
    const m = await createMerchant(file.app, 'Replay café');
    const c = await people(m, [
      { key: 'd', consent: true },
      { key: 'x', consent: true },
    ]);
    const { runId } = await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    const delivered = sentTo(c.get('d')!)[0]!;
    expect(await file.postmark.deliver(delivered.MessageID)).toBe(200);
    expect(await file.postmark.replay()).toBe(200);
    expect(await file.postmark.open(delivered.MessageID)).toBe(200);
    expect(await file.postmark.click(delivered.MessageID, 'https://cafe.test/menu')).toBe(200);
    const complained = sentTo(c.get('x')!)[0]!;
    expect(await file.postmark.complain(complained.MessageID)).toBe(200);
    expect(await file.postmark.replay()).toBe(200);

    const d = byCustomerAndStep(await runDeliveries(m, runId));
    expect(d.get(`${c.get('d')!.id}/email`)).toMatchObject({
      status: 'delivered',
      providerEvent: { at: expect.any(String) },
      openedAt: expect.any(String),
      clickedAt: expect.any(String),
    });
    expect(d.get(`${c.get('x')!.id}/email`)).toMatchObject({ status: 'complained' });
    const history = await consentOf(m, c.get('x')!);
    expect(history.items.map((i) => `${i.state}/${i.source}`)).toEqual([
      'withdrawn/provider_complaint',
      'granted/import',
    ]);
    const suppressions = ok(
      await m.api.get<{ items: { email: string; reason: string }[] }>('/v1/suppressions'),
      200,
    ).items;
    expect(suppressions).toEqual([expect.objectContaining({ email: complained.To, reason: 'spam_complaint' })]);
  });

  it('mirror a suppression made on Postmark\u2019s side both ways', async () => {
    const m = await createMerchant(file.app, 'Mirror café');
    const c = (await people(m, [{ key: 'a', consent: true }])).get('a')!;
    await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    const message = sentTo(c)[0]!;
    expect(
      await file.postmark.subscriptionChange(message.MessageID, { suppress: true, reason: 'ManualSuppression' }),
    ).toBe(200);
    expect(ok(await m.api.get<{ items: { reason: string }[] }>('/v1/suppressions'), 200).items).toEqual([
      expect.objectContaining({ reason: 'provider_suppression' }),
    ]);
    expect((await consentOf(m, c)).items[0]).toMatchObject({
      state: 'withdrawn',
      source: 'provider_subscription_change',
    });
    expect(await file.postmark.subscriptionChange(message.MessageID, { suppress: false })).toBe(200);
    expect(ok(await m.api.get<{ items: unknown[] }>('/v1/suppressions'), 200).items).toEqual([]);
    const reactivation = file.postmark.webhooksPosted.at(-1)!.payload;

    // Suppressed again later; then Postmark retries the old reactivation: it must change nothing.
    expect(await file.postmark.subscriptionChange(message.MessageID, { suppress: true, reason: 'HardBounce' })).toBe(
      200,
    );
    expect(await file.postmark.replay(reactivation)).toBe(200);
    expect(ok(await m.api.get<{ items: { reason: string }[] }>('/v1/suppressions'), 200).items).toEqual([
      expect.objectContaining({ reason: 'hard_bounce' }),
    ]);
  });
});

describe('a hard bounce', () => {
  it('suppresses the next broadcast to that address for that merchant only', async () => {
    const shared = 'shared-inbox@mail.test';
    const x = await createMerchant(file.app, 'Bounce X');
    const y = await createMerchant(file.app, 'Bounce Y');
    const cx = (await people(x, [{ key: 's', consent: true, email: shared }])).get('s')!;
    const cy = (await people(y, [{ key: 's', consent: true, email: shared }])).get('s')!;
    await run(x, broadcastGraph({ email: { subject: 'X1', body: '.' } }), 'x1');
    expect(await file.postmark.bounce(sentTo(cx)[0]!.MessageID, { type: 'HardBounce', inactive: false })).toBe(200);
    // Postmark's own list is server-wide in the stand-in; Stampflow's decision is per merchant.
    file.postmark.inactiveRecipients.delete(shared);

    const xNext = await run(x, broadcastGraph({ email: { subject: 'X2', body: '.' } }), 'x2');
    const yNext = await run(y, broadcastGraph({ email: { subject: 'Y1', body: '.' } }), 'y1');
    expect(xNext.deliveries).toEqual([
      expect.objectContaining({ customerId: cx.id, status: 'suppressed', reason: 'suppressed: hard_bounce' }),
    ]);
    expect(yNext.deliveries).toEqual([expect.objectContaining({ customerId: cy.id, status: 'sent' })]);
    expect(sentTo(cy).map((s) => s.Subject)).toEqual(['Y1']);
    expect(ok(await y.api.get<{ items: unknown[] }>('/v1/suppressions'), 200).items).toEqual([]);
  });
});

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
