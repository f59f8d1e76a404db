/**
 * The APNs sender for Apple Wallet pass updates. A pass push is an empty `{}` sent to
 * `POST /3/device/{pushToken}` with `apns-topic` = the pass type id, over HTTP/2 and
 * authenticated by the pass type certificate as the TLS client certificate.
 *
 * Why it is built this way:
 * - ONE HTTP/2 session carries many concurrent streams. Apple asks for few, long-lived
 *   connections, and one request at a time caps out near 25 pushes/s; with up to
 *   `concurrency` streams in flight a single session does thousands per second.
 * - The session is opened lazily and replaced when it errors, closes or receives GOAWAY,
 *   so a restarted APNs front end (or a network blip) costs retries, not a dead sender.
 * - No `ca` option: the server is trusted through the system store plus
 *   NODE_EXTRA_CA_CERTS, exactly as in production (and as the tests' local APNs is).
 * - Transient answers (429, 5xx, connection errors, timeouts) are retried here with
 *   exponential backoff, so callers see one settled outcome per device and only need to
 *   reschedule what is still `retry` after `maxAttempts`.
 *
 * @example
 * const apns = createApnsSender({ url: 'https://api.push.apple.com', signer });
 * const outcomes = await apns.push(registrations.map((r) => r.pushToken));
 * // outcomes[i].status: 'sent' | 'gone' (drop the registration) | 'retry' | 'failed'
 * await apns.close();
 */
import {
  connect,
  constants,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
} from 'node:http2';
import type { ApnsOutcome, ApnsSender, AppleSigner } from './types';

export interface ApnsSenderOptions {
  /** APNS_URL: `https://api.push.apple.com`, `https://api.sandbox.push.apple.com` or a local server. */
  readonly url: string;
  /** Its certificate and key are the TLS client certificate; its `passTypeId` is the topic. */
  readonly signer: AppleSigner;
  /** Maximum streams in flight at once, across all `push` calls; default 500. */
  readonly concurrency?: number;
  /** Requests per device before answering `retry`; default 4. */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff between attempts; default 200 ms (capped at 5 s). */
  readonly backoffMs?: number;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

const MAX_BACKOFF_MS = 5_000;

/** What one request produced, before it is judged. */
type Answer =
  | { readonly kind: 'response'; readonly status: number; readonly apnsId: string | null; readonly reason: string }
  /** A connection problem or timeout, already worded as the outcome's reason. */
  | { readonly kind: 'error'; readonly reason: string };

export function createApnsSender(options: ApnsSenderOptions): ApnsSender {
  const concurrency = positiveInteger('concurrency', options.concurrency ?? 500);
  const maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 4);
  const backoffMs = options.backoffMs ?? 200;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const topic = options.signer.passTypeId;
  const connection = new ApnsConnection(options.url, options.signer);
  const slots = new Semaphore(concurrency);

  async function pushOne(pushToken: string): Promise<ApnsOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      await slots.acquire();
      let answer: Answer;
      try {
        answer = await connection.post(`/3/device/${encodeURIComponent(pushToken)}`, topic, timeoutMs);
      } finally {
        slots.release();
      }
      const outcome = judge(answer, attempt);
      if (outcome.status !== 'retry' || attempt >= maxAttempts) return outcome;
      await sleep(backoff(backoffMs, attempt));
    }
  }

  return {
    push: (pushTokens) => Promise.all(pushTokens.map(pushOne)),
    close: () => connection.close(),
  };
}

/** APNs's answer as an outcome; `retry` means "worth another attempt". */
function judge(answer: Answer, attempts: number): ApnsOutcome {
  if (answer.kind === 'error') return { status: 'retry', reason: answer.reason, attempts };
  const { status, reason } = answer;
  if (status === 200) return { status: 'sent', apnsId: answer.apnsId, attempts };
  if (status === 410) return { status: 'gone', reason: 'unregistered', attempts };
  if (status === 400 && reason === 'BadDeviceToken') return { status: 'gone', reason: 'bad_device_token', attempts };
  const described = `apns ${status} ${reason}`.trimEnd();
  if (status === 429 || status >= 500) return { status: 'retry', reason: described, attempts };
  return { status: 'failed', reason: described, attempts };
}

/**
 * The one HTTP/2 session to APNs. It is ref'd only while requests are in flight, so an
 * idle sender never keeps the process alive, and it is replaced after any error, close
 * or GOAWAY (streams caught on the dead session fail and are retried by the caller).
 */
