/**
 * What the email tests do over and over: merchants with a postal address, customers with or
 * without consent, runs to completion, the messages Postmark accepted for a customer, and
 * what a mail provider does with a message's `List-Unsubscribe` header.
 */
import { expect } from 'vitest';
import {
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
import type { SentMessage } from '../postmark-server';
import type { Served } from './served';

export const FINAL = ['completed', 'failed', 'cancelled'] as const;
export const ADDRESS = 'Bean There Café\nKastanienallee 12\n10435 Berlin';

export const header = (m: SentMessage, name: string) => m.Headers?.find((h) => h.Name === name)?.Value;
/** The one-click URL of a message, from its `List-Unsubscribe: <url>` header. */
export const unsubscribeUrlOf = (m: SentMessage) => /^<(.+)>$/.exec(header(m, 'List-Unsubscribe') ?? '')?.[1] ?? '';

/** What a mail provider does on "Unsubscribe": an RFC 8058 POST, no cookies, no session. */
export const oneClick = (url: string, body = 'List-Unsubscribe=One-Click') =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });

export const byCustomerAndStep = (ds: readonly Delivery[]) =>
  new Map(ds.map((d) => [`${d.customerId}/${d.nodeId}`, d]));

/** The helpers bound to a file's served stack (read its fields inside tests only). */
export function emailKit(file: Served) {
  /** A merchant whose emails carry a postal address in the footer. */
  async function merchant(name: string): Promise<Merchant> {
    const m = await createMerchant(file.app, name);
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

  async function consentOf(m: Merchant, c: Customer) {
    return ok(
      await m.api.get<{ state: string; items: { state: string; source: string; at: string }[] }>(
        `/v1/customers/${c.id}/consent`,
      ),
      200,
    );
  }

  return { merchant, people, run, sentTo, consentOf };
}
