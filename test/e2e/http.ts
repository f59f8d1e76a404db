/**
 * End-to-end helpers: the product driven only through its HTTP API (`app.request`, the
 * same handling as the real server) on a real stack — Postgres, a worker, Temporal.
 */
import { afterAll, beforeAll, vi } from 'vitest';
import { createApp, type AppDeps } from '../../server/api/app';
import { log } from '../../engine/log';
import type { Graph } from '../support/graphs';
import { startStack, type Stack } from '../support/stack';
import { WITHOUT_RULES } from '../support/messaging-rules';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export type App = ReturnType<typeof createApp>;

/** The API on the stack; `extra` adds what a test needs (the wallet, say). */
export function e2eApp(stack: Pick<Stack, 'db' | 'launcher' | 'batcher'>, extra: Partial<AppDeps> = {}): App {
  return createApp({
    db: stack.db,
    launcher: stack.launcher,
    batcher: stack.batcher,
    adminToken: ADMIN_TOKEN,
    readiness: async () => true,
    ...extra,
  });
}

/** The stack and its API of one test file, set once its `beforeAll` has run. */
export interface FileStack {
  readonly stack: Stack;
  readonly app: App;
}

/**
 * Starts a stack (default: `startStack()`) and its API before the file's tests and stops
 * it, batcher first, after them. Read `stack` and `app` inside tests and hooks only.
 */
export function stackForFile(
  start: () => Promise<Stack> = () => startStack(),
  extra: () => Partial<AppDeps> = () => ({}),
): FileStack {
  const file = {} as { stack: Stack; app: App };
  beforeAll(async () => {
    muteInfoLogs();
    file.stack = await start();
    file.app = e2eApp(file.stack, extra());
  });
  afterAll(() => stopStack(file.stack));
  return file;
}

/** Mutes `info` lines (one access-log line per request); warnings and errors still show. */
export function muteInfoLogs(): void {
  vi.spyOn(log, 'info').mockImplementation(() => undefined);
}

/**
 * Stops the stack. The pool is closed first and given a moment: pg's Pool.end() resolves
 * before its clients have said goodbye, and DROP DATABASE … WITH (FORCE) would cut them off.
 */
export async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.batcher.stop(); // it still reads the database
  await stack.db.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await stack.stop(); // its second destroy() is a no-op
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
}
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
export interface Counts {
  sent: number;
  failed: number;
  suppressed: number;
  skipped: number;
}
export interface RunReport {
  id: string;
  flowId: string;
  status: 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';
  createdAt: string;
  startedAt: string;
  sendAt?: string;
  finishedAt?: string;
  error?: string;
  counts: Counts & { members: number };
  source: 'api' | 'schedule' | 'event';
  steps: Record<string, Counts & { entered: number; waiting: number; waitingUntil?: string }>;
}
export interface Delivery {
  customerId: string;
  customerName: string | null;
  customerEmail: string | null;
  nodeId: string;
  channel: 'push' | 'email';
  status: 'sending' | 'sent' | 'delivered' | 'bounced' | 'complained' | 'failed' | 'suppressed' | 'skipped';
  reason?: string;
  providerMessageId?: string;
  attempts: number;
  devices?: { platform: 'apple' | 'google'; device: string; status: string; answer: string; attempts: number }[];
  providerEvent?: { at: string; description: string | null };
  openedAt?: string;
  clickedAt?: string;
  /** An email's subject as sent. */
  subject?: string;
  /** Quiet hours held the message until then. */
  heldUntil?: string;
  at: string;
}
export interface Customer {
  id: string;
  externalId: string | null;
  name: string;
  email: string | null;
  emailConsent: boolean;
  cardId: string;
  stamps: number;
  lastVisitAt: string | null;
  walletUrl: string | null;
  pass: { serialNumber: string; message: string | null; voucherCode: string | null; updateTag: number } | null;
}
export interface OutboxMessage {
  id: string;
  channel: 'push' | 'email';
  recipient: string;
  subject: string | null;
  body: string;
}

export interface Api {
  get<T>(path: string): Promise<Answer<T>>;
  post<T>(path: string, body?: unknown): Promise<Answer<T>>;
  put<T>(path: string, body?: unknown): Promise<Answer<T>>;
}

/** Calls the API with `key` as the bearer token; bodies go out and come back as JSON. */
export function api(app: App, key: string): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<Answer<T>> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await app.request(path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
  };
}

