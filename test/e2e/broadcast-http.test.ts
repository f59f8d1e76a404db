/**
 * Broadcasts end to end through the HTTP API only: real Postgres, a real worker, the
 * real Temporal dev server; email goes to the built-in outbox (no Postmark token).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import {
  allPages,
  createMerchant,
  importCustomers,
  ok,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  step,
  waitForStatus,
  type Customer,
  type Delivery,
  type ErrorBody,
  type Merchant,
  type OutboxMessage,
  type Page,
  type RunReport,
} from './http';

const file = stackForFile();

const FINAL = ['completed', 'failed', 'cancelled'] as const;

interface Row {
  externalId: string;
  name: string;
  cardId: string;
  stamps: number;
  email?: string | null;
  emailConsent?: boolean;
  birthday?: string;
}

/** 1,000 customers: every 10th without an address (left out or null), consent false or left out for some. */
function customerRow(i: number, cardId: string): Row {
  const row: Row = { externalId: `pos-${i}`, name: `Customer ${i}`, cardId, stamps: i % 10 };
  if (i % 20 === 10) row.email = null;
  else if (i % 20 !== 0) row.email = i % 7 === 0 ? `C${i}@Example.TEST` : `c${i}@example.test`;
  if (i % 10 === 5) row.emailConsent = false;
  else if (i % 50 !== 7) row.emailConsent = true; // i % 50 === 7: consent left out, so false
  if (i % 100 === 3) row.birthday = i % 200 === 3 ? '05-17' : '1990-02-28';
  return row;
}
/** Why the email step must skip this customer, or null when it can be mailed. */
const skipReason = (r: Row) => (!r.email ? 'no_email' : r.emailConsent !== true ? 'no_consent' : null);

