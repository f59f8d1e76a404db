/**
 * Campaigns through the HTTP API on the real stack (Postgres, a worker, the real Temporal dev
 * server): a one-off broadcast becomes a published single-step flow and a run in one call,
 * all or nothing, and the list shows its run's status and counts.
 */
import { Client, Connection } from '@temporalio/client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/api/app';
import { log } from '../../engine/log';
import { createRunLauncher } from '../../server/temporal/run-launcher';
import { formatShortLocal } from '../../engine/time/zoned';
import {
  ADMIN_TOKEN,
  api,
  createMerchant,
  importCustomers,
  ok,
  stackForFile,
  waitForStatus,
  type ErrorBody,
  type Merchant,
  type Page,
} from '../e2e/http';

const file = stackForFile();
const FINAL = ['completed', 'failed', 'cancelled'] as const;

interface Campaign {
  id: string;
  name: string;
  cardId: string;
  cardName: string;
  channels: ('push' | 'email')[];
  voucher: boolean;
  status: string;
  sendAt: string | null;
  createdAt: string;
  runId: string;
  counts: { members: number; sent: number; failed: number; skipped: number; suppressed: number };
  reached: { customers: number; push: number; email: number; telegram: number };
}
interface Created {
  id: string;
  name: string;
  runId: string;
  status: string;
}

const flowsOf = (merchantId: string) =>
  file.stack.db.selectFrom('flows').select(['id', 'kind']).where('merchant_id', '=', merchantId).execute();

