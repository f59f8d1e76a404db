/**
 * A local Google Wallet API: the OAuth token endpoint (`POST /token`) and the loyalty
 * endpoints under `/walletobjects/v1/`, speaking Google's JSON and Google's errors, so the
 * real `@googleapis/walletobjects` client is what tests exercise. It keeps classes, objects
 * and messages, enforces the 3-notifications-per-pass-per-24-h budget with Google's quota
 * answer, refuses a message id the object already has (409), records every call, and can be
 * scripted to fail the next wallet requests.
 *
 * Faults (`failNext`, `resetNext`) apply to wallet requests only, never to `/token`; the
 * clock offset moves the notification-budget clock only (token lifetimes stay on real time,
 * or a skipped day would expire every token the client holds).
 *
 * @example
 * const google = await startGoogleWalletServer({ issuerId: '3388000000012345678' });
 * const sa = makeServiceAccount(google.tokenUri);
 * google.registerServiceAccount(sa.account.client_email, sa.publicKeyPem);
 * const client = createGoogleWalletClient({ issuerId: '3388000000012345678', account: loadServiceAccount(sa.path), apiUrl: google.url });
 * google.failNext(2, 503); // the next two wallet requests answer 503, then served normally
 * await google.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultScript, googleError, quotaError, type FailureStatus, type Reply } from './faults';
import { TokenIssuer } from './oauth';

export type { FailureStatus } from './faults';

export interface GoogleWalletServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** When set, ids outside `issuerId.` answer 403 Permission Denied, as for a foreign issuer. */
  issuerId?: string;
  /** Delay before every answer, failures included. */
  latencyMs?: number;
  /** TEXT_AND_NOTIFY messages allowed per object per rolling 24 h; Google's is 3. */
  notificationLimit?: number;
}

export interface StoredMessage {
  objectId: string;
  id: string;
  header: string;
  body: string;
  messageType: 'TEXT' | 'TEXT_AND_NOTIFY';
  /** Server clock (offset included), epoch ms. */
  at: number;
}

/** One HTTP request as the server saw it; `status` is `'reset'` when the connection was cut. */
export interface RecordedCall {
  method: string;
  path: string;
  status: number | 'reset';
  /** For addMessage: the requested type. */
  messageType?: string;
}

export interface GoogleWalletServer {
  /** `http://127.0.0.1:PORT`: the client's `GOOGLE_WALLET_API_URL`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT/token`: the service account's `token_uri`. */
  readonly tokenUri: string;
  /** Lets this account's assertions (verified with `publicKeyPem`) obtain tokens. */
  registerServiceAccount(clientEmail: string, publicKeyPem: string): void;
  readonly classes: Map<string, Record<string, unknown>>;
  readonly objects: Map<string, Record<string, unknown>>;
  /** Every message accepted, in order. */
  readonly messages: StoredMessage[];
  readonly calls: RecordedCall[];
  /** Access tokens issued so far. */
  readonly tokensIssued: number;
  /** Token grants received, refused ones included. */
  readonly tokenRequests: number;
  /** Added to real time for the notification budget; `advanceClock(25 * 3600_000)` skips a day. */
  clockOffsetMs: number;
  advanceClock(ms: number): void;
  latencyMs: number;
  /** The next `n` wallet requests answer `status` with Google's error body; nothing is stored. */
  failNext(n: number, status: FailureStatus): void;
  /** The next `n` wallet requests have their connection destroyed before any processing. */
  resetNext(n: number): void;
  /** The next `n` wallet requests are served normally; places a fault later in a sequence. */
  passNext(n: number): void;
  messagesFor(objectId: string): StoredMessage[];
  /** Back to the just-started state; registered accounts are kept. */
  reset(): void;
  close(): Promise<void>;
}

const DAY_MS = 24 * 3600_000;
const API = '/walletobjects/v1/';
const ROUTE = /^\/walletobjects\/v1\/(loyaltyClass|loyaltyObject)(?:\/([^/]+))?(\/addMessage)?$/;
/** Google's rule: `issuerId.identifier`, the identifier alphanumeric with '.', '_' or '-'. */
const RESOURCE_ID = /^\d+\.[A-Za-z0-9._-]+$/;

