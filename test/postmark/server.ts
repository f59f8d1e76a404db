/**
 * A local Postmark API (`POST /email`, `POST /email/batch`, and the outbound message search
 * `GET /messages/outbound`, see `search.ts`) that speaks the real protocol,
 * errors included, so the real `postmark` client is what tests and benchmarks exercise.
 * It records every accepted message, so a test can prove no loss and no duplicate, and it
 * can be scripted to fail whole calls or to accept a call and never answer it.
 *
 * @example
 * const postmark = await startPostmarkServer({ token: 'test-token' });
 * const client = new ServerClient('test-token', { useHttps: false, requestHost: postmark.host });
 * postmark.failNext(1, 503);
 * // … first call answers 503, the next is served …
 * const { TotalCount, Messages } = await client.getOutboundMessages({ count: 50, offset: 0, metadata_runId: 'r1' });
 * await postmark.close();
 *
 * After accepting a message it can also POST the webhooks Postmark would (see `webhooks.ts`):
 * postmark.webhook = { url: 'http://127.0.0.1:3000/webhooks/postmark', user: 'pm', password: 'secret' };
 * const status = await postmark.bounce(messageId, { type: 'HardBounce' }); // the receiver's HTTP status
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultScript, type DropMode, type FailureStatus } from './faults';
import { judgeMessage, parseAddressList, type SendAnswer, type SentMessage } from './messages';
import { searchOutbound } from './search';
import {
  buildBounce,
  buildClick,
  buildDelivery,
  buildOpen,
  buildSpamComplaint,
  buildSubscriptionChange,
  DEFAULT_SERVER_ID,
  postWebhook,
  recipientOf,
  type BounceKind,
  type SubscriptionOrigin,
  type SuppressionReason,
  type WebhookPayload,
  type WebhookTarget,
} from './webhooks';

export type { SentMessage, SendAnswer } from './messages';
export type { DropMode, FailureStatus } from './faults';
export type { WebhookPayload, WebhookTarget } from './webhooks';
export type { OutboundMessageSummary, OutboundSearchAnswer } from './search';

export interface PostmarkServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The accepted `X-Postmark-Server-Token`; default `test-server-token`. */
  token?: string;
  /** Delay before every answer, failures included. */
  latencyMs?: number;
  /** Where webhooks are POSTed; none by default (then the webhook methods throw). */
  webhook?: WebhookTarget;
  /** The `ServerID` webhooks carry; default 23. */
  serverId?: number;
  /** How long after acceptance a message becomes visible to the search; default 0 (at once). */
  searchDelayMs?: number;
}

/** One webhook POST the stand-in made, with the HTTP status the receiver answered. */
export interface WebhookPost {
  payload: WebhookPayload;
  status: number;
}

/** Which recipient of a multi-recipient message the event is about; default the first. */
export interface WebhookEventOptions {
  recipient?: string;
}

/** One HTTP request as the server saw it; `status` is `'dropped'` when it was never answered. */
export interface RecordedCall {
  method: string;
  path: string;
  /** Messages in the body (1 for `/email`), 0 when the body was not a message list. */
  messages: number;
  status: number | 'dropped';
  /** The raw query string without `?` (e.g. a search's `count=50&offset=0&tag=welcome`); absent when empty. */
  query?: string;
}