describe('launching a campaign', () => {
  let m: Merchant;
  let other: Merchant;
  let made: Created;
  let otherCardId: string;
  const HOLDERS = 12;

  beforeAll(async () => {
    m = await createMerchant(file.app, 'Campaign Café');
    other = await createMerchant(file.app, 'Other Café');
    otherCardId = ok(await m.api.post<{ id: string }>('/v1/cards', { name: 'Tea card', stampsRequired: 8, reward: 'Free tea' }), 201).id;
    await importCustomers(m, [
      ...Array.from({ length: HOLDERS }, (_, i) => ({
        externalId: `c-${i}`,
        name: `C ${i}`,
        cardId: m.cardId,
        email: `c${i}@example.test`,
        emailConsent: i % 4 !== 0, // 3 of 12 without consent
      })),
      { externalId: 'tea', name: 'Tea drinker', cardId: otherCardId, email: 'tea@example.test', emailConsent: true },
    ]);
  });

  it('rejects a push longer than 20 characters with the compiler diagnostic and writes nothing', async () => {
    const answer = await m.api.post<ErrorBody>('/v1/campaigns', { cardId: m.cardId, push: { text: 'Twenty-five characters!!!' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'bad_request',
      message: 'The campaign has 1 problem: Push text is 25 characters; the wallet shows at most 20.',
      details: {
        diagnostics: [
          { nodeId: 'push', field: 'text', code: 'invalid_value', message: 'Push text is 25 characters; the wallet shows at most 20.' },
        ],
      },
    });
    expect(await flowsOf(m.id)).toEqual([]);
  });

  it('names the field of a malformed body, and answers 404 for a card of another merchant', async () => {
    const noPush = await m.api.post<ErrorBody>('/v1/campaigns', { cardId: m.cardId });
    expect([noPush.status, noPush.body.error.message]).toEqual([400, expect.stringContaining('at push')]);
    const badTime = await m.api.post<ErrorBody>('/v1/campaigns', { cardId: m.cardId, push: { text: 'Hi' }, sendAt: 'tomorrow' });
    expect([badTime.status, badTime.body.error.message]).toEqual([400, expect.stringContaining('at sendAt')]);
    const foreign = await m.api.post<ErrorBody>('/v1/campaigns', { cardId: other.cardId, push: { text: 'Hi' } });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
    expect(await flowsOf(m.id)).toEqual([]);
  });

  it("publishes and runs a push, voucher and email campaign to exactly the card's holders", async () => {
    const before = new Date();
    made = ok(
      await m.api.post<Created>('/v1/campaigns', {
        cardId: m.cardId,
        push: { text: "Coffee's waiting ☕" },
        voucher: { title: 'Free coffee', validDays: 7 },
        email: { subject: 'A coffee for {{customer.name}}', body: 'Show {{voucher.code}} at the till.' },
      }),
      201,
    );
    const minute = (d: Date) => formatShortLocal(d, 'Europe/Berlin', true);
    expect([`Coffee card · ${minute(before)}`, `Coffee card · ${minute(new Date())}`]).toContain(made.name);
    expect(made).toEqual({ id: expect.any(String), name: made.name, runId: expect.any(String), status: 'running' });

    const run = await waitForStatus(file.app, m.key, made.runId, FINAL);
    expect(run.status).toBe('completed');
    expect(run.counts).toEqual({ members: HOLDERS, sent: HOLDERS + 9, skipped: 3, failed: 0, suppressed: 0 });

    const campaign = ok(await m.api.get<Campaign>(`/v1/campaigns/${made.id}`), 200);
    expect(campaign).toEqual({
      id: made.id,
      name: made.name,
      cardId: m.cardId,
      cardName: 'Coffee card',
      channels: ['push', 'email'],
      voucher: true,
      status: 'completed',
      sendAt: null,
      createdAt: expect.any(String),
      runId: made.runId,
      counts: { members: HOLDERS, sent: HOLDERS + 9, failed: 0, skipped: 3, suppressed: 0 },
      // Per person: every holder got the push, the 9 who agreed to emails the email too.
      reached: { customers: HOLDERS, push: HOLDERS, email: 9, telegram: 0 },
    });
  });

  it('lays the campaign out as trigger → voucher → push → email, published by the caller', async () => {
    const flow = ok(
      await m.api.get<{
        graph: { nodes: { id: string; type: string; position: { x: number; y: number } }[]; edges: { source: string; target: string }[] };
        versions: { version: number; publishedBy: string | null }[];
        status: string;
      }>(`/v1/flows/${made.id}`),
      200,
    );
    expect(flow.graph.nodes.map((n) => [n.id, n.type, n.position.x])).toEqual([
      ['trigger', 'trigger', 0],
      ['voucher', 'voucher', 280],
      ['push', 'push', 560],
      ['email', 'email', 840],
    ]);
    expect(flow.graph.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['trigger>voucher', 'voucher>push', 'push>email']);
    expect(flow.status).toBe('active');
    expect(flow.versions).toEqual([{ version: 1, publishedBy: expect.stringMatching(/^API key ".*"$/), createdAt: expect.any(String) }]);
  });

  it('schedules a campaign with a send time, newest first in the list, and keeps campaigns out of the flow list', async () => {
    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    const later = ok(
      await m.api.post<Created>('/v1/campaigns', { name: 'Tomorrow', cardId: otherCardId, push: { text: 'Tea time' }, sendAt }),
      201,
    );
    expect(later).toMatchObject({ name: 'Tomorrow', status: 'scheduled' });
    const list = ok(await m.api.get<Page<Campaign>>('/v1/campaigns'), 200);
    expect(list.items.map((c) => c.id)).toEqual([later.id, made.id]);
    expect(list.items[0]).toMatchObject({
      cardId: otherCardId,
      cardName: 'Tea card',
      channels: ['push'],
      voucher: false,
      status: 'scheduled',
      sendAt,
      counts: { members: 0, sent: 0, failed: 0, skipped: 0, suppressed: 0 },
      reached: { customers: 0, push: 0, email: 0, telegram: 0 },
    });
    const first = ok(await m.api.get<Page<Campaign>>('/v1/campaigns?limit=1'), 200);
    const second = ok(await m.api.get<Page<Campaign>>(`/v1/campaigns?limit=1&cursor=${first.nextCursor}`), 200);
    expect([first.items[0]?.id, second.items[0]?.id, second.nextCursor]).toEqual([later.id, made.id, undefined]);

    expect(ok(await m.api.get<Page<unknown>>('/v1/flows'), 200).items).toEqual([]);
    const campaigns = ok(await m.api.get<Page<{ id: string; kind: string }>>('/v1/flows?kind=campaign'), 200);
    expect(campaigns.items.map((f) => [f.id, f.kind])).toEqual([
      [made.id, 'campaign'],
      [later.id, 'campaign'],
    ]);
    expect(ok(await m.api.get<Page<unknown>>('/v1/flows?kind=all'), 200).items).toHaveLength(2);
    expect((await m.api.get('/v1/flows?kind=broadcast')).status).toBe(400);
    ok(await m.api.post(`/v1/runs/${later.runId}/cancel`), 202);
  });

  it('renames a campaign, and rejects an empty name', async () => {
    const renamed = ok(await json(await file.app.request(`/v1/campaigns/${made.id}`, patch(m.key, { name: '  Coffee Monday ' }))), 200);
    expect(renamed).toMatchObject({ id: made.id, name: 'Coffee Monday' });
    const empty = await file.app.request(`/v1/campaigns/${made.id}`, patch(m.key, { name: ' ' }));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error.message).toContain('at name');
  });

  it('writes nothing and answers 503 when Temporal cannot be reached', async () => {
    vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    const connection = await Connection.connect({ address: file.stack.temporalAddress });
    const launcher = createRunLauncher(new Client({ connection }), file.stack.taskQueue);
    await connection.close(); // every call of this launcher fails
    const offline = createApp({ db: file.stack.db, launcher, adminToken: ADMIN_TOKEN, readiness: async () => true });
    const before = await flowsOf(m.id);
    const answer = await api(offline, m.key).post<ErrorBody>('/v1/campaigns', { cardId: m.cardId, push: { text: 'Hi' } });
    expect([answer.status, answer.body.error.code]).toEqual([503, 'unavailable']);
    expect(await flowsOf(m.id)).toEqual(before);
  });

  it("answers 404 for another merchant's campaign", async () => {
    const get = await other.api.get<ErrorBody>(`/v1/campaigns/${made.id}`);
    expect([get.status, get.body.error.code]).toEqual([404, 'not_found']);
    const rename = await file.app.request(`/v1/campaigns/${made.id}`, patch(other.key, { name: 'Mine now' }));
    expect(rename.status).toBe(404);
    expect(ok(await other.api.get<Page<unknown>>('/v1/campaigns'), 200).items).toEqual([]);
    expect((await other.api.get(`/v1/campaigns/not-a-uuid`)).status).toBe(404);
  });
});

function patch(key: string, body: unknown): RequestInit {
  return { method: 'PATCH', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as unknown });
