/**
 * The run inspector, the flow list and "why did this customer get nothing?", through the
 * HTTP API on the real stack: Postgres, a worker and the real Temporal dev server. Runs
 * actually execute; counts, outcome codes and history events are asserted exactly.
 */
import { Client, Connection } from '@temporalio/client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/api/app';
import { log } from '../../engine/log';
import { createRunLauncher } from '../../server/temporal/run-launcher';
import {
  ADMIN_TOKEN,
  api,
  createMerchant,
  importCustomers,
  ok,
  pollRun,
  publishedFlow,
  stackForFile,
  startRun,
  waitForStatus,
  type App,
  type Customer,
  type Merchant,
  type Page,
  type RunReport,
} from '../e2e/http';
import { edge, journey, node } from '../journeys/graphs';

const file = stackForFile();
const UI = { url: 'http://localhost:8233', namespace: 'default' };
const FINAL = ['completed', 'failed', 'cancelled'] as const;

/** The API with a Temporal UI configured, on the file's stack. */
let app: App;
/** The same API whose runs continue as new after a few history events. */
let shortHistoryApp: App;

interface TimelineRun {
  runId: string;
  flowId: string;
  flowName: string;
  createdAt: string;
  outcome: { code: string; message: string };
}
interface Timeline {
  customer: { id: string; name: string; email: string | null; emailConsent: boolean; cardId: string; stamps: number };
  items: {
    at: string;
    kind: string;
    runId: string;
    title: string;
    nodeId?: string;
    status?: string;
    reason?: string;
  }[];
  runs: TimelineRun[];
}
interface HistoryAnswer {
  workflowId: string;
  temporalUrl: string | null;
  runs: number;
  truncated: boolean;
  events: {
    id: number;
    run: number;
    time: string;
    type: string;
    category: string;
    summary: string;
    activityType?: string;
    attempt?: number;
    timerMs?: number;
  }[];
}

beforeAll(() => {
  const { db, launcher, batcher, client, taskQueue } = file.stack;
  const deps = { db, batcher, adminToken: ADMIN_TOKEN, readiness: async () => true, temporalUi: UI };
  app = createApp({ ...deps, launcher });
  shortHistoryApp = createApp({ ...deps, launcher: createRunLauncher(client, taskQueue, { historyLimit: 10 }) });
});

const segmentThenEmail = (cardId: string) =>
  journey(
    { trigger: 'broadcast', cardId },
    [node('vip', 'segment', { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 5 }] })],
    {
      nodes: [node('mail', 'email', { subject: 'Hi {{customer.name}}', body: 'Coffee is on us.' })],
      edges: [edge('vip', 'mail', 'match')],
    },
  );

