/**
 * The APNs sender against the local APNs (real HTTP/2, real mutual TLS, no mocks): the
 * request it makes, how it judges each answer, its retries, its multiplexing, and its
 * recovery when APNs goes away mid-flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startApnsServer, type ApnsServer } from '../../../test/apns/server';
import { TEST_KEY_PASSPHRASE, TEST_PASS_TYPE_ID, testCertificates, testSigner } from '../../../test/support/certs';
import { createApnsSender, type ApnsSenderOptions } from './apns';
import type { ApnsSender, AppleSigner } from './types';

const certs = testCertificates();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const signer = (overrides: Partial<AppleSigner> = {}): AppleSigner => ({ ...testSigner(certs), ...overrides });

function pushTokens(n: number): string[] {
  return Array.from({ length: n }, () => randomBytes(32).toString('hex'));
}

// Everything a test opens is closed after it, whatever happened.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function apnsServer(options: Parameters<typeof startApnsServer>[0] = {}): Promise<ApnsServer> {
  const server = await startApnsServer(options);
  cleanups.push(() => server.close());
  return server;
}

function sender(options: Partial<ApnsSenderOptions> & { url: string }): ApnsSender {
  const created = createApnsSender({ signer: signer(), backoffMs: 10, ...options });
  cleanups.push(() => created.close());
  return created;
}

describe('createApnsSender', () => {
  it('sends {} once per token with the pass type id as topic, outcomes in input order', async () => {
    const apns = await apnsServer();
    const tokens = pushTokens(3);

    const outcomes = await sender({ url: apns.url }).push(tokens);

    expect(outcomes).toHaveLength(3);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'sent', attempts: 1 });
      expect(outcome.status === 'sent' && outcome.apnsId).toMatch(UUID);
    }
    expect(apns.requests).toHaveLength(3);
    expect(apns.requests.map((r) => r.token).sort()).toEqual([...tokens].sort());
    for (const request of apns.requests) {
      expect(request).toMatchObject({ topic: TEST_PASS_TYPE_ID, body: '{}', status: 200 });
      expect(request.headers[':method']).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
    }
    for (const token of tokens) expect(apns.delivered(token)).toBe(1);
  });

  it('authenticates with an encrypted key and its passphrase', async () => {
    const apns = await apnsServer();
    const encrypted = createPrivateKey(certs.pass.keyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: TEST_KEY_PASSPHRASE })
      .toString();
    const apnsSender = createApnsSender({
      url: apns.url,
      signer: signer({ keyPem: encrypted, keyPassphrase: TEST_KEY_PASSPHRASE }),
    });
    cleanups.push(() => apnsSender.close());

    expect(await apnsSender.push(pushTokens(1))).toMatchObject([{ status: 'sent', attempts: 1 }]);
  });

  it('answers failed TopicDisallowed when the topic is not the certificate’s pass type id', async () => {
    const apns = await apnsServer();
    const wrong = sender({ url: apns.url, signer: signer({ passTypeId: 'pass.someone.else' }) });

    const outcomes = await wrong.push(pushTokens(1));

    expect(outcomes).toEqual([{ status: 'failed', reason: 'apns 400 TopicDisallowed', attempts: 1 }]);
    expect(apns.requests).toHaveLength(1);
  });

  it('answers gone for 410 Unregistered and 400 BadDeviceToken, without retrying', async () => {
    const apns = await apnsServer();
    const [unregistered = '', bad = '', fine = ''] = pushTokens(3);
    apns.unregister(unregistered);
    apns.badToken(bad);

    const outcomes = await sender({ url: apns.url }).push([unregistered, bad, fine]);

    expect(outcomes).toMatchObject([
      { status: 'gone', reason: 'unregistered', attempts: 1 },
      { status: 'gone', reason: 'bad_device_token', attempts: 1 },
      { status: 'sent', attempts: 1 },
    ]);
    expect(apns.requests).toHaveLength(3);
  });

  it('retries 429 with backoff: two 429s then 200 is sent after 3 attempts', async () => {
    const apns = await apnsServer();
    const [token = ''] = pushTokens(1);
    apns.failNext(token, 429, 2);

    const outcomes = await sender({ url: apns.url }).push([token]);

    expect(outcomes).toMatchObject([{ status: 'sent', attempts: 3 }]);
    expect(apns.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(apns.delivered(token)).toBe(1);
  });

  it('answers retry after maxAttempts when APNs keeps answering 503', async () => {
    const apns = await apnsServer();
    const [token = '', other = ''] = pushTokens(2);
    apns.failNext(token, 503, 100);

    const outcomes = await sender({ url: apns.url, maxAttempts: 3 }).push([token, other]);

    expect(outcomes).toMatchObject([
      { status: 'retry', reason: 'apns 503 ServiceUnavailable', attempts: 3 },
      { status: 'sent', attempts: 1 },
    ]);
    expect(apns.requests.filter((r) => r.token === token)).toHaveLength(3);
  });

  it('gives up on a request after timeoutMs and answers retry', async () => {
    const apns = await apnsServer({ latencyMs: 1000 });

    const outcomes = await sender({ url: apns.url, timeoutMs: 100, maxAttempts: 2 }).push(pushTokens(1));

    expect(outcomes).toEqual([{ status: 'retry', reason: 'apns timeout after 100 ms', attempts: 2 }]);
    // Nothing was ever heard on the first session, so the second attempt reconnected.
    expect(apns.sessions).toBe(2);
  });

  it('multiplexes: 1,000 pushes share one session with many streams in flight', async () => {
    const apns = await apnsServer({ latencyMs: 20 });
    const tokens = pushTokens(1000);
    const apnsSender = sender({ url: apns.url, concurrency: 200 });

    const started = performance.now();
    const outcomes = await apnsSender.push(tokens);
    const elapsed = performance.now() - started;

    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(apns.sessions).toBe(1);
    expect(apns.maxConcurrentStreams).toBeGreaterThan(50);
    expect(apns.maxConcurrentStreams).toBeLessThanOrEqual(200);
    expect(apns.deliveredCounts().size).toBe(1000);
    // One at a time would take 1,000 × 20 ms = 20 s; this is a sanity bound, not a benchmark.
    expect(elapsed).toBeLessThan(2000);
  });

  it('opens a new session after APNs sends GOAWAY', async () => {
    const apns = await apnsServer();
    const apnsSender = sender({ url: apns.url });
    expect(await apnsSender.push(pushTokens(5))).toMatchObject(Array(5).fill({ status: 'sent' }));

    apns.goAway();
    // Pushes racing the GOAWAY may be refused on the old session and retried: still sent.
    const after = await apnsSender.push(pushTokens(5));
    expect(after.map((o) => o.status)).toEqual(Array(5).fill('sent'));
    expect(apns.sessions).toBe(2);
  });

  it('answers retry when APNs dies mid-flight, and reconnects once APNs is back on the port', async () => {
    const child = await startApnsProcess(['--latency', '1000']);
    const apnsSender = sender({ url: child.url, maxAttempts: 3, backoffMs: 50, timeoutMs: 5000 });
    const tokens = pushTokens(20);

    const pending = apnsSender.push(tokens);
    await until(async () => (await child.stats()).maxConcurrentStreams >= tokens.length);
    child.process.kill('SIGKILL');
    const outcomes = await pending;

    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'retry', attempts: 3 });
      expect(outcome.status === 'retry' && outcome.reason).toMatch(/^apns connection error: /);
    }

    const port = Number(new URL(child.url).port);
    const revived = await apnsServer({ port });
    expect(await apnsSender.push(tokens)).toMatchObject(tokens.map(() => ({ status: 'sent', attempts: 1 })));
    expect(revived.sessions).toBe(1);
  });
});

interface ApnsProcess {
  readonly process: ChildProcess;
  readonly url: string;
  stats(): Promise<{ delivered: number; requests: number; maxConcurrentStreams: number; uniqueTokens: number }>;
}

/** `test/apns/server-cli.ts` in its own process, so the test can really kill it. */
async function startApnsProcess(args: string[]): Promise<ApnsProcess> {
  const cli = fileURLToPath(new URL('../../../test/apns/server-cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--certs', certs.dir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`apns server exited (${code}) before listening`)));
  });
  lines.close();
  const { url, statsUrl } = JSON.parse(first) as { url: string; statsUrl: string };
  return {
    process: child,
    url,
    stats: async () => (await fetch(statsUrl)).json() as ReturnType<ApnsProcess['stats']>,
  };
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