/** Throws with the answer when the status is not the expected one. */
export function ok<T>(answer: Answer<T>, status: number): T {
  if (answer.status !== status)
    throw new Error(`expected HTTP ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export interface Merchant {
  readonly id: string;
  readonly key: string;
  readonly api: Api;
  readonly cardId: string;
}

/** A merchant (admin token) with one card of 10 stamps, created through the API. */
export async function createMerchant(app: App, name = 'E2E Café'): Promise<Merchant> {
  const admin = api(app, ADMIN_TOKEN);
  const { id, apiKey } = ok(
    await admin.post<{ id: string; apiKey: string }>('/v1/merchants', { name, timezone: 'Europe/Berlin', messagingRules: WITHOUT_RULES }),
    201,
  );
  const m = api(app, apiKey);
  const card = ok(
    await m.post<{ id: string }>('/v1/cards', { name: 'Coffee card', stampsRequired: 10, reward: 'Free coffee' }),
    201,
  );
  return { id, key: apiKey, api: m, cardId: card.id };
}

/** Imports customers in one batch; every row must be written. Answers them by externalId. */
export async function importCustomers(m: Merchant, rows: readonly object[]): Promise<Map<string, Customer>> {
  const result = ok(
    await m.api.post<{ created: number; errors: unknown[] }>('/v1/customers', { customers: rows }),
    201,
  );
  if (result.errors.length > 0 || result.created !== rows.length) throw new Error(`import: ${JSON.stringify(result)}`);
  // Pages of 250: rows written in one transaction share created_at, so this walks the tie-breaker too.
  const all = await allPages<Customer>(m.api, '/v1/customers', 250);
  if (new Set(all.map((c) => c.id)).size !== all.length) throw new Error('GET /v1/customers repeated a customer');
  return new Map(all.map((c) => [c.externalId ?? c.id, c]));
}

/** Every item of a list, following `nextCursor`. */
export async function allPages<T>(a: Api, path: string, limit: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = ok(await a.get<Page<T>>(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`), 200);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Saves and publishes a flow; answers its id. */
export async function publishedFlow(m: Merchant, graph: Graph, name = 'E2E flow'): Promise<string> {
  const flow = ok(await m.api.post<{ id: string; diagnostics: unknown[] }>('/v1/flows', { name, graph }), 201);
  if (flow.diagnostics.length > 0) throw new Error(`flow has diagnostics: ${JSON.stringify(flow.diagnostics)}`);
  ok(await m.api.post(`/v1/flows/${flow.id}/publish`), 201);
  return flow.id;
}

/** `POST /v1/flows/:id/runs`. */
export async function startRun(m: Merchant, flowId: string): Promise<{ runId: string; status: string }> {
  return ok(await m.api.post<{ runId: string; status: string }>(`/v1/flows/${flowId}/runs`), 202);
}

/** Polls `GET /v1/runs/:id` until its status is one of `statuses`; answers that report. */
export async function waitForStatus(
  app: App,
  key: string,
  runId: string,
  statuses: readonly RunReport['status'][],
  timeoutMs = 20_000,
): Promise<RunReport> {
  const a = api(app, key);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = ok(await a.get<RunReport>(`/v1/runs/${runId}`), 200);
    if (statuses.includes(report.status)) return report;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${report.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls `GET /v1/runs/:id` until `done(report)`. */
export async function pollRun(
  m: Merchant,
  runId: string,
  done: (r: RunReport) => boolean,
  timeoutMs = 20_000,
): Promise<RunReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = ok(await m.api.get<RunReport>(`/v1/runs/${runId}`), 200);
    if (done(report)) return report;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not get there: ${JSON.stringify(report)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every delivery of a run (optionally filtered by a query string such as `status=skipped`). */
export function runDeliveries(m: Merchant, runId: string, filter = ''): Promise<Delivery[]> {
  return allPages<Delivery>(m.api, `/v1/runs/${runId}/deliveries${filter ? `?${filter}` : ''}`, 1000);
}

/** Per-step counts with zeros for what the test does not name. */
export function step(
  counts: Partial<Counts> & { entered: number; waiting?: number },
): Counts & { entered: number; waiting: number } {
  return { sent: 0, failed: 0, suppressed: 0, skipped: 0, waiting: 0, ...counts };
}