describe('a run with a segment and an email, and the customers it reached or not', () => {
  let m: Merchant;
  let byExt: Map<string, Customer>;
  let flowId: string;
  let runId: string;
  let report: RunReport & { flowName: string; temporalUrl: string | null };
  const id = (ext: string) => byExt.get(ext)?.id as string;

  beforeAll(async () => {
    m = await createMerchant(app, 'Inspector Café');
    const base = { cardId: m.cardId, emailConsent: true, stamps: 6 };
    byExt = await importCustomers(m, [
      { ...base, externalId: 'ada', name: 'Ada Lovelace', email: 'ada@example.test' },
      { ...base, externalId: 'bob', name: 'Bob', email: 'bob@example.test', emailConsent: false },
      { ...base, externalId: 'cy', name: 'Cy', email: 'cy@example.test', stamps: 3 },
      { ...base, externalId: 'dee', name: 'Dee', email: 'dee@example.test' },
      { ...base, externalId: 'eve', name: 'Eve' },
    ]);
    await file.stack.db
      .insertInto('suppressions')
      .values({ merchant_id: m.id, email: 'dee@example.test', reason: 'hard_bounce' })
      .execute();
    flowId = await publishedFlow(m, segmentThenEmail(m.cardId), 'VIP thank-you');
    runId = (await startRun(m, flowId)).runId;
    await waitForStatus(app, m.key, runId, FINAL);
    report = ok(await m.api.get<typeof report>(`/v1/runs/${runId}`), 200);
  });

  it('reports exact counts per step, the flow name and a link to the Temporal UI', () => {
    expect(report.status).toBe('completed');
    expect(report.flowName).toBe('VIP thank-you');
    expect(report.temporalUrl).toBe(`http://localhost:8233/namespaces/default/workflows/run-${runId}`);
    expect(report.counts).toEqual({ members: 5, sent: 1, failed: 0, skipped: 2, suppressed: 1 });
    const zero = { sent: 0, failed: 0, skipped: 0, suppressed: 0, waiting: 0 };
    expect(report.steps).toEqual({
      trigger: { ...zero, entered: 5 },
      vip: { ...zero, entered: 5 },
      mail: { ...zero, entered: 4, sent: 1, skipped: 2, suppressed: 1 },
    });
  });

  it('filters deliveries by channel and node and names each customer', async () => {
    const mails = ok(
      await m.api.get<Page<Record<string, unknown>>>(`/v1/runs/${runId}/deliveries?channel=email&nodeId=mail`),
      200,
    );
    expect(mails.items).toHaveLength(4);
    expect(mails.items.find((d) => d['customerId'] === id('ada'))).toMatchObject({
      customerName: 'Ada Lovelace',
      customerEmail: 'ada@example.test',
      status: 'sent',
      providerMessageId: expect.stringMatching(/^outbox:/),
    });
    expect(mails.items.find((d) => d['customerId'] === id('eve'))).toMatchObject({
      customerName: 'Eve',
      customerEmail: null,
      reason: 'no_email',
    });
    expect(ok(await m.api.get<Page<unknown>>(`/v1/runs/${runId}/deliveries?channel=push`), 200).items).toEqual([]);
    expect(ok(await m.api.get<Page<unknown>>(`/v1/runs/${runId}/deliveries?nodeId=vip`), 200).items).toEqual([]);
    expect((await m.api.get(`/v1/runs/${runId}/deliveries?channel=sms`)).status).toBe(400);
  });

  it("explains each customer's outcome in the run", async () => {
    const outcome = async (ext: string) => {
      const t = ok(await m.api.get<Timeline>(`/v1/customers/${id(ext)}/timeline`), 200);
      return t.runs.find((r) => r.runId === runId)?.outcome;
    };
    expect(await outcome('ada')).toEqual({
      code: 'sent',
      // A sent email is named by its subject as sent.
      message: expect.stringMatching(/^Got the email “Hi Ada Lovelace” at \d\d:\d\d$/),
    });
    expect(await outcome('bob')).toEqual({
      code: 'no_consent',
      message: 'The email “Hi {{customer.name}}” was skipped: no email consent',
    });
    expect(await outcome('cy')).toEqual({
      code: 'not_in_segment',
      message: 'Did not pass the check “stamps ≥ 5”: has 3 stamps, the check wants stamps ≥ 5',
    });
    expect(await outcome('dee')).toEqual({
      code: 'suppressed',
      message:
        'The email “Hi {{customer.name}}” was not sent: dee@example.test is on the suppression list (hard_bounce)',
    });
    expect((await outcome('eve'))?.code).toBe('no_email');
  });

  it('lists what happened to a customer, newest first', async () => {
    const t = ok(await m.api.get<Timeline>(`/v1/customers/${id('ada')}/timeline`), 200);
    expect(t.customer).toMatchObject({
      id: id('ada'),
      name: 'Ada Lovelace',
      email: 'ada@example.test',
      emailConsent: true,
      stamps: 6,
    });
    expect(t.items.map((i) => [i.kind, i.title])).toEqual([
      ['left', 'Finished the journey'],
      ['delivery', 'The email “Hi Ada Lovelace” sent'],
      ['step', 'The check “stamps ≥ 5”: passed'],
      ['entered', 'Entered “VIP thank-you”'],
    ]);
    const cy = ok(await m.api.get<Timeline>(`/v1/customers/${id('cy')}/timeline`), 200);
    expect(cy.items[0]).toMatchObject({
      kind: 'left',
      nodeId: 'vip',
      title: 'Left at the check “stamps ≥ 5”: not in segment',
    });
  });

  it('tells a customer who joined after the snapshot that they were not in the audience', async () => {
    const late = await importCustomers(m, [{ externalId: 'late', name: 'Late', cardId: m.cardId }]);
    const t = ok(await m.api.get<Timeline>(`/v1/customers/${late.get('late')?.id}/timeline`), 200);
    expect(t.items).toEqual([]);
    expect(t.runs.find((r) => r.runId === runId)?.outcome).toEqual({
      code: 'not_in_audience',
      message: expect.stringMatching(/^Joined after the run took its audience at \d\d:\d\d$/),
    });
  });

  it('lists flows with their trigger in words, published version, last run and messages sent in 30 days', async () => {
    const drafts = [
      [{ trigger: 'birthday', daysBefore: 3 }, 'Birthday, 3 days before at 10:00'],
      [{ trigger: 'inactive', days: 30 }, 'Inactive 30 days'],
      [{ trigger: 'schedule', weekday: 'mon', time: '09:00' }, 'Every Monday 09:00'],
      [{ trigger: 'event', event: 'joined' }, 'When a customer joins'],
    ] as const;
    for (const [trigger] of drafts) {
      ok(
        await m.api.post('/v1/flows', {
          name: `Draft ${trigger.trigger}`,
          graph: journey(trigger, [node('p', 'push', { text: 'Hi' })]),
        }),
        201,
      );
    }
    const list = ok(await m.api.get<Page<Record<string, unknown>>>('/v1/flows'), 200);
    expect(list.items.find((f) => f['id'] === flowId)).toMatchObject({
      name: 'VIP thank-you',
      kind: 'drawn',
      status: 'active',
      trigger: { kind: 'broadcast', summary: 'Broadcast' },
      publishedVersion: 1,
      lastRun: { id: runId, status: 'completed', createdAt: expect.any(String) },
      sent30d: 1,
    });
    // `drawn` is the default; `journey`, its name before December 2026, still answers the same.
    const ids = (items: readonly Record<string, unknown>[]) => items.map((f) => [f['id'], f['kind']]);
    for (const kind of ['drawn', 'journey']) {
      const same = ok(await m.api.get<Page<Record<string, unknown>>>(`/v1/flows?kind=${kind}`), 200);
      expect(ids(same.items)).toEqual(ids(list.items));
    }
    expect(new Set(list.items.map((f) => f['kind']))).toEqual(new Set(['drawn']));
    for (const [trigger, summary] of drafts) {
      expect(list.items.find((f) => f['name'] === `Draft ${trigger.trigger}`)).toMatchObject({
        trigger: { kind: trigger.trigger, summary },
        publishedVersion: null,
        lastRun: null,
        sent30d: 0,
      });
    }
  });

  it('records who published each version and answers one version', async () => {
    const flow = ok(
      await m.api.get<{ versions: { version: number; publishedBy: string | null }[] }>(`/v1/flows/${flowId}`),
      200,
    );
    expect(flow.versions).toEqual([
      { version: 1, publishedBy: expect.stringMatching(/^API key ".*"$/), createdAt: expect.any(String) },
    ]);
    const v1 = ok(await m.api.get<Record<string, unknown>>(`/v1/flows/${flowId}/versions/1`), 200);
    expect(v1).toEqual({
      version: 1,
      graph: segmentThenEmail(m.cardId),
      plan: expect.objectContaining({ triggerNodeId: 'trigger', entry: ['vip'] }),
      publishedBy: flow.versions[0]?.publishedBy,
      createdAt: expect.any(String),
    });
    expect((await m.api.get(`/v1/flows/${flowId}/versions/2`)).status).toBe(404);
    expect((await m.api.get(`/v1/flows/${flowId}/versions/one`)).status).toBe(404);
  });

  it('searches customers by name, email and externalId, case-insensitively', async () => {
    const names = async (q: string) =>
      ok(await m.api.get<Page<Customer>>(`/v1/customers?q=${encodeURIComponent(q)}`), 200).items.map((c) => c.name);
    expect(await names('LOVELACE')).toEqual(['Ada Lovelace']);
    expect(await names('BOB@EXAMPLE')).toEqual(['Bob']);
    expect(await names('dE')).toEqual(['Dee']); // the externalId "dee" and the email dee@…, once
    expect(await names('%')).toEqual([]);
    expect((await names('')).length).toBe(6);
  });

  it('previews an email for the first customer, a chosen one, or a sample customer', async () => {
    const body = { subject: 'Hi {{customer.name}}', body: '{{stampsLeft}} stamps to go on your {{card.name}} & more' };
    // The first customer as the customer list orders them (rows imported together share created_at).
    const [listed] = ok(await m.api.get<Page<Customer>>('/v1/customers?limit=1'), 200).items;
    const left = 10 - (listed?.stamps ?? 0);
    const first = ok(await m.api.post<Record<string, unknown>>('/v1/flows/preview-email', body), 200);
    // In the merchant's layout: its name and a sample unsubscribe link in the footer of both parts.
    const footer = '\n\n-- \nInspector Café\nUnsubscribe: https://stampflow.example/u/preview\n';
    expect(first).toMatchObject({
      subject: `Hi ${listed?.name}`,
      text: `${left} stamps to go on your Coffee card & more${footer}`,
      html: expect.stringContaining(`>${left} stamps to go on your Coffee card &amp; more</p>`),
      customer: { id: listed?.id, name: listed?.name },
    });
    expect(first['html']).toContain('<a href="https://stampflow.example/u/preview"');
    const ada = ok(
      await m.api.post<Record<string, unknown>>('/v1/flows/preview-email', { ...body, customerId: id('ada') }),
      200,
    );
    expect(ada).toMatchObject({
      subject: 'Hi Ada Lovelace',
      text: `4 stamps to go on your Coffee card & more${footer}`,
    });
    const cy = ok(
      await m.api.post<Record<string, unknown>>('/v1/flows/preview-email', { ...body, customerId: id('cy') }),
      200,
    );
    expect(cy).toMatchObject({ subject: 'Hi Cy', text: `7 stamps to go on your Coffee card & more${footer}` });
    const empty = await createMerchant(app, 'Empty Café');
    const sample = ok(await empty.api.post<Record<string, unknown>>('/v1/flows/preview-email', body), 200);
    expect(sample).toMatchObject({ subject: 'Hi Alex Sample', customer: { id: null, name: 'Alex Sample' } });
    ok(
      await empty.api.put('/v1/merchant/settings', { postalAddress: 'Main St 1\n10115 Berlin', brandColor: '#0a7c59' }),
      200,
    );
    const styled = ok(await empty.api.post<{ html: string; text: string }>('/v1/flows/preview-email', body), 200);
    expect(styled.html).toContain('background-color:#0a7c59;');
    expect(styled.html).toContain('Main St 1<br>\n10115 Berlin');
    expect(styled.text).toContain(
      '\n-- \nEmpty Café\nMain St 1\n10115 Berlin\nUnsubscribe: https://stampflow.example/u/preview\n',
    );
    expect((await empty.api.post('/v1/flows/preview-email', { ...body, customerId: id('ada') })).status).toBe(404);
    expect((await m.api.post('/v1/flows/preview-email', { body: 'x' })).status).toBe(400);
  });

  it("answers 404 for another merchant's run history, customer timeline and flow version", async () => {
    const other = await createMerchant(app, 'Snoop');
    for (const path of [
      `/v1/runs/${runId}`,
      `/v1/runs/${runId}/history`,
      `/v1/runs/${runId}/deliveries?channel=email`,
      `/v1/customers/${id('ada')}/timeline`,
      `/v1/flows/${flowId}/versions/1`,
    ]) {
      const answer = await other.api.get<{ error: { code: string } }>(path);
      expect([path, answer.status, answer.body.error.code]).toEqual([path, 404, 'not_found']);
    }
    expect(ok(await other.api.get<Page<unknown>>('/v1/customers?q=ada'), 200).items).toEqual([]);
  });
});

