/**
 * The API on a fresh Postgres database, called in-process with `app.request` (no network),
 * through Hono's typed test client: `m.api.v1.vouchers[':code'].$get({ param: { code } })`
 * checks the path, the parameters and the body against the routes (`AppType`), and
 * {@link read} answers the JSON typed as the route declares it ({@link readError} for an
 * error answer). `sendRaw` is the one untyped way in, for tests that send malformed bodies
 * or headers on purpose.
 * The default launcher talks to the suite's real Temporal dev server on a task queue no
 * worker listens on, so started runs stay pending and nothing else picks them up.
 */
import { testSigner } from '../support/certs';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import type { ClientResponse } from 'hono/client';
import { testClient } from 'hono/testing';
import { createApp, type AppType } from '../../server/api/app';
import type { RateLimitOptions } from '../../server/api/rate-limits';
import type { Db } from '../../engine/db/database';
import { createRunLauncher, type RunLauncher } from '../../server/temporal/run-launcher';
import { createTestDatabase } from '../support/database';
import { WITHOUT_RULES } from '../support/messaging-rules';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The API's typed client (`hono/testing`), with fixed headers such as a merchant's key. */
export type ApiClient = ReturnType<typeof testClient<AppType>>;

/** An answer read once: its status, its body and its headers. */
export interface Read<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** The JSON a route declares for its answers (every status it answers with `c.json`). */
export type JsonOf<R> = R extends ClientResponse<infer T, number, 'json'> ? T : never;

/** What every error answers (see server/api/errors.ts); `Details` as the test expects them. */
export interface ErrorBody<Details = Record<string, unknown>> {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Details };
}

/** The details of a 400 for a body or query the schema refuses: one entry per problem. */
export type Issues = readonly { readonly path: string; readonly message: string }[];

async function readAs<T>(res: { status: number; headers: Headers; text(): Promise<string> }): Promise<Read<T>> {
  const text = await res.text();
  const json = res.headers.get('Content-Type')?.includes('json') ?? false;
  return { status: res.status, body: (text && json ? JSON.parse(text) : text || undefined) as T, headers: res.headers };
}

/**
 * Reads a typed client's answer, its body typed as the route's JSON.
 *
 * @example
 * const res = await read(m.api.v1.vouchers[':code'].$get({ param: { code: 'SF-7K2M-9QXA' } }));
 * expect(res.body.redeemedAt).toBeNull();
 */
export async function read<R extends ClientResponse<unknown, number, 'json'>>(answer: Promise<R> | R): Promise<Read<JsonOf<R>>> {
  return readAs<JsonOf<R>>(await answer);
}

/**
 * The body of a typed client's answer that must succeed (2xx); throws naming the status and
 * the answer otherwise. For set-up steps, where a failure is the test's error, not its subject.
 *
 * @example
 * const flow = await readOk(api.v1.flows.$post({ json: { name, graph } }));
 */