export async function startGoogleWalletServer(opts: GoogleWalletServerOptions = {}): Promise<GoogleWalletServer> {
  const faults = new FaultScript();
  const limit = opts.notificationLimit ?? 3;

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, googleError(500, 'INTERNAL', 'backendError', String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const issuer = new TokenIssuer(`${url}/token`);

  const state: GoogleWalletServer = {
    url,
    tokenUri: `${url}/token`,
    registerServiceAccount: (email, pem) => issuer.register(email, pem),
    classes: new Map(),
    objects: new Map(),
    messages: [],
    calls: [],
    get tokensIssued() {
      return issuer.grants.filter((g) => g.status === 200).length;
    },
    get tokenRequests() {
      return issuer.grants.length;
    },
    clockOffsetMs: 0,
    advanceClock(ms) {
      state.clockOffsetMs += ms;
    },
    latencyMs: opts.latencyMs ?? 0,
    failNext: (n, status) => faults.fail(n, status),
    resetNext: (n) => faults.reset(n),
    passNext: (n) => faults.pass(n),
    messagesFor: (objectId) => state.messages.filter((m) => m.objectId === objectId),
    reset() {
      state.classes.clear();
      state.objects.clear();
      state.messages.length = 0;
      state.calls.length = 0;
      state.clockOffsetMs = 0;
      state.latencyMs = opts.latencyMs ?? 0;
      faults.clear();
      issuer.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        http.closeAllConnections();
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', url).pathname;
    const call: RecordedCall = { method: req.method ?? '', path, status: 0 };
    state.calls.push(call);
    const wallet = path.startsWith(API);
    const fault = wallet ? faults.next() : { kind: 'pass' as const };
    if (state.latencyMs > 0) await sleep(state.latencyMs);
    if (fault.kind === 'reset') {
      call.status = 'reset';
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    if (fault.kind === 'fail') reply = fault.reply;
    else if (path === '/token' && req.method === 'POST') reply = issuer.grant(req.headers['content-type'], raw);
    else if (wallet) reply = answerWallet(req, path, raw, call);
    else reply = googleError(404, 'NOT_FOUND', 'notFound', `No such endpoint: ${req.method} ${path}`);
    call.status = reply.status;
    send(res, reply);
  }

  function answerWallet(req: IncomingMessage, path: string, raw: string, call: RecordedCall): Reply {
    const bearer = req.headers.authorization;
    if (!issuer.lookup(bearer)) return unauthenticated(bearer !== undefined);
    const route = ROUTE.exec(path);
    if (!route) return googleError(404, 'NOT_FOUND', 'notFound', `No such method: ${req.method} ${path}`);
    const [, kind, encodedId, addMessage] = route;
    const store = kind === 'loyaltyClass' ? state.classes : state.objects;
    const noun = kind === 'loyaltyClass' ? 'Wallet Object Class' : 'Wallet Object';
    const id = encodedId === undefined ? undefined : decodeURIComponent(encodedId);
    let body: Record<string, unknown> = {};
    if (req.method === 'POST') {
      const parsed = parseJson(raw);
      if (!parsed) return invalid('Invalid JSON payload received.');
      body = parsed;
    }

    if (req.method === 'GET' && id !== undefined && !addMessage) {
      const refused = checkId(id);
      if (refused) return refused;
      const found = store.get(id);
      return found
        ? { status: 200, body: found }
        : googleError(404, 'NOT_FOUND', 'resourceNotFound', `${noun} {${id}} not found.`);
    }
    if (req.method === 'POST' && id === undefined) {
      const resourceId = typeof body.id === 'string' ? body.id : '';
      const refused = checkId(resourceId) ?? (kind === 'loyaltyClass' ? checkClass(body) : checkObject(body));
      if (refused) return refused;
      if (store.has(resourceId)) {
        return googleError(409, 'ALREADY_EXISTS', 'duplicate', `${noun} {${resourceId}} already exists.`);
      }
      const resource = { ...body, kind: `walletobjects#${kind}`, version: '1' };
      store.set(resourceId, resource);
      return { status: 200, body: resource };
    }
    if (req.method === 'POST' && id !== undefined && addMessage && kind === 'loyaltyObject') {
      const refused = checkId(id);
      if (refused) return refused;
      const message = body.message;
      if (typeof message === 'object' && message !== null)
        call.messageType = String((message as { messageType?: unknown }).messageType);
      return addMessageTo(id, message);
    }
    return googleError(404, 'NOT_FOUND', 'notFound', `No such method: ${req.method} ${path}`);
  }

  function addMessageTo(objectId: string, input: unknown): Reply {
    const object = state.objects.get(objectId);
    if (!object) return googleError(404, 'NOT_FOUND', 'resourceNotFound', `Wallet Object {${objectId}} not found.`);
    if (typeof input !== 'object' || input === null) return invalid('Invalid argument: message must be set.');
    const m = input as Record<string, unknown>;
    const messageType = m.messageType ?? 'TEXT';
    if (messageType !== 'TEXT' && messageType !== 'TEXT_AND_NOTIFY') {
      return invalid(`Invalid value at 'message.message_type' (${String(messageType)}).`);
    }
    if (typeof m.header !== 'string' && typeof m.body !== 'string')
      return invalid('Invalid argument: message header or body must be set.');
    const id = typeof m.id === 'string' && m.id !== '' ? m.id : `auto-${state.messages.length + 1}`;
    const held = state.messagesFor(objectId);
    if (held.some((x) => x.id === id)) {
      return googleError(
        409,
        'ALREADY_EXISTS',
        'duplicate',
        `Message with id {${id}} already exists on Wallet Object {${objectId}}.`,
      );
    }
    const now = Date.now() + state.clockOffsetMs;
    if (messageType === 'TEXT_AND_NOTIFY') {
      const recent = held.filter((x) => x.messageType === 'TEXT_AND_NOTIFY' && now - x.at < DAY_MS).length;
      if (recent >= limit) return quotaError(objectId.split('.')[0] ?? '', objectId);
    }
    const stored: StoredMessage = {
      objectId,
      id,
      header: typeof m.header === 'string' ? m.header : '',
      body: typeof m.body === 'string' ? m.body : '',
      messageType,
      at: now,
    };
    state.messages.push(stored);
    const messages = Array.isArray(object.messages) ? (object.messages as unknown[]) : [];
    const { objectId: _o, at: _a, ...resourceMessage } = stored;
    object.messages = [...messages, { ...resourceMessage, kind: 'walletobjects#walletObjectMessage' }];
    return { status: 200, body: { resource: object } };
  }

  function checkId(id: string): Reply | null {
    if (!RESOURCE_ID.test(id)) return invalid(`Request contains an invalid argument. Invalid resource ID: {${id}}.`);
    if (opts.issuerId && !id.startsWith(`${opts.issuerId}.`)) {
      return googleError(403, 'PERMISSION_DENIED', 'forbidden', 'Permission Denied');
    }
    return null;
  }

  function checkClass(body: Record<string, unknown>): Reply | null {
    for (const field of ['issuerName', 'reviewStatus', 'programName'] as const) {
      if (typeof body[field] !== 'string' || body[field] === '') return missing(field);
    }
    const logo = body.programLogo as { sourceUri?: { uri?: unknown } } | undefined;
    if (typeof logo?.sourceUri?.uri !== 'string') return missing('programLogo');
    return null;
  }

  function checkObject(body: Record<string, unknown>): Reply | null {
    if (typeof body.classId !== 'string') return missing('classId');
    if (typeof body.state !== 'string') return missing('state');
    if (!state.classes.has(body.classId)) {
      return googleError(404, 'NOT_FOUND', 'resourceNotFound', `Wallet Object Class {${body.classId}} not found.`);
    }
    return checkMerchantLocations(body.merchantLocations);
  }

  return state;
}

/** Google's documented rules: at most ten merchant locations, coordinates within range. */
function checkMerchantLocations(value: unknown): Reply | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) return invalid('Invalid value at merchantLocations: expected a list.');
  if (value.length > 10) return invalid('Request contains an invalid argument. merchantLocations: at most 10 are allowed.');
  for (const [i, entry] of value.entries()) {
    const { latitude, longitude } = (entry ?? {}) as { latitude?: unknown; longitude?: unknown };
    const inRange = (v: unknown, max: number) => typeof v === 'number' && v >= -max && v <= max;
    if (!inRange(latitude, 90) || !inRange(longitude, 180)) {
      return invalid(`Request contains an invalid argument. merchantLocations[${i}]: latitude or longitude out of range.`);
    }
  }
  return null;
}

function invalid(message: string): Reply {
  return googleError(400, 'INVALID_ARGUMENT', 'invalid', message);
}

function missing(field: string): Reply {
  return invalid(`Request contains an invalid argument. Missing required field: ${field}.`);
}

/** Google's answers to a missing and to a bad (unknown, expired) bearer token. */
function unauthenticated(given: boolean): Reply {
  const reply = given
    ? googleError(
        401,
        'UNAUTHENTICATED',
        'authError',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      )
    : googleError(
        401,
        'UNAUTHENTICATED',
        'required',
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
  return { ...reply, headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' } };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=UTF-8', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

function parseJson(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
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