export interface PostmarkServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT`, the client's `requestHost`. */
  readonly host: string;
  readonly token: string;
  /**
   * Every message Postmark accepted, in order (dropped answers included: they were sent).
   * These are also what `GET /messages/outbound` searches, newest first.
   */
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
  /** How long after acceptance a message becomes visible to `GET /messages/outbound`. */
  searchDelayMs: number;
  /** The next `n` requests answer `status` with a real-looking `{ErrorCode, Message}` body; nothing is recorded. */
  failNext(n: number, status: FailureStatus, errorCode?: number): void;
  /** The next `n` requests are processed (accepted messages recorded) and then never answered. */
  acceptThenDrop(n: number, mode?: DropMode): void;
  /** The next `n` requests are served normally; use it to place a fault later in a sequence. */
  passNext(n: number): void;
  /** Accepted messages per recipient address (lower-cased). */
  countsByRecipient(): Map<string, number>;
  /** Where webhooks go (credentials may also be in the URL); `undefined` = no webhook. */
  webhook: WebhookTarget | undefined;
  /** Every webhook POST made, in order, with the receiver's status. */
  readonly webhooksPosted: WebhookPost[];
  /**
   * The webhook methods below each build Postmark's documented payload for an accepted message
   * (unknown MessageID → throws), POST it to `webhook` and answer the receiver's HTTP status.
   * Like Postmark, a hard bounce that deactivates, a spam complaint and a suppression add the
   * recipient to `inactiveRecipients` (later sends answer 406) and a reactivation removes it;
   * here that is server-wide, where Postmark scopes it to the message stream. One event posts
   * one webhook: a real hard bounce also posts a SubscriptionChange, call it yourself if needed.
   */
  deliver(messageId: string, opts?: WebhookEventOptions): Promise<number>;
  bounce(
    messageId: string,
    opts: WebhookEventOptions & { type: BounceKind; inactive?: boolean; description?: string; details?: string },
  ): Promise<number>;
  complain(messageId: string, opts?: WebhookEventOptions): Promise<number>;
  /**
   * A suppression (`suppress: true`) or reactivation of an address, given as a MessageID (its
   * first recipient unless `recipient` says) or as the address itself (its latest accepted
   * message, if any, supplies MessageID, stream, Tag and Metadata).
   */
  subscriptionChange(
    messageIdOrRecipient: string,
    opts: WebhookEventOptions & {
      suppress: boolean;
      reason?: SuppressionReason;
      origin?: SubscriptionOrigin;
      stream?: string;
    },
  ): Promise<number>;
  /** `FirstOpen` is true on the first open per message and recipient, false after. */
  open(messageId: string, opts?: WebhookEventOptions): Promise<number>;
  click(messageId: string, link: string, opts?: WebhookEventOptions & { location?: 'HTML' | 'Text' }): Promise<number>;
  /** POSTs `payload` (default the last one posted) again, as Postmark does when it retries. */
  replay(payload?: WebhookPayload): Promise<number>;
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
  const serverId = opts.serverId ?? DEFAULT_SERVER_ID;
  const faults = new FaultScript();
  let requests = 0;
  /** `MessageID recipient` pairs already opened, for `FirstOpen`. */
  const opened = new Set<string>();

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
    searchDelayMs: opts.searchDelayMs ?? 0,
    failNext: (n, status, errorCode) => faults.fail(n, status, errorCode),
    acceptThenDrop: (n, mode = 'reset') => faults.drop(n, mode),
    passNext: (n) => faults.pass(n),
    webhook: opts.webhook,
    webhooksPosted: [],
    deliver: async (messageId, o = {}) => post(buildDelivery(accepted(messageId), { ...o, serverId })),
    async bounce(messageId, o) {
      const payload = buildBounce(accepted(messageId), { ...o, serverId });
      if (payload.Inactive) state.inactiveRecipients.add(payload.Email.toLowerCase());
      return post(payload);
    },
    async complain(messageId, o = {}) {
      const payload = buildSpamComplaint(accepted(messageId), { ...o, serverId });
      state.inactiveRecipients.add(payload.Email.toLowerCase());
      return post(payload);
    },
    async subscriptionChange(target, o) {
      let message: SentMessage | undefined;
      let recipient: string;
      if (target.includes('@')) {
        recipient = target;
        message = latestTo(target);
      } else {
        message = accepted(target);
        recipient = recipientOf(message, o.recipient);
      }
      const payload = buildSubscriptionChange(recipient, message, { ...o, serverId });
      if (payload.SuppressSending) state.inactiveRecipients.add(recipient.toLowerCase());
      else state.inactiveRecipients.delete(recipient.toLowerCase());
      return post(payload);
    },
    async open(messageId, o = {}) {
      const message = accepted(messageId);
      const key = `${message.MessageID} ${recipientOf(message, o.recipient).toLowerCase()}`;
      const firstOpen = !opened.has(key);
      opened.add(key);
      return post(buildOpen(message, { ...o, serverId, firstOpen }));
    },
    click: async (messageId, link, o = {}) => post(buildClick(accepted(messageId), link, { ...o, serverId })),
    async replay(payload) {
      const again = payload ?? state.webhooksPosted.at(-1)?.payload;
      if (!again) throw new Error('Postmark stand-in: no webhook was posted yet, so there is nothing to replay');
      return post(again);
    },
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
      state.searchDelayMs = opts.searchDelayMs ?? 0;
      state.webhook = opts.webhook;
      state.webhooksPosted.length = 0;
      opened.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        http.closeAllConnections();
      }),
  };

  function accepted(messageId: string): SentMessage {
    const message = state.sent.find((m) => m.MessageID === messageId);
    if (!message) {
      throw new Error(
        `Postmark stand-in: no accepted message has MessageID ${messageId} ` +
          '(never sent, refused, sent with the API test token, or recorded before reset())',
      );
    }
    return message;
  }

  function latestTo(address: string): SentMessage | undefined {
    const wanted = address.toLowerCase();
    for (let i = state.sent.length - 1; i >= 0; i -= 1) {
      const message = state.sent[i];
      if (message && parseAddressList(message.To).some((a) => a.toLowerCase() === wanted)) return message;
    }
    return undefined;
  }

  async function post(payload: WebhookPayload): Promise<number> {
    const target = state.webhook;
    if (!target) {
      throw new Error(`Postmark stand-in: no webhook configured for this ${payload.RecordType} (set postmark.webhook)`);
    }
    const auth =
      target.user !== undefined || target.password !== undefined
        ? { user: target.user ?? '', password: target.password ?? '' }
        : undefined;
    const status = await postWebhook(target.url, payload, auth);
    state.webhooksPosted.push({ payload, status });
    return status;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const fault = faults.next();
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const call: RecordedCall = { method: req.method ?? '', path, messages: 0, status: 0 };
    if (url.search.length > 1) call.query = url.search.slice(1);
    state.calls.push(call);

    const reply =
      fault.kind === 'fail'
        ? { status: fault.status, body: { ErrorCode: fault.errorCode, Message: fault.message } }
        : answer(req, url, raw, call);
    if (fault.kind === 'drop') {
      call.status = 'dropped';
      // 'reset' kills the connection at once; 'hang' leaves it open until the client gives up.
      if (fault.mode === 'reset') req.socket.destroy();
      return;
    }
    call.status = reply.status;
    send(res, reply);
  }

  function answer(req: IncomingMessage, url: URL, raw: string, call: RecordedCall): Reply {
    const path = url.pathname;
    if (req.method === 'GET' && path === '/messages/outbound') return search(req, url);
    if (req.method !== 'POST' || (path !== '/email' && path !== '/email/batch')) {
      return { status: 404, body: { ErrorCode: 0, Message: `No such endpoint: ${req.method} ${path}` } };
    }
    const given = req.headers['x-postmark-server-token'];
    if (given !== token && given !== API_TEST_TOKEN) return unauthorized(given);
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

  /** `GET /messages/outbound`: the real server token only (the API test token sends nothing to search). */
  function search(req: IncomingMessage, url: URL): Reply {
    const given = req.headers['x-postmark-server-token'];
    if (given !== token) return unauthorized(given);
    if (!isJson(req.headers.accept)) {
      return inputError(409, 'Your HTTP request does not have the Accept header set to application/json.');
    }
    return searchOutbound(state.sent, url.searchParams, new Date(), state.searchDelayMs);
  }

  return state;
}

function unauthorized(given: string | string[] | undefined): Reply {
  const Message = given
    ? 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.'
    : 'Request does not contain a valid Server token.';
  return { status: 401, body: { ErrorCode: 10, Message } };
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
