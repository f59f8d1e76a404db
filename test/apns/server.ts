/**
 * A local APNs (the HTTP/2 push provider API) that speaks the real protocol for Wallet
 * passes, so the real sender in `engine/channels/wallet/apns.ts` is what tests and
 * benchmarks exercise: TLS with a REQUIRED client certificate issued by the test CA (a
 * client without the pass type certificate cannot even connect), `POST /3/device/<token>`
 * only, `apns-topic` checked against the client certificate's subject UID, `{"reason"}`
 * JSON errors, and an `apns-id` on every answer. It records every request, counts the
 * streams in flight at once (the proof of multiplexing) and can be scripted per token.
 *
 * @example
 * const apns = await startApnsServer({ latencyMs: 20 });
 * const sender = createApnsSender({ url: apns.url, signer });
 * apns.unregister(tokenA);          // 410 Unregistered
 * apns.failNext(tokenB, 429, 2);    // two 429s, then 200
 * await sender.push([tokenA, tokenB]);
 * expect(apns.delivered(tokenB)).toBe(1);
 * await apns.close();
 */
import { randomUUID } from 'node:crypto';
import {
  createSecureServer,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { testCertificates, type TestCertificates } from '../support/certs';
import { ApnsFaults, type ApnsFailureStatus, type ApnsReply } from './faults';

export type { ApnsFailureStatus, ApnsReply } from './faults';

export interface ApnsServerOptions {
  /** 0 (the default) picks a free port; a fixed port lets a test "restart" APNs. */
  port?: number;
  /** Delay before every answer, errors included; default 0. */
  latencyMs?: number;
  /** Default `testCertificates()` (the suite's, from WALLET_TEST_CERTS). */
  certs?: TestCertificates;
}

/** One request as the server saw it; `status` is `'dropped'` when it was never answered. */
export interface ApnsRequest {
  /** The path's device token ('' when the path was not `/3/device/<token>`). */
  readonly token: string;
  readonly topic: string | null;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number | 'dropped';
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

export interface ApnsServer {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Every request, in the order they were answered (or dropped). */
  readonly requests: ApnsRequest[];
  latencyMs: number;
  /** Requests received and not yet answered, now. */
  readonly inFlight: number;
  /** The highest number of requests in flight at once. */
  readonly maxConcurrentStreams: number;
  /** HTTP/2 sessions opened (one per TLS connection that completed with a client certificate). */
  readonly sessions: number;
  /** TLS handshakes the server refused (e.g. no or untrusted client certificate). */
  readonly refusedConnections: number;
  /** 200s answered for `token`. */
  delivered(token: string): number;
  /** Tokens with at least one 200, and their counts. */
  deliveredCounts(): ReadonlyMap<string, number>;
  /** From now on `token` answers 410 Unregistered. */
  unregister(token: string): void;
  /** From now on `token` answers 400 BadDeviceToken. */
  badToken(token: string): void;
  /** The next `times` requests for `token` (or any, with `'*'`) answer `status`. */
  failNext(token: string, status: ApnsFailureStatus, times: number): void;
  /** Sends GOAWAY on every open session, as APNs does before maintenance; clients must reconnect. */
  goAway(): void;
  /** Recordings, counters and scripts cleared. */
  reset(): void;
  /** Stops listening and cuts every open session at once (in-flight streams are lost). */
  close(): Promise<void>;
}

const TOKEN = /^[0-9a-f]{64}$/i;
const DEVICE_PATH = '/3/device/';
/** APNs's limit for a regular notification payload. */
const MAX_PAYLOAD_BYTES = 4096;

export async function startApnsServer(options: ApnsServerOptions = {}): Promise<ApnsServer> {
  const certs = options.certs ?? testCertificates();
  const faults = new ApnsFaults();
  const open = new Set<ServerHttp2Session>();
  const delivered = new Map<string, number>();
  let inFlight = 0;
  let maxConcurrentStreams = 0;
  let sessions = 0;
  let refusedConnections = 0;

  const server = createSecureServer({
    key: certs.apnsServer.keyPem,
    cert: certs.apnsServer.certPem,
    // Mutual TLS as on Apple's side: only certificates issued by the (test) CA get in.
    requestCert: true,
    rejectUnauthorized: true,
    ca: certs.ca.certPem,
    allowHTTP1: false,
    // APNs advertises a large stream limit once a connection is established.
    settings: { maxConcurrentStreams: 1000 },
  });
  server.on('session', (session) => {
    sessions += 1;
    open.add(session);
    session.on('close', () => open.delete(session));
    session.on('error', () => undefined);
  });
  server.on('tlsClientError', () => {
    refusedConnections += 1;
  });
  server.on('stream', (stream, headers) => {
    inFlight += 1;
    maxConcurrentStreams = Math.max(maxConcurrentStreams, inFlight);
    stream.once('close', () => {
      inFlight -= 1;
    });
    stream.on('error', () => undefined);
    handle(stream, headers).catch(() => {
      if (!stream.destroyed) stream.close();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const state: ApnsServer = {
    url: `https://127.0.0.1:${port}`,
    port,
    requests: [],
    latencyMs: options.latencyMs ?? 0,
    get inFlight() {
      return inFlight;
    },
    get maxConcurrentStreams() {
      return maxConcurrentStreams;
    },
    get sessions() {
      return sessions;
    },
    get refusedConnections() {
      return refusedConnections;
    },
    delivered: (token) => delivered.get(token) ?? 0,
    deliveredCounts: () => delivered,
    unregister: (token) => void faults.unregistered.add(token),
    badToken: (token) => void faults.badTokens.add(token),
    failNext: (token, status, times) => faults.failNext(token, status, times),
    goAway() {
      for (const session of open) session.close();
    },
    reset() {
      state.requests.length = 0;
      delivered.clear();
      faults.clear();
      maxConcurrentStreams = 0;
      sessions = 0;
      refusedConnections = 0;
      state.latencyMs = options.latencyMs ?? 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of open) session.destroy();
      }),
  };

  async function handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    const at = Date.now();
    const body = await readBody(stream);
    const path = headers[':path'] ?? '';
    const token = path.startsWith(DEVICE_PATH) ? decodeURIComponent(path.slice(DEVICE_PATH.length)) : '';
    const topic = typeof headers['apns-topic'] === 'string' ? headers['apns-topic'] : null;
    const reply = protocolError(headers, token, topic, clientUid(stream), body) ??
      faults.answerFor(token) ?? { status: 200 };
    if (state.latencyMs > 0) await sleep(state.latencyMs);

    const answered = !stream.destroyed && !stream.closed;
    state.requests.push({
      token,
      topic,
      headers: { ...headers },
      body,
      status: answered ? reply.status : 'dropped',
      at,
    });
    if (!answered) return;
    if (reply.status === 200) delivered.set(token, (delivered.get(token) ?? 0) + 1);
    const requestedId = headers['apns-id'];
    const apnsId = typeof requestedId === 'string' && requestedId ? requestedId : randomUUID();
    if (!reply.body) {
      stream.respond({ ':status': reply.status, 'apns-id': apnsId }, { endStream: true });
      return;
    }
    stream.respond({ ':status': reply.status, 'apns-id': apnsId, 'content-type': 'application/json' });
    stream.end(JSON.stringify(reply.body));
  }

  return state;
}

/** The checks APNs makes before it looks at the device, in its order; null when all pass. */
function protocolError(
  headers: IncomingHttpHeaders,
  token: string,
  topic: string | null,
  certificateUid: string | null,
  body: string,
): ApnsReply | null {
  if (headers[':method'] !== 'POST') return { status: 405, body: { reason: 'MethodNotAllowed' } };
  if (!headers[':path']?.startsWith(DEVICE_PATH)) return { status: 404, body: { reason: 'BadPath' } };
  if (!TOKEN.test(token)) return { status: 400, body: { reason: 'BadDeviceToken' } };
  if (!topic) return { status: 400, body: { reason: 'MissingTopic' } };
  if (topic !== certificateUid) return { status: 400, body: { reason: 'TopicDisallowed' } };
  if (body.length === 0) return { status: 400, body: { reason: 'PayloadEmpty' } };
  if (Buffer.byteLength(body) > MAX_PAYLOAD_BYTES) return { status: 413, body: { reason: 'PayloadTooLarge' } };
  return null;
}

/** Per session: the certificate is parsed once, not for each of thousands of streams. */
const uidBySession = new WeakMap<object, string | null>();

/** The subject UID of the client certificate: for a pass type certificate, its pass type id. */
function clientUid(stream: ServerHttp2Stream): string | null {
  const session = stream.session;
  if (!session) return null;
  const known = uidBySession.get(session);
  if (known !== undefined) return known;
  const subject = (session.socket as TLSSocket).getPeerCertificate().subject as Record<string, unknown> | undefined;
  const uid = typeof subject?.UID === 'string' ? subject.UID : null;
  uidBySession.set(session, uid);
  return uid;
}

function readBody(stream: ServerHttp2Stream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
    stream.on('close', () => reject(new Error('stream closed before its body ended')));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