describe('a run with a wait and an exit rule, continuing as new', () => {
  let m: Merchant;
  let byExt: Map<string, Customer>;
  let runId: string;

  beforeAll(async () => {
    m = await createMerchant(shortHistoryApp, 'Wait Café');
    byExt = await importCustomers(m, [
      { externalId: 'stay', name: 'Stay', cardId: m.cardId },
      { externalId: 'leave', name: 'Leave', cardId: m.cardId },
    ]);
    const graph = journey({ trigger: 'broadcast', exitOn: ['visit'] }, [
      node('pause', 'wait', { for: { seconds: 3 } }),
      node('nudge', 'push', { text: 'Still thirsty?' }),
    ]);
    runId = (await startRun(m, await publishedFlow(m, graph, 'Nudge'))).runId;
    await pollRun(m, runId, (r) => r.steps['pause']?.waiting === 2);
    ok(await m.api.post('/v1/events', { customerId: byExt.get('leave')?.id, type: 'visit' }), 202);
    const done = await waitForStatus(shortHistoryApp, m.key, runId, FINAL);
    expect(done.status).toBe('completed');
    expect(done.counts).toEqual({ members: 2, sent: 1, failed: 0, skipped: 0, suppressed: 0 });
  });

  it('explains that the visitor left the journey and the other got the push', async () => {
    const outcome = async (ext: string) =>
      ok(await m.api.get<Timeline>(`/v1/customers/${byExt.get(ext)?.id}/timeline`), 200).runs.find(
        (r) => r.runId === runId,
      )?.outcome;
    expect(await outcome('leave')).toEqual({
      code: 'left_journey',
      message: 'Left the journey at the push “Still thirsty?”: visited after entering (exit rule)',
    });
    expect(await outcome('stay')).toEqual({
      code: 'sent',
      message: expect.stringMatching(/^Got the push “Still thirsty\?” at \d\d:\d\d$/),
    });
  });

  it("reads the workflow's history across continue-as-new: activities, the wait's timer and the new run", async () => {
    const history = ok(await m.api.get<HistoryAnswer>(`/v1/runs/${runId}/history`), 200);
    expect(history).toMatchObject({
      workflowId: `run-${runId}`,
      temporalUrl: `http://localhost:8233/namespaces/default/workflows/run-${runId}`,
      runs: 2,
      truncated: false,
    });
    const { events } = history;
    expect(events[0]).toMatchObject({ id: 1, run: 1, type: 'WorkflowExecutionStarted', category: 'workflow' });
    expect(events.at(-1)).toMatchObject({ run: 2, type: 'WorkflowExecutionCompleted', summary: 'Workflow completed' });
    expect(events.filter((e) => e.category === 'continue_as_new')).toEqual([
      expect.objectContaining({
        run: 1,
        type: 'WorkflowExecutionContinuedAsNew',
        summary: expect.stringMatching(/^Continued as new in run /),
      }),
    ]);
    const completed = events.filter((e) => e.type === 'ActivityTaskCompleted' && e.activityType === 'processStep');
    expect(completed.map((e) => e.summary)).toEqual(['processStep pause completed', 'processStep nudge completed']);
    const timer = events.find((e) => e.type === 'TimerStarted' && e.run === 2);
    expect(timer?.timerMs).toBeGreaterThan(0);
    expect(timer?.timerMs).toBeLessThanOrEqual(3_000);
    expect(timer?.summary).toMatch(/^Timer started: waits /);
    expect(events.some((e) => e.type === 'TimerFired' && e.category === 'timer')).toBe(true);
    expect(events.find((e) => e.type === 'ActivityTaskStarted')).toMatchObject({
      attempt: 1,
      summary: 'snapshotAudience started, attempt 1',
    });
    expect(new Set(events.map((e) => `${e.run}/${e.id}`)).size).toBe(events.length);
  });

  it('answers 503 when Temporal cannot be reached', async () => {
    vi.spyOn(log, 'warn').mockImplementation(() => undefined); // the API logs the failed read
    const connection = await Connection.connect({ address: file.stack.temporalAddress });
    const launcher = createRunLauncher(new Client({ connection }), file.stack.taskQueue);
    await connection.close(); // a launcher whose connection is gone: every call fails
    const offline = createApp({ db: file.stack.db, launcher, adminToken: ADMIN_TOKEN, readiness: async () => true });
    const answer = await api(offline, m.key).get<{ error: { code: string; message: string } }>(
      `/v1/runs/${runId}/history`,
    );
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/^Temporal is not reachable: /),
    });
  });
});
