/**
 * A local Postmark API (`POST /email`, `POST /email/batch`) that speaks the real protocol,
 * errors included, so the real `postmark` client is what tests and benchmarks exercise.
 * It records every accepted message, so a test can prove no loss and no duplicate, and it
 * can be scripted to fail whole calls or to accept a call and never answer it.
 *
 * @example
 * const postmark = await startPostmarkServer({ token: 'test-token' });
 * const client = new ServerClient('test-token', { useHttps: false, requestHost: postmark.host });
 * postmark.failNext(1, 503);
 * // … first call answers 503, the next is served …
 * await postmark.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultScript, type DropMode, type FailureStatus } from './faults';
import { judgeMessage, parseAddressList, type SendAnswer, type SentMessage } from './messages';

export type { SentMessage, SendAnswer } from './messages';
export type { DropMode, FailureStatus } from './faults';

export interface PostmarkServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The accepted `X-Postmark-Server-Token`; default `test-server-token`. */
  token?: string;
  /** Delay before every answer, failures included. */
  latencyMs?: number;
}

/** One HTTP request as the server saw it; `status` is `'dropped'` when it was never answered. */
export interface RecordedCall {
  method: string;
  path: string;
  /** Messages in the body (1 for `/email`), 0 when the body was not a message list. */
  messages: number;
  status: number | 'dropped';
}

export interface PostmarkServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT`, the client's `requestHost`. */
  readonly host: string;
  readonly token: string;
  /** Every message Postmark accepted, in order (dropped answers included: they were sent). */
  readonly sent: SentMessage[];
  /** Every request, answered or not. */
  readonly calls: RecordedCall[];
  /** Number of requests received. */
  readonly requests: number;
  /** Addresses (any case) that answer 406 per message. */
  inactiveRecipients: Set<string>;
  /** Addresses matching these answer 300 per message. */
  invalidRecipientPatterns: RegExp[];
  /** Known stream ids; default `outbound` and `broadcast`. */
  messageStreams: Set<string>;
  latencyMs: number;
  /** The next `n` requests answer `status` with a real-looking `{ErrorCode, Message}` body; nothing is recorded. */
  failNext(n: number, status: FailureStatus, errorCode?: number): void;
  /** The next `n` requests are processed (accepted messages recorded) and then never answered. */
  acceptThenDrop(n: number, mode?: DropMode): void;
  /** The next `n` requests are served normally; use it to place a fault later in a sequence. */
  passNext(n: number): void;
  /** Accepted messages per recipient address (lower-cased). */
  countsByRecipient(): Map<string, number>;
  /** Back to the just-started state: recordings, counters, faults and rules cleared. */
  reset(): void;
  close(): Promise<void>;
}

const BATCH_LIMIT = 500;
const DEFAULT_STREAMS = ['outbound', 'broadcast'];
/** Postmark's documented test token: validated, answered, never sent. */
const API_TEST_TOKEN = 'POSTMARK_API_TEST';

type Reply = { status: number; body: unknown };

export async function startPostmarkServer(opts: PostmarkServerOptions = {}): Promise<PostmarkServer> {
  const token = opts.token ?? 'test-server-token';
  const faults = new FaultScript();
  let requests = 0;

  const http = createServer((req, res) => {
    requests += 1;
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { ErrorCode: 0, Message: String(error) } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;

  const state: PostmarkServer = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    token,
    sent: [],
    calls: [],
    get requests() {
      return requests;
    },
    inactiveRecipients: new Set(),
    invalidRecipientPatterns: [],
    messageStreams: new Set(DEFAULT_STREAMS),
    latencyMs: opts.latencyMs ?? 0,
    failNext: (n, status, errorCode) => faults.fail(n, status, errorCode),
    acceptThenDrop: (n, mode = 'reset') => faults.drop(n, mode),
    passNext: (n) => faults.pass(n),
    countsByRecipient() {
      const counts = new Map<string, number>();
      for (const message of state.sent) {
        for (const address of parseAddressList(message.To)) {
          const key = address.toLowerCase();
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
      return counts;
    },
    reset() {
      state.sent.length = 0;
      state.calls.length = 0;
      requests = 0;
      faults.clear();
      state.inactiveRecipients = new Set();
      state.invalidRecipientPatterns = [];
      state.messageStreams = new Set(DEFAULT_STREAMS);
      state.latencyMs = opts.latencyMs ?? 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        http.closeAllConnections();
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const fault = faults.next();
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const call: RecordedCall = { method: req.method ?? '', path, messages: 0, status: 0 };
    state.calls.push(call);

    const reply =
      fault.kind === 'fail'
        ? { status: fault.status, body: { ErrorCode: fault.errorCode, Message: fault.message } }
        : answer(req, path, raw, call);
    if (fault.kind === 'drop') {
      call.status = 'dropped';
      // 'reset' kills the connection at once; 'hang' leaves it open until the client gives up.
      if (fault.mode === 'reset') req.socket.destroy();
      return;
    }
    call.status = reply.status;
    send(res, reply);
  }

  function answer(req: IncomingMessage, path: string, raw: string, call: RecordedCall): Reply {
    if (req.method !== 'POST' || (path !== '/email' && path !== '/email/batch')) {
      return { status: 404, body: { ErrorCode: 0, Message: `No such endpoint: ${req.method} ${path}` } };
    }
    const given = req.headers['x-postmark-server-token'];
    if (given !== token && given !== API_TEST_TOKEN) {
      const Message = given
        ? 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.'
        : 'Request does not contain a valid Server token.';
      return { status: 401, body: { ErrorCode: 10, Message } };
    }
    if (!isJson(req.headers['content-type']) || !isJson(req.headers.accept)) {
      return inputError(
        409,
        'Your HTTP request does not have the Accept and Content-Type headers set to application/json.',
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return inputError(402, 'Invalid JSON: the request body could not be parsed.');
    }
    const record = given === token;

    if (path === '/email') {
      call.messages = 1;
      const { answer, accepted } = judgeMessage(body, state);
      if (!accepted) return inputError(answer.ErrorCode, answer.Message);
      if (record) state.sent.push(accepted);
      return { status: 200, body: answer };
    }
    if (!Array.isArray(body)) return inputError(403, 'Incompatible JSON: a batch must be a JSON array of messages.');
    call.messages = body.length;
    if (body.length > BATCH_LIMIT) {
      return inputError(
        410,
        `Too many batch messages: a batch may contain at most ${BATCH_LIMIT} messages, got ${body.length}.`,
      );
    }
    const answers: SendAnswer[] = body.map((message) => {
      const { answer, accepted } = judgeMessage(message, state);
      if (accepted && record) state.sent.push(accepted);
      return answer;
    });
    return { status: 200, body: answers };
  }

  return state;
}

function inputError(ErrorCode: number, Message: string): Reply {
  return { status: 422, body: { ErrorCode, Message } };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(reply.body));
}

function isJson(header: string | undefined): boolean {
  return header !== undefined && header.toLowerCase().includes('application/json');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