describe('a 1,000-customer broadcast by push and email', () => {
  let m: Merchant;
  let rows: Row[];
  let byExt: Map<string, Customer>;
  let runId: string;
  let report: RunReport;
  const N = 1_000;
  const mailable = () => rows.filter((r) => skipReason(r) === null);

  beforeAll(async () => {
    m = await createMerchant(file.app);
    rows = Array.from({ length: N }, (_, i) => customerRow(i, m.cardId));
    byExt = await importCustomers(m, rows);
    const email = { subject: 'Hi {{customer.name}}', body: '{{stampsLeft}} stamps to go on your {{card.name}}.' };
    const flowId = await publishedFlow(m, broadcastGraph({ push: 'Double stamps today', email }));
    runId = (await startRun(m, flowId)).runId;
    report = await waitForStatus(file.app, m.key, runId, FINAL);
  });

  it('pushes to every card holder and emails only customers who can be mailed', () => {
    const E = mailable().length;
    expect(E).toBe(780); // the fixture: 100 without an address, 120 without consent
    expect(report.status).toBe('completed');
    expect(report.counts).toEqual({ members: N, sent: N + E, skipped: N - E, failed: 0, suppressed: 0 });
    expect(report.steps).toEqual({
      trigger: step({ entered: N }),
      push: step({ entered: N, sent: N }),
      email: step({ entered: N, sent: E, skipped: N - E }),
    });
  });

  it("answers why a customer got no email: exactly that customer's deliveries", async () => {
    const cases = [
      [1, null],
      [14, null],
      [5, 'no_consent'],
      [7, 'no_consent'],
      [10, 'no_email'],
      [20, 'no_email'],
    ] as const;
    for (const [i, reason] of cases) {
      const row = rows[i] as Row;
      expect(skipReason(row)).toBe(reason); // the fixture: 5 says no, 7 leaves consent out, 10 has null, 20 no address
      const id = byExt.get(row.externalId)?.id as string;
      const page = ok(await m.api.get<Page<Delivery>>(`/v1/runs/${runId}/deliveries?customerId=${id}`), 200);
      const base = {
        customerId: id,
        customerName: row.name,
        customerEmail: row.email ? row.email.toLowerCase() : null,
        attempts: 1,
        at: expect.any(String),
      };
      expect(page).toEqual({
        items: [
          reason
            ? { ...base, nodeId: 'email', channel: 'email', status: 'skipped', reason }
            : {
                ...base,
                nodeId: 'email',
                channel: 'email',
                status: 'sent',
                providerMessageId: expect.stringMatching(/^outbox:/),
                // The subject as sent, from the outbox that captured it.
                subject: `Hi ${row.name}`,
              },
          { ...base, nodeId: 'push', channel: 'push', status: 'sent', providerMessageId: expect.any(String) },
        ],
      });
    }
  });

  it('pages through all 2,000 deliveries with limit and cursor, without repeats', async () => {
    const seen = new Set<string>();
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(
        await m.api.get<Page<Delivery>>(`/v1/runs/${runId}/deliveries?limit=300${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      sizes.push(page.items.length);
      for (const d of page.items) seen.add(`${d.customerId}/${d.nodeId}/${d.channel}`);
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([300, 300, 300, 300, 300, 300, 200]);
    expect(seen.size).toBe(2 * N);
    for (const c of byExt.values()) expect(seen.has(`${c.id}/push/push`) && seen.has(`${c.id}/email/email`)).toBe(true);
  });

  it('filters the deliveries by status: the skipped emails and their reasons', async () => {
    const skipped = await runDeliveries(m, runId, 'status=skipped');
    const expected = rows.filter((r) => skipReason(r) !== null);
    expect(skipped).toHaveLength(expected.length);
    expect(skipped.every((d) => d.status === 'skipped' && d.channel === 'email')).toBe(true);
    const got = new Map(skipped.map((d) => [d.customerId, d.reason]));
    for (const r of expected) expect(got.get(byExt.get(r.externalId)?.id as string)).toBe(skipReason(r));
  });

  it('shows the emails in the outbox, one per mailable customer, rendered for each', async () => {
    const emails = ok(await m.api.get<Page<OutboxMessage>>('/v1/outbox?channel=email&limit=1000'), 200);
    expect(emails.nextCursor).toBeUndefined();
    const byRecipient = new Map(mailable().map((r) => [String(r.email).toLowerCase(), r]));
    expect(emails.items.map((e) => e.recipient).sort()).toEqual([...byRecipient.keys()].sort());
    for (const e of emails.items) {
      const r = byRecipient.get(e.recipient) as Row;
      expect(e).toMatchObject({ channel: 'email', subject: `Hi ${r.name}` });
      // The body, then the footer with the shop's name and the customer's own unsubscribe link.
      const [body, footer] = e.body.split('\n\n-- \n');
      expect(body).toBe(`${10 - r.stamps} stamps to go on your Coffee card.`);
      expect(footer).toMatch(
        /^E2E Café\nUnsubscribe: http:\/\/localhost:3000\/u\/[0-9a-f]{32}\.[0-9a-f]{32}\.[\w-]{22}\n$/,
      );
    }
    // Pages of 300 over 1,000 pushes written 500 to a transaction (so sharing created_at).
    const pushes = await allPages<OutboxMessage>(m.api, '/v1/outbox?channel=push', 300);
    expect(new Set(pushes.map((p) => p.id)).size).toBe(N);
    expect(pushes.map((p) => p.recipient).sort()).toEqual([...byExt.values()].map((c) => c.pass?.serialNumber).sort());
  });

  it("puts the push message on the customer's pass with update tag 1", async () => {
    const c = ok(await m.api.get<Customer>(`/v1/customers/${byExt.get('pos-5')?.id}`), 200);
    expect(c).toMatchObject({ externalId: 'pos-5', emailConsent: false, stamps: 5 });
    expect(c.pass).toMatchObject({ message: 'Double stamps today', voucherCode: null });
    expect(c.pass?.updateTag).toBeGreaterThan(0); // moved off the import's 0: devices fetch the pass
  });
});

describe('vouchers in a broadcast', () => {
  it("mails each customer the code of that customer's own voucher, all codes unique", async () => {
    const m = await createMerchant(file.app, 'Voucher Café');
    const n = 40;
    const rows = Array.from({ length: n }, (_, i) => ({
      externalId: `v-${i}`,
      name: `V ${i}`,
      cardId: m.cardId,
      email: `v${i}@example.test`,
      emailConsent: true,
    }));
    const before = await importCustomers(m, rows);
    const graph = broadcastGraph({
      voucher: { title: 'Free cookie', validDays: 14 },
      push: 'A cookie on us',
      email: { subject: 'Your cookie', body: 'Show {{voucher.code}} at the till.' },
    });
    const run = await waitForStatus(file.app, m.key, (await startRun(m, await publishedFlow(m, graph))).runId, FINAL);
    expect(run.counts).toEqual({ members: n, sent: 2 * n, skipped: 0, failed: 0, suppressed: 0 });
    expect(run.steps['voucher']).toEqual(step({ entered: n }));

    const customers = await allPages<Customer>(m.api, '/v1/customers', 1000);
    const codeOf = new Map(customers.map((c) => [c.email, c.pass?.voucherCode]));
    const emails = await allPages<OutboxMessage>(m.api, '/v1/outbox?channel=email', 1000);
    expect(emails).toHaveLength(n);
    const codes = emails.map((e) => {
      const code = /^Show (SF-[A-Z2-9]{4}-[A-Z2-9]{4}) at the till\.\n/.exec(e.body)?.[1];
      expect(code).toBe(codeOf.get(e.recipient));
      return code;
    });
    expect(new Set(codes).size).toBe(n);
    expect(before.size).toBe(n);
  });
});

describe('errors through HTTP', () => {
  it('rejects publishing an invalid flow with the diagnostic on its node, and starting it', async () => {
    const m = await createMerchant(file.app, 'Errors');
    const diagnostic = {
      nodeId: 'push',
      field: 'text',
      code: 'invalid_value',
      message: 'Push text is 25 characters; the wallet shows at most 20.',
    };
    const graph = broadcastGraph({ push: 'Twenty-five characters!!!' });
    const flow = ok(
      await m.api.post<{ id: string; diagnostics: unknown[] }>('/v1/flows', { name: 'Too long', graph }),
      201,
    );
    expect(flow.diagnostics).toEqual([diagnostic]);
    const published = await m.api.post<ErrorBody>(`/v1/flows/${flow.id}/publish`);
    expect(published.status).toBe(422);
    expect(published.body.error).toEqual({
      code: 'unprocessable',
      message: 'The flow has 1 problem; fix them to publish',
      details: { diagnostics: [diagnostic] },
    });
    const start = await m.api.post<ErrorBody>(`/v1/flows/${flow.id}/runs`);
    expect([start.status, start.body.error.code]).toEqual([409, 'conflict']);
  });

  it('answers 409 for a valid flow that was never published, and 422 for a card of another merchant', async () => {
    const m = await createMerchant(file.app, 'Drafts');
    const other = await createMerchant(file.app, 'Neighbour');
    const draft = ok(
      await m.api.post<{ id: string }>('/v1/flows', { name: 'Draft', graph: broadcastGraph({ push: 'Hi' }) }),
      201,
    );
    const start = await m.api.post<ErrorBody>(`/v1/flows/${draft.id}/runs`);
    expect(start.status).toBe(409);
    expect(start.body.error.message).toBe('This flow has no published version: publish the flow first');

    const foreign = ok(
      await m.api.post<{ id: string }>('/v1/flows', {
        name: 'Foreign',
        graph: broadcastGraph({ cardId: other.cardId, push: 'Hi' }),
      }),
      201,
    );
    const published = await m.api.post<ErrorBody>(`/v1/flows/${foreign.id}/publish`);
    expect(published.status).toBe(422);
    expect(published.body.error.details).toEqual({
      diagnostics: [expect.objectContaining({ nodeId: 'trigger', field: 'cardId', code: 'invalid_value' })],
    });
  });

  it("answers 404 for another merchant's run and flow", async () => {
    const m = await createMerchant(file.app, 'Owner');
    const other = await createMerchant(file.app, 'Snoop');
    await importCustomers(m, [{ externalId: 'o-1', name: 'Only one', cardId: m.cardId }]);
    const flowId = await publishedFlow(m, broadcastGraph({ push: 'Mine' }));
    const { runId } = await startRun(m, flowId);
    expect((await waitForStatus(file.app, m.key, runId, FINAL)).counts).toMatchObject({ members: 1, sent: 1 });
    for (const answer of [
      await other.api.get<ErrorBody>(`/v1/runs/${runId}`),
      await other.api.get<ErrorBody>(`/v1/runs/${runId}/deliveries`),
      await other.api.post<ErrorBody>(`/v1/runs/${runId}/cancel`),
      await other.api.post<ErrorBody>(`/v1/flows/${flowId}/runs`),
    ]) {
      expect([answer.status, answer.body.error.code]).toEqual([404, 'not_found']);
    }
  });
});