export async function readOk<R extends ClientResponse<unknown, number, 'json'>>(answer: Promise<R> | R): Promise<JsonOf<R>> {
  const res = await read(answer);
  if (res.status < 200 || res.status > 299) throw new Error(`expected a 2xx answer, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Reads `POST /v1/events`' answer to one event: the route also answers batches
 * (`{results: [...]}`), so the body is narrowed to the single event's answer.
 */
export async function readEvent<R extends ClientResponse<unknown, number, 'json'>>(
  answer: Promise<R> | R,
): Promise<Read<Exclude<JsonOf<R>, { results: unknown }>>> {
  const res = await read(answer);
  if (typeof res.body === 'object' && res.body !== null && 'results' in res.body) {
    throw new Error('expected the answer to one event, got the answer to a batch');
  }
  return res as Read<Exclude<JsonOf<R>, { results: unknown }>>;
}

/**
 * Reads `POST /v1/events`' answer to a batch (`{events: [...]}`): the body narrowed to
 * `{results: [...]}`, one answer per event in order.
 */
export async function readBatch<R extends ClientResponse<unknown, number, 'json'>>(
  answer: Promise<R> | R,
): Promise<Read<Extract<JsonOf<R>, { results: unknown }>>> {
  const res = await read(answer);
  if (typeof res.body !== 'object' || res.body === null || !('results' in res.body)) {
    throw new Error(`expected the answer to a batch, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res as Read<Extract<JsonOf<R>, { results: unknown }>>;
}

/** Reads an answer expected to be an error: `{error: {code, message, details?}}`. */
export async function readError<Details = Record<string, unknown>>(
  answer: Promise<{ status: number; headers: Headers; text(): Promise<string> }>,
): Promise<Read<ErrorBody<Details>>> {
  return readAs<ErrorBody<Details>>(await answer);
}

/**
 * `value`, failing the test when it is null or undefined: for a field the route types as
 * nullable that the test expects set (assert it rather than cast it away).
 *
 * @example
 * const holdout = present(res.body.holdout, 'the hold-out');
 */
export function present<T>(value: T | null | undefined, what = 'the value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be set, got ${String(value)}`);
  return value;
}

/** A raw request's body (sent as JSON unless a string or bytes, sent as they are) and headers (a `Content-Type` given wins). */
export interface RawOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface TestMerchant {
  readonly id: string;
  readonly apiKey: string;
  readonly cardId: string;
  /** The typed client with this merchant's key. */
  readonly api: ApiClient;
  /** The typed client with this merchant's key and the given extra headers (Idempotency-Key …). */
  with(headers: Record<string, string>): ApiClient;
  /** The untyped way in with this merchant's key, for deliberately malformed requests (see `Harness.sendRaw`). */
  sendRaw<T = ErrorBody<Issues>>(method: string, path: string, options?: RawOptions): Promise<Read<T>>;
}

/** What sign-in (and accepting an invite) answers: `{staff, merchant, csrfToken}`. */
export type SessionBody = JsonOf<Awaited<ReturnType<ApiClient['v1']['auth']['sign-in']['$post']>>>;

/** A signed-in staff member: calls carry the `sf_session` cookie and the CSRF token. */
export interface StaffSession {
  /** `sf_session=<token>`, as a `Cookie` header. */
  readonly cookie: string;
  readonly csrfToken: string;
  /** The sign-in answer: `{staff, merchant, csrfToken}`. */
  readonly body: SessionBody;
  /** The typed client with the cookie and `X-CSRF-Token`. */
  readonly api: ApiClient;
  /** The typed client with the cookie only (no CSRF token). */
  readonly withoutCsrf: ApiClient;
}

export interface Harness {
  readonly db: Db;
  readonly app: ReturnType<typeof createApp>;
  /** The typed client without credentials (or with `headers`, e.g. the admin token). */
  client(headers?: Record<string, string>): ApiClient;
  /**
   * The untyped way in, for tests that send what no typed call can: malformed JSON, a body
   * the schema refuses, odd headers. `body` is sent as JSON unless it is a string (sent raw).
   */
  sendRaw<T = ErrorBody<Issues>>(method: string, path: string, options?: RawOptions): Promise<Read<T>>;
  /** Creates a merchant through the API (admin token) with one card, and an owner if given. */
  merchant(name?: string, options?: { owner?: { email: string; password: string } }): Promise<TestMerchant>;
  /** Signs in through `POST /v1/auth/sign-in`; throws unless it answers 200. */
  signIn(email: string, password: string): Promise<StaffSession>;
  /** The session an answer of sign-in or accept-invite started (its Set-Cookie and csrfToken). */
  sessionOf(answer: Read<unknown>): StaffSession;
  /** Writes a plain customer of `owner`'s card straight to the database; answers its id. */
  customer(owner: TestMerchant): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    launcher?: RunLauncher;
    adminToken?: string;
    trustProxy?: boolean;
    publicUrl?: string;
    rateLimits?: RateLimitOptions;
  } = {},
): Promise<Harness> {
  const database = await createTestDatabase();
  let connection: Connection | undefined;
  let launcher = options.launcher;
  if (!launcher) {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    launcher = createRunLauncher(new Client({ connection }), `api-test-${randomUUID()}`);
  }
  const app = createApp({
    db: database.db,
    launcher,
    adminToken: 'adminToken' in options ? options.adminToken : ADMIN_TOKEN,
    readiness: async () => true,
    wallet: { publicUrl: options.publicUrl ?? 'http://localhost:3000', signer: testSigner() },
    trustProxy: options.trustProxy ?? false,
    rateLimits: options.rateLimits,
  });

  const sendRaw = async <T>(method: string, path: string, { body, headers: extra = {} }: RawOptions = {}): Promise<Read<T>> => {
    const headers: Record<string, string> = { ...extra };
    if (body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    // JSON answers are parsed; others (a poster's PDF, a page's HTML) stay text.
    return readAs<T>(await app.request(path, init));
  };

  const client: Harness['client'] = (headers = {}) => testClient(app, undefined, undefined, { headers });

  const sessionOf: Harness['sessionOf'] = (answer) => {
    const cookie = /^sf_session=[^;]+/.exec(answer.headers.get('Set-Cookie') ?? '')?.[0];
    if (answer.status !== 200 || !cookie) {
      throw new Error(`no session: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const body = answer.body as SessionBody; // the answer of sign-in or accept-invite, 200
    const csrfToken = body.csrfToken;
    return {
      cookie,
      csrfToken,
      body,
      api: client({ Cookie: cookie, 'X-CSRF-Token': csrfToken }),
      withoutCsrf: client({ Cookie: cookie }),
    };
  };

  return {
    db: database.db,
    app,
    client,
    sendRaw,
    sessionOf,
    async signIn(email, password) {
      return sessionOf(await read(client().v1.auth['sign-in'].$post({ json: { email, password } })));
    },
    async merchant(name = 'Test Café', options = {}) {
      // Without messaging rules (the café defaults), as the tests of sending expect; see WITHOUT_RULES.
      const body = { name, timezone: 'Europe/Berlin', messagingRules: WITHOUT_RULES, ...(options.owner ? { owner: options.owner } : {}) };
      const { id, apiKey } = await readOk(client({ Authorization: `Bearer ${ADMIN_TOKEN}` }).v1.merchants.$post({ json: body }));
      const auth = { Authorization: `Bearer ${apiKey}` };
      const api = client(auth);
      const card = await readOk(api.v1.cards.$post({ json: { name: 'Coffee card', stampsRequired: 10, reward: 'Free coffee' } }));
      return {
        id,
        apiKey,
        cardId: card.id,
        api,
        with: (headers) => client({ ...auth, ...headers }),
        sendRaw: (method, path, { body, headers } = {}) => sendRaw(method, path, { body, headers: { ...auth, ...headers } }),
      };
    },
    async customer(owner) {
      const row = await database.db
        .insertInto('customers')
        .values({ merchant_id: owner.id, card_id: owner.cardId, name: 'Ada', email_consent: false, stamps: 0, joined_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async close() {
      await connection?.close();
      // pg's Pool.end() resolves before its clients have said goodbye; dropping the database
      // WITH (FORCE) at once can kill those sessions mid-goodbye and pg then raises an
      // unhandled pool 'error'. Let them finish first.
      await database.db.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await database.drop();
    },
  };
}
