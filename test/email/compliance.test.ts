/**
 * Email as mailbox providers and the law want it, end to end over real HTTP: the real
 * Postmark client sends to the local Postmark server, which posts its webhooks back to the
 * served API (basic auth) exactly as Postmark does; customers unsubscribe by POSTing the
 * `List-Unsubscribe` URL their email carries, with no cookies. Counts are taken at the
 * Postmark server beside the delivery rows.
 */
import { describe, expect, it } from 'vitest';
import { createMerchant, ok, publishedFlow, runDeliveries, startRun, waitForStatus, type Customer } from '../e2e/http';
import { journey, node } from '../journeys/graphs';
import { broadcastGraph } from '../support/graphs';
import { byCustomerAndStep, emailKit, FINAL, header, oneClick, unsubscribeUrlOf } from './kit';
import { servedForFile } from './served';

const file = servedForFile();
const { people, run, sentTo, consentOf, merchant } = emailKit(file);

describe('a broadcast to a real-world mix of customers', () => {
  it('sends only to those it may, says for every other why not, and every email carries a working one-click unsubscribe', async () => {
    const m = await merchant('Mix café');
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