class ApnsConnection {
  private session: ClientHttp2Session | null = null;
  /** When the current session last answered anything: tells a slow request from a dead link. */
  private lastHeardAt = 0;
  private inFlight = 0;

  constructor(
    private readonly url: string,
    private readonly signer: AppleSigner,
  ) {}

  post(path: string, topic: string, timeoutMs: number): Promise<Answer> {
    let session: ClientHttp2Session | null = null;
    let stream: ClientHttp2Stream;
    try {
      session = this.current();
      stream = session.request({
        ':method': 'POST',
        ':path': path,
        'apns-topic': topic,
        'content-type': 'application/json',
      });
    } catch (error) {
      // e.g. ERR_HTTP2_GOAWAY_SESSION or stream ids exhausted: this session is done.
      if (session) this.forget(session, true);
      return Promise.resolve(connectionError(messageOf(error)));
    }
    const onSession = session;
    this.inFlight += 1;
    onSession.ref();
    const startedAt = Date.now();
    return new Promise<Answer>((resolve) => {
      let settled = false;
      const finish = (answer: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight -= 1;
        if (this.inFlight === 0) this.session?.unref();
        resolve(answer);
      };
      const timer = setTimeout(() => {
        stream.close(constants.NGHTTP2_CANCEL);
        // Nothing heard on the session for the whole request: the link is probably dead
        // (half-open TCP), so the next attempt should reconnect rather than wait again.
        if (this.session === onSession && this.lastHeardAt < startedAt) this.forget(onSession, true);
        finish({ kind: 'error', reason: `apns timeout after ${timeoutMs} ms` });
      }, timeoutMs);

      let headers: IncomingHttpHeaders | null = null;
      const chunks: Buffer[] = [];
      stream.on('response', (received) => {
        headers = received;
        if (this.session === onSession) this.lastHeardAt = Date.now();
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (!headers) return finish(connectionError('stream ended without a response'));
        const apnsId = headers['apns-id'];
        finish({
          kind: 'response',
          status: Number(headers[':status']),
          apnsId: typeof apnsId === 'string' ? apnsId : null,
          reason: reasonOf(Buffer.concat(chunks).toString('utf8')),
        });
      });
      stream.on('error', (error) => finish(connectionError(messageOf(error))));
      stream.on('close', () => finish(connectionError(`stream closed (HTTP/2 code ${stream.rstCode})`)));
      stream.end('{}');
    });
  }

  /** Closes the session once its in-flight streams are done; a later `post` reconnects. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session || session.destroyed) return;
    // An idle session is unref'd: ref it while it closes, or a process with nothing else to
    // do could exit before the close completes (and `await close()` never return).
    session.ref();
    await new Promise<void>((resolve) => session.close(resolve));
  }

  private current(): ClientHttp2Session {
    const live = this.session;
    if (live && !live.closed && !live.destroyed) return live;
    const session = connect(this.url, {
      cert: this.signer.certPem,
      key: this.signer.keyPem,
      passphrase: this.signer.keyPassphrase,
    });
    // The error also reaches every stream on the session; here it only retires the session.
    session.on('error', () => this.forget(session, false));
    session.on('goaway', () => this.forget(session, false));
    session.on('close', () => this.forget(session, false));
    if (this.inFlight === 0) session.unref();
    this.session = session;
    this.lastHeardAt = 0;
    return session;
  }

  private forget(session: ClientHttp2Session, destroy: boolean): void {
    if (this.session === session) this.session = null;
    if (destroy && !session.destroyed) session.destroy();
  }
}

/** A counting semaphore: at most `size` holders, the rest wait in FIFO order. */
class Semaphore {
  private free: number;
  private waiting: (() => void)[] = [];
  /** Index of the next waiter: avoids O(n) `shift` when 100k pushes queue up. */
  private head = 0;

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting[this.head];
    if (!next) {
      this.free += 1;
      return;
    }
    this.head += 1;
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    }
    next();
  }
}

/** Exponential with "equal jitter": half the step is fixed, half random, so retries spread out. */
function backoff(baseMs: number, attempt: number): number {
  const step = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (attempt - 1));
  return step / 2 + Math.random() * (step / 2);
}

/** APNs error bodies are `{"reason": "..."}`; anything else is kept short. */
function reasonOf(body: string): string {
  if (!body) return '';
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'reason' in parsed && typeof parsed.reason === 'string')
      return parsed.reason;
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 100);
}

function connectionError(message: string): Answer {
  return { kind: 'error', reason: `apns connection error: ${message}` };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
