/**
 * Tenant isolation, table-driven over the app's own route list (`app.routes`): every route
 * has a case, and every merchant-scoped route is called AS MERCHANT B — once with B's API
 * key, once with B's session cookie (+ X-CSRF-Token when it changes state) — aimed at
 * merchant A's ids, or with bodies naming them. B must get the documented answer (mostly
 * 404), no answer of B's may carry A's data, and A's rows must be exactly as they were.
 *
 * A new route without a case fails "covers every route of the app", naming it.
 */
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { read, startHarness, type Harness, type Read, type StaffSession, type TestMerchant } from './harness';

const PASSWORD = 'correct horse battery';
const TAG = randomUUID().slice(0, 8);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Everything of merchant A that B's calls aim at (all made through A's own credentials). */
interface MerchantA {
  merchantId: string;
  merchantName: string;
  apiKey: string;
  cardId: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  externalId: string;
  otherCustomerId: string;
  otherCustomerEmail: string;
  flowId: string;
  flowName: string;
  runId: string;
  workflowId: string;
  campaignId: string;
  campaignName: string;
  campaignRunId: string;
  voucherCode: string;
  /** A's stamp event, fresh enough to undo. */
  stampId: string;
  outboxId: string;
  ownerId: string;
  ownerEmail: string;
  memberId: string;
  memberEmail: string;
  inviteId: string;
  inviteEmail: string;
  apiKeyId: string;
  apiKeyName: string;
  extraKey: string;
  /** A's Telegram bot (written straight to the database: connecting asks Telegram itself). */
  telegramBot: string;
}

interface Ctx {
  readonly h: Harness;
  readonly a: MerchantA;
  readonly b: { readonly merchant: TestMerchant; readonly session: StaffSession };
}

/**
 * What B must get: a status (with an optional extra check), or 200 with no trace of A. The
 * table calls every route alike, so its answers are read untyped: checks take fields with {@link at}.
 */
type Outcome =
  'no A data' | { readonly status: number; readonly check?: (res: Read<unknown>, ctx: Ctx) => void | Promise<void> };

/** The field at `path` of an untyped answer's body, failing the test when it is not there. */
function at(body: unknown, ...path: string[]): unknown {
  let value = body;
  for (const [i, key] of path.entries()) {
    if (typeof value !== 'object' || value === null || !(key in value)) {
      throw new Error(`expected ${path.slice(0, i + 1).join('.')} in ${JSON.stringify(body)}`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A string field of an untyped answer's body (see {@link at}). */
function textAt(body: unknown, ...path: string[]): string {
  const value = at(body, ...path);
  if (typeof value !== 'string') throw new Error(`expected ${path.join('.')} to be a string in ${JSON.stringify(body)}`);
  return value;
}

interface MerchantCase {
  readonly scope: 'merchant';
  /** The request path (query string allowed), from A's ids. */
  readonly path: (a: MerchantA) => string;
  readonly body?: (a: MerchantA) => unknown;
  /** For B's API key and B's session alike… */
  readonly expect: Outcome;
  /** …unless B's API key is answered otherwise (owner-only routes: 403 before any lookup). */
  readonly withKey?: Outcome;
}

interface UnscopedCase {
  readonly scope: 'none';
  readonly why: string;
}

type Case = MerchantCase | UnscopedCase;

/** A lookup of A's resource by B: 404 `not_found` from the route, never "No route for …". */
const NOT_FOUND: Outcome = {
  status: 404,
  check: (res) => {
    expect(at(res.body, 'error', 'code')).toBe('not_found');
    expect(textAt(res.body, 'error', 'message')).not.toMatch(/^No route/);
  },
};
const OWNER_ONLY: Outcome = { status: 403, check: (res) => expect(at(res.body, 'error', 'code')).toBe('forbidden') };

/** A broadcast to A's card: B may save it as a draft, but never compile it clean nor run it. */
const graphOnCardOf = (a: MerchantA) => broadcastGraph({ cardId: a.cardId, push: 'Hi' });
const foreignCardDiagnostic = { nodeId: 'trigger', field: 'cardId', code: 'invalid_value' };

/**
 * One case per `"METHOD /path"` exactly as Hono lists it in `app.routes`. Order matters only
 * in that each case runs once per credential in this order.
 */
const CASES: Record<string, Case> = {
  'GET /healthz': { scope: 'none', why: 'liveness probe: no credentials, no merchant data' },
  'POST /v1/merchants': { scope: 'none', why: 'admin token only: creates a new merchant, reads none' },
  'POST /v1/auth/sign-in': { scope: 'none', why: 'email + password, before any merchant is known' },
  'POST /v1/auth/accept-invite': { scope: 'none', why: 'the invite token itself names the merchant; no credentials' },
  'GET /v1/auth/session': { scope: 'none', why: 'answers the caller’s own session, takes no id' },
  'POST /v1/auth/sign-out': { scope: 'none', why: 'ends the caller’s own session, takes no id' },

  // Staff and API keys: listing is open to keys, changes are for a signed-in owner.
  'GET /v1/staff': { scope: 'merchant', path: () => '/v1/staff', expect: 'no A data' },
  'POST /v1/staff/invites': {
    scope: 'merchant',
    path: () => '/v1/staff/invites',
    // A has a pending invite for this address: B's invite must not replace or touch A's.
    body: (a) => ({ email: a.inviteEmail }),
    withKey: OWNER_ONLY,
    expect: {
      status: 201,
      check: async (res, { h, b }) => {
        const row = await h.db
          .selectFrom('staff_invites')
          .select('merchant_id')
          .where('id', '=', textAt(res.body, 'id'))
          .executeTakeFirstOrThrow();
        expect(row.merchant_id).toBe(b.merchant.id);
        // B's own invite for the address would show in B's later lists: remove it again.
        await h.db.deleteFrom('staff_invites').where('id', '=', textAt(res.body, 'id')).execute();
      },
    },
  },
  'DELETE /v1/staff/:id': {
    scope: 'merchant',
    path: (a) => `/v1/staff/${a.memberId}`,
    withKey: OWNER_ONLY,
    expect: NOT_FOUND,
  },
  'GET /v1/api-keys': { scope: 'merchant', path: () => '/v1/api-keys', expect: 'no A data' },
  'POST /v1/api-keys': {
    scope: 'merchant',
    path: () => '/v1/api-keys',
    body: () => ({ name: 'B till' }),
    withKey: OWNER_ONLY,
    expect: {
      status: 201,
      check: async (res, { h, b }) => {
        // The new key speaks for B: it sees B's cards only.
        const cards = await read(h.client({ Authorization: `Bearer ${textAt(res.body, 'key')}` }).v1.cards.$get());
        expect(cards.status).toBe(200);
        expect(cards.body.items.map((c) => c.id)).toContain(b.merchant.cardId);
      },
    },
  },
  'DELETE /v1/api-keys/:id': {
    scope: 'merchant',
    path: (a) => `/v1/api-keys/${a.apiKeyId}`,
    withKey: OWNER_ONLY,
    expect: NOT_FOUND,
  },

  'GET /v1/merchant/telegram': { scope: 'merchant', path: () => '/v1/merchant/telegram', expect: 'no A data' },
  'PUT /v1/merchant/telegram': {
    scope: 'merchant',
    path: () => '/v1/merchant/telegram',
    // Refused by its shape before Telegram is asked: B's call can only ever connect B's own bot.
    body: () => ({ token: 'not-a-bot-token' }),
    expect: { status: 400 },
  },
  'DELETE /v1/merchant/telegram': { scope: 'merchant', path: () => '/v1/merchant/telegram', expect: 'no A data' },
  'POST /v1/telegram/webhook/:merchantId': {
    scope: 'none',
    why: "Telegram's calls: the bot's own secret token is the key; a wrong one is a 401 (test/telegram/telegram.test.ts)",
  },
  'GET /v1/merchant/settings': { scope: 'merchant', path: () => '/v1/merchant/settings', expect: 'no A data' },
  'PUT /v1/merchant/settings': {
    scope: 'merchant',
    path: () => '/v1/merchant/settings',
    body: () => ({ frequencyCap: { push: 1, email: 1 }, quietHours: { start: '02:00', end: '03:00' } }),
    expect: { status: 200, check: (res) => expect(at(res.body, 'quietHours')).toEqual({ start: '02:00', end: '03:00' }) },
  },

  'POST /v1/cards': {
    scope: 'merchant',
    path: () => '/v1/cards',
    body: () => ({ name: 'B card', stampsRequired: 5, reward: 'Cake' }),
    expect: { status: 201 },
  },
  'GET /v1/cards': { scope: 'merchant', path: () => '/v1/cards', expect: 'no A data' },
  'GET /v1/counter/customers/:code': { scope: 'merchant', path: (a) => `/v1/counter/customers/${a.customerId}`, expect: NOT_FOUND },
  'POST /v1/events/:id/undo': { scope: 'merchant', path: (a) => `/v1/events/${a.stampId}/undo`, expect: NOT_FOUND },
  'GET /v1/cards/:id': { scope: 'merchant', path: (a) => `/v1/cards/${a.cardId}`, expect: NOT_FOUND },
  'GET /v1/cards/:id/poster.pdf': { scope: 'merchant', path: (a) => `/v1/cards/${a.cardId}/poster.pdf`, expect: NOT_FOUND },
  'GET /v1/cards/:id/logo': { scope: 'merchant', path: (a) => `/v1/cards/${a.cardId}/logo`, expect: NOT_FOUND },
  'PUT /v1/cards/:id/logo': {
    scope: 'merchant',
    path: (a) => `/v1/cards/${a.cardId}/logo`,
    body: () => 'B’s logo bytes',
    expect: NOT_FOUND,
  },
  'DELETE /v1/cards/:id/logo': { scope: 'merchant', path: (a) => `/v1/cards/${a.cardId}/logo`, expect: NOT_FOUND },
  'PATCH /v1/cards/:id': {
    scope: 'merchant',
    path: (a) => `/v1/cards/${a.cardId}`,
    body: () => ({ name: 'Taken over' }),
    expect: NOT_FOUND,
  },

  'POST /v1/customers': {
    scope: 'merchant',
    path: () => '/v1/customers',
    // A's card, and A's externalId (an upsert key): the row is refused, nothing is written.
    body: (a) => [{ name: 'Mallory', cardId: a.cardId, externalId: a.externalId, email: 'mallory@b.example' }],
    // Nothing written: 422 with every row's error.
    expect: {
      status: 422,
      check: (res) => {
        expect(at(res.body, 'error', 'code')).toBe('unprocessable');
        expect(at(res.body, 'error', 'details', 'errors')).toEqual([
          { index: 0, message: expect.stringMatching(/^cardId: no card .* belongs to this merchant$/) },
        ]);
      },
    },
  },
  // A search that matches A's customers by name, email and externalId must still find none.
  'GET /v1/customers': { scope: 'merchant', path: () => `/v1/customers?q=${TAG}`, expect: 'no A data' },
  'GET /v1/customers/:id': { scope: 'merchant', path: (a) => `/v1/customers/${a.customerId}`, expect: NOT_FOUND },
  'PATCH /v1/customers/:id': {
    scope: 'merchant',
    path: (a) => `/v1/customers/${a.customerId}`,
    body: () => ({ email: 'mallory@b.example', emailConsent: true }),
    expect: NOT_FOUND,
  },
  // A CSV row naming A's card and A's externalId: refused (the card is not B's), nothing written.
  'POST /v1/customers/import': {
    scope: 'merchant',
    path: () => '/v1/customers/import?mode=confirm',
    body: (a) => `name,externalId,cardId\nMallory,${a.externalId},${a.cardId}\n`,
    expect: {
      status: 200,
      check: (res) => {
        expect(res.body).toMatchObject({ created: 0, updated: 0 });
        expect(at(res.body, 'errors')).toEqual([{ line: 2, message: expect.stringMatching(/^Card: no card .* belongs to this merchant$/) }]);
      },
    },
  },
  'GET /v1/customers/:id/journeys': {
    scope: 'merchant',
    path: (a) => `/v1/customers/${a.customerId}/journeys`,
    expect: NOT_FOUND,
  },
  'GET /v1/customers/:id/timeline': {
    scope: 'merchant',
    path: (a) => `/v1/customers/${a.customerId}/timeline`,
    expect: NOT_FOUND,
  },
  'GET /v1/customers/:id/consent': {
    scope: 'merchant',
    path: (a) => `/v1/customers/${a.customerId}/consent`,
    expect: NOT_FOUND,
  },
  'POST /v1/customers/:id/consent': {
    scope: 'merchant',
    path: (a) => `/v1/customers/${a.customerId}/consent`,
    body: () => ({ state: 'granted' }),
    expect: NOT_FOUND,
  },
  'GET /v1/suppressions': { scope: 'merchant', path: () => '/v1/suppressions', expect: 'no A data' },
  'DELETE /v1/suppressions/:email': {
    scope: 'merchant',
    path: (a) => `/v1/suppressions/${encodeURIComponent(a.otherCustomerEmail)}`,
    body: () => ({ reason: 'B tries to lift A’s suppression' }),
    expect: NOT_FOUND,
  },

  'POST /v1/segments/count': {
    scope: 'merchant',
    path: () => '/v1/segments/count',
    body: (a) => ({
      segment: { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 0 }] },
      cardId: a.cardId,
    }),
    expect: NOT_FOUND,
  },

  'GET /v1/vouchers/:code': { scope: 'merchant', path: (a) => `/v1/vouchers/${a.voucherCode}`, expect: NOT_FOUND },
  'POST /v1/vouchers/:code/redeem': {
    scope: 'merchant',
    path: (a) => `/v1/vouchers/${a.voucherCode.toLowerCase()}/redeem`,
    expect: NOT_FOUND,
  },

  'POST /v1/events': {
    scope: 'merchant',
    path: () => '/v1/events',
    body: (a) => ({ id: `evt-${randomUUID()}`, customerId: a.customerId, type: 'stamp' }),
    expect: NOT_FOUND,
  },

  'POST /v1/flows/validate': {
    scope: 'merchant',
    path: () => '/v1/flows/validate',
    body: (a) => ({ graph: graphOnCardOf(a) }),
    expect: {
      status: 200,
      check: (res) => {
        expect(at(res.body, 'ok')).toBe(false);
        expect(at(res.body, 'diagnostics')).toContainEqual(expect.objectContaining(foreignCardDiagnostic));
      },
    },
  },
  'POST /v1/flows': {
    scope: 'merchant',
    path: () => '/v1/flows',
    body: (a) => ({ name: 'B draft on A’s card', graph: graphOnCardOf(a) }),
    // A draft may hold anything structurally valid; the foreign card is a diagnostic.
    expect: {
      status: 201,
      check: (res) => expect(at(res.body, 'diagnostics')).toContainEqual(expect.objectContaining(foreignCardDiagnostic)),
    },
  },
  'POST /v1/flows/preview-email': {
    scope: 'merchant',
    path: () => '/v1/flows/preview-email',
    body: (a) => ({ subject: 'Hi {{customer.name}}', body: '{{voucher.code}}', customerId: a.customerId }),
    expect: NOT_FOUND,
  },
  'GET /v1/flows': { scope: 'merchant', path: () => '/v1/flows?kind=all', expect: 'no A data' },
  'GET /v1/flows/:id': { scope: 'merchant', path: (a) => `/v1/flows/${a.flowId}`, expect: NOT_FOUND },
  'GET /v1/flows/:id/versions/:version': {
    scope: 'merchant',
    path: (a) => `/v1/flows/${a.flowId}/versions/1`,
    expect: NOT_FOUND,
  },
  'PUT /v1/flows/:id': {
    scope: 'merchant',
    path: (a) => `/v1/flows/${a.flowId}`,
    body: () => ({ name: 'Hijacked', graph: broadcastGraph({ push: 'Pwned' }) }),
    expect: NOT_FOUND,
  },
  'POST /v1/flows/:id/publish': { scope: 'merchant', path: (a) => `/v1/flows/${a.flowId}/publish`, expect: NOT_FOUND },
  'POST /v1/flows/:id/:action{pause|resume|archive}': {
    scope: 'merchant',
    path: (a) => `/v1/flows/${a.flowId}/archive`,
    expect: NOT_FOUND,
  },
  'POST /v1/flows/:id/runs': { scope: 'merchant', path: (a) => `/v1/flows/${a.flowId}/runs`, expect: NOT_FOUND },
  'GET /v1/flows/:id/send-preview': { scope: 'merchant', path: (a) => `/v1/flows/${a.flowId}/send-preview`, expect: NOT_FOUND },
  'POST /v1/flows/:id/versions/:version/restore': {
    scope: 'merchant',
    path: (a) => `/v1/flows/${a.flowId}/versions/1/restore`,
    expect: NOT_FOUND,
  },
  'POST /v1/flows/:id/preview': {
    scope: 'merchant',
    path: (a) => `/v1/flows/${a.flowId}/preview`,
    body: () => ({ nodeId: 'email' }),
    expect: NOT_FOUND,
  },
  'POST /v1/flows/:id/test-send': {
    scope: 'merchant',
    path: (a) => `/v1/flows/${a.flowId}/test-send`,
    // To A's own owner: B may not send A's flow (not found before anything else), nor to A's staff.
    body: (a) => ({ nodeId: 'email', to: a.ownerEmail }),
    expect: NOT_FOUND,
  },

  'GET /v1/runs': { scope: 'merchant', path: (a) => `/v1/runs?flowId=${a.flowId}`, expect: 'no A data' },
  'GET /v1/runs/:id': { scope: 'merchant', path: (a) => `/v1/runs/${a.runId}`, expect: NOT_FOUND },
  'POST /v1/runs/:id/cancel': { scope: 'merchant', path: (a) => `/v1/runs/${a.runId}/cancel`, expect: NOT_FOUND },
  'GET /v1/runs/:id/deliveries': {
    scope: 'merchant',
    path: (a) => `/v1/runs/${a.runId}/deliveries`,
    expect: NOT_FOUND,
  },
  'GET /v1/runs/:id/vouchers': {
    scope: 'merchant',
    path: (a) => `/v1/runs/${a.runId}/vouchers?q=${encodeURIComponent(a.customerName)}`,
    expect: NOT_FOUND,
  },
  'GET /v1/runs/:id/nothing-sent': {
    scope: 'merchant',
    path: (a) => `/v1/runs/${a.runId}/nothing-sent`,
    expect: NOT_FOUND,
  },
  'GET /v1/held-back': { scope: 'merchant', path: (a) => `/v1/held-back?flowId=${a.flowId}`, expect: NOT_FOUND },
  'GET /v1/runs/:id/history': { scope: 'merchant', path: (a) => `/v1/runs/${a.runId}/history`, expect: NOT_FOUND },
  'GET /v1/runs/:id/results': { scope: 'merchant', path: (a) => `/v1/runs/${a.runId}/results`, expect: NOT_FOUND },
  'GET /v1/runs/:id/results/days': {
    scope: 'merchant',
    path: (a) => `/v1/runs/${a.runId}/results/days`,
    expect: NOT_FOUND,
  },
  'GET /v1/runs/:id/members': {
    scope: 'merchant',
    path: (a) => `/v1/runs/${a.runId}/members?group=treated`,
    expect: NOT_FOUND,
  },
  'GET /v1/flows/:id/results': {
    scope: 'merchant',
    path: (a) => `/v1/flows/${a.flowId}/results?since=2020-01-01`,
    expect: NOT_FOUND,
  },
  'GET /v1/flows/:id/results/steps': {
    scope: 'merchant',
    path: (a) => `/v1/flows/${a.flowId}/results/steps?since=2020-01-01`,
    expect: NOT_FOUND,
  },

  // Searching by A's customer's email finds nothing of A's.
  'GET /v1/outbox': {
    scope: 'merchant',
    path: (a) => `/v1/outbox?q=${encodeURIComponent(a.customerEmail)}`,
    expect: 'no A data',
  },

  'POST /v1/campaigns': {
    scope: 'merchant',
    path: () => '/v1/campaigns',
    body: (a) => ({ name: 'B campaign on A’s card', cardId: a.cardId, push: { text: 'Hi' } }),
    expect: NOT_FOUND,
  },
  'GET /v1/campaigns': { scope: 'merchant', path: () => '/v1/campaigns', expect: 'no A data' },
  'POST /v1/campaigns/test-send': {
    scope: 'merchant',
    path: () => '/v1/campaigns/test-send',
    // For A's customer, to A's owner: test emails go to the caller's own staff only.
    body: (a) => ({ email: { subject: 'Hi', body: 'Hello {{customer.name}}' }, to: a.ownerEmail, customerId: a.customerId }),
    expect: {
      status: 422,
      check: (res) => expect(textAt(res.body, 'error', 'message')).toMatch(/is not a staff member of this shop/),
    },
  },
  'POST /v1/campaigns/preview': {
    scope: 'merchant',
    path: () => '/v1/campaigns/preview',
    body: (a) => ({ cardId: a.cardId, push: { text: 'Hi' } }),
    expect: NOT_FOUND,
  },

  // Wallet: phones and customers, never merchant credentials. Each pass's own token is the key
  // (test/wallet/apple-wallet.test.ts: another pass's token is a 401 and registers nothing).
  'POST /wallet/apple/v1/devices/:deviceId/registrations/:passTypeId/:serial': {
    scope: 'none',
    why: "Apple's web service: `ApplePass <token>` of that pass only",
  },
  'DELETE /wallet/apple/v1/devices/:deviceId/registrations/:passTypeId/:serial': {
    scope: 'none',
    why: "Apple's web service: `ApplePass <token>` of that pass only",
  },
  'GET /wallet/apple/v1/devices/:deviceId/registrations/:passTypeId': {
    scope: 'none',
    why: 'serial numbers of the passes the device itself registered (Apple sends no token here)',
  },
  'GET /wallet/apple/v1/passes/:passTypeId/:serial': {
    scope: 'none',
    why: "Apple's web service: `ApplePass <token>` of that pass only",
  },
  'POST /wallet/apple/v1/log': { scope: 'none', why: 'device logs, written to our log only' },
  'GET /u/:token': {
    scope: 'none',
    why: 'the signed unsubscribe token names one customer of one merchant; a forged one is a 400',
  },
  'POST /u/:token': {
    scope: 'none',
    why: 'RFC 8058 one-click: the signed token is the credential (test/email/compliance.test.ts)',
  },
  'POST /u/:token/resubscribe': { scope: 'none', why: 'the signed token is the credential, for that customer only' },
  'POST /webhooks/postmark': {
    scope: 'none',
    why: "Postmark's basic auth; each event finds its merchant through the message it names",
  },
  'GET /join/:cardId': { scope: 'none', why: "the card's public join page (the QR at the counter); shows only the card's name and reward" },
  'POST /join/:cardId': { scope: 'none', why: 'public sign-up to that card: creates a customer of its merchant only (test/api/join.test.ts)' },
  'GET /p/:token': { scope: 'none', why: "the customer's unguessable wallet token is the key to that one card" },
  'GET /p/:token/pass.pkpass': {
    scope: 'none',
    why: "the customer's unguessable wallet token is the key to that one card",
  },
  'GET /p/:token/logo.png': { scope: 'none', why: "the card's logo, shown on that customer's card page; the wallet token is the key" },
  'GET /p/:token/google': { scope: 'none', why: "the customer's unguessable wallet token is the key to that one card" },
  'GET /v1/campaigns/:id': { scope: 'merchant', path: (a) => `/v1/campaigns/${a.campaignId}`, expect: NOT_FOUND },
  'PATCH /v1/campaigns/:id': {
    scope: 'merchant',
    path: (a) => `/v1/campaigns/${a.campaignId}`,
    body: () => ({ name: 'Hijacked' }),
    expect: NOT_FOUND,
  },
};

const MERCHANT_CASES = Object.entries(CASES).flatMap(([route, c]) =>
  c.scope === 'merchant' ? [[route, c] as const] : [],
);
const CREDENTIALS = ['API key', 'session'] as const;

/** `"METHOD /path"` split, and the path pattern as a regex (`:id` → a segment, `:a{x|y}` → x or y). */
function parseRoute(route: string): { method: string; pattern: RegExp } {
  const space = route.indexOf(' ');
  const source = route
    .slice(space + 1)
    .split('/')
    .map((segment) => {
      const param = /^:\w+(?:\{(.+)\})?$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return param[1] ? `(?:${param[1]})` : '[^/]+';
    })
    .join('/');
  return { method: route.slice(0, space), pattern: new RegExp(`^${source}$`) };
}

let h: Harness;
let ctx: Ctx;
/** Strings that only A's data holds: none may appear in an answer to B (unless B sent it). */
let markers: string[];
let before: Record<string, string[]>;

/** A's rows in every table that holds merchant data (volatile columns left out). */
async function rowsOfA(): Promise<Record<string, string[]>> {
  const id = ctx.a.merchantId;
  const owned = [
    'cards',
    'card_logos',
    'telegram_bots',
    'telegram_links',
    'customers',
    'events',
    'flows',
    'runs',
    'vouchers',
    'staff',
    'staff_invites',
    'merchant_settings',
    'outbox',
    'flow_entries',
    'run_waits',
    'suppressions',
  ];
  const queries: Record<string, RawBuilder<unknown>> = {
    merchants: sql`select * from merchants where id = ${id}`,
    api_keys: sql`select id, name, key_hash, prefix, created_by, created_at, revoked_at from api_keys where merchant_id = ${id}`,
    sessions: sql`select id, staff_id, csrf_token, created_at from sessions where merchant_id = ${id}`,
    flow_versions: sql`select v.* from flow_versions v join flows f on f.id = v.flow_id where f.merchant_id = ${id}`,
    deliveries: sql`select d.* from deliveries d join runs r on r.id = d.run_id where r.merchant_id = ${id}`,
    passes: sql`select p.* from passes p join customers c on c.id = p.customer_id where c.merchant_id = ${id}`,
    ...Object.fromEntries(owned.map((t) => [t, sql`select * from ${sql.table(t)} where merchant_id = ${id}`])),
  };
  const snapshot: Record<string, string[]> = {};
  for (const [table, query] of Object.entries(queries)) {
    snapshot[table] = (await query.execute(h.db)).rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}

beforeAll(async () => {
  h = await startHarness();

  // Merchant A, with one of everything, all made through A's own key and session.
  const ownerEmail = `owner-a-${TAG}@a.example`;
  const merchantName = `Isolation A ${TAG}`;
  const aM = await h.merchant(merchantName, { owner: { email: ownerEmail, password: PASSWORD } });
  const aSession = await h.signIn(ownerEmail, PASSWORD);
  const ok = <T>(res: Read<T>, status: number, what: string): T => {
    if (res.status !== status) throw new Error(`setup ${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const customerName = `Alice ${TAG}`;
  const customerEmail = `alice-${TAG}@a.example`;
  const otherCustomerEmail = `bob-${TAG}@a.example`;
  const externalId = `ext-${TAG}`;
  ok(
    await read(aM.api.v1.customers.$post({ json: [
      { name: customerName, email: customerEmail, externalId, cardId: aM.cardId, emailConsent: true },
      { name: `Bob ${TAG}`, email: otherCustomerEmail, cardId: aM.cardId, stamps: 3 },
    ] })),
    201,
    'customers',
  );
  const customers = ok(await read(aM.api.v1.customers.$get({ query: {} })), 200, 'customer list').items;
  const customerId = customers.find((c) => c.name === customerName)?.id ?? '';
  const otherCustomerId = customers.find((c) => c.name !== customerName)?.id ?? '';
  // A's do-not-mail list (as a hard bounce webhook would leave it) and a consent change.
  await h.db
    .insertInto('suppressions')
    .values({ merchant_id: aM.id, email: otherCustomerEmail, reason: 'hard_bounce', description: `bounced ${TAG}` })
    .execute();
  ok(await read(aM.api.v1.customers[':id'].consent.$post({ param: { id: customerId }, json: { state: 'withdrawn' } })), 200, 'consent');

  // A's card logo (a raw PNG body, as the card form uploads it).
  const logo = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#123456' } }).png().toBuffer();
  const uploaded = await h.app.request(`/v1/cards/${aM.cardId}/logo`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${aM.apiKey}`, 'Content-Type': 'image/png' },
    body: new Uint8Array(logo),
  });
  if (uploaded.status !== 200) throw new Error(`setup logo: ${uploaded.status} ${await uploaded.text()}`);

  // A's Telegram bot, with one linked customer.
  const telegramBot = `a_bot_${TAG}`;
  await h.db
    .insertInto('telegram_bots')
    .values({ merchant_id: aM.id, bot_token: `123456:${TAG}-token`, bot_id: 123456, bot_username: telegramBot, webhook_secret: `secret-${TAG}` })
    .execute();
  await h.db.insertInto('telegram_links').values({ customer_id: customerId, merchant_id: aM.id, chat_id: 987654 }).execute();

  ok(
    await read(aM.api.v1.merchant.settings.$put({ json: {
      frequencyCap: { push: 7, email: 3 },
      quietHours: { start: '21:13', end: '07:47' },
    } })),
    200,
    'settings',
  );

  const flowName = `Flow ${TAG}`;
  const graph = broadcastGraph({
    cardId: aM.cardId,
    push: 'Hi',
    email: { subject: 'Hi', body: 'Hello {{customer.name}}' },
  });
  const flowId = ok(await read(aM.api.v1.flows.$post({ json: { name: flowName, graph } })), 201, 'flow').id;
  ok(await read(aM.api.v1.flows[':id'].publish.$post({ param: { id: flowId } })), 201, 'publish');
  // No worker listens on the harness's task queue: the run stays pending.
  const run = ok(await read(aM.api.v1.flows[':id'].runs.$post({ param: { id: flowId } })), 202, 'run');

  const campaignName = `Campaign ${TAG}`;
  const campaign = ok(
    await read(aM.api.v1.campaigns.$post({ json: { name: campaignName, cardId: aM.cardId, push: { text: 'Hi' } } })),
    201,
    'campaign',
  );

  // Vouchers and outbox messages are written by activities only: straight to the database.
  const voucherCode = `SF-${TAG.slice(0, 4)}-${TAG.slice(4, 8)}`.toUpperCase();
  await h.db
    .insertInto('vouchers')
    .values({
      merchant_id: aM.id,
      customer_id: customerId,
      run_id: run.runId,
      node_id: 'push',
      code: voucherCode,
      title: `Reward ${TAG}`,
      expires_at: new Date(Date.now() + 30 * 86_400_000),
    })
    .execute();
  const stamp = await h.db
    .insertInto('events')
    .values({ merchant_id: aM.id, customer_id: customerId, type: 'stamp', at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const outbox = await h.db
    .insertInto('outbox')
    .values({
      merchant_id: aM.id,
      channel: 'email',
      recipient: customerEmail,
      subject: `Outbox ${TAG}`,
      body: 'Hello Alice',
      payload: JSON.stringify({ customerId }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.db
    .insertInto('deliveries')
    .values({
      run_id: run.runId,
      node_id: 'push',
      customer_id: customerId,
      channel: 'push',
      status: 'sent',
      seq: 1,
      attempts: 1,
      updated_at: new Date(),
    })
    .execute();

  const memberEmail = `member-${TAG}@a.example`;
  const memberInvite = ok(
    await read(aSession.api.v1.staff.invites.$post({ json: { email: memberEmail } })),
    201,
    'member invite',
  );
  const token = memberInvite.inviteUrl.slice('/invite/'.length);
  const member = h.sessionOf(await read(h.client().v1.auth['accept-invite'].$post({ json: { token, password: PASSWORD } })));
  const inviteEmail = `invitee-${TAG}@a.example`;
  const invite = ok(await read(aSession.api.v1.staff.invites.$post({ json: { email: inviteEmail } })), 201, 'invite');
  const apiKeyName = `Till ${TAG}`;
  const key = ok(await read(aSession.api.v1['api-keys'].$post({ json: { name: apiKeyName } })), 201, 'API key');

  const a: MerchantA = {
    merchantId: aM.id,
    merchantName,
    apiKey: aM.apiKey,
    cardId: aM.cardId,
    customerId,
    customerName,
    customerEmail,
    externalId,
    otherCustomerId,
    otherCustomerEmail,
    flowId,
    flowName,
    runId: run.runId,
    workflowId: run.workflowId,
    campaignId: campaign.id,
    campaignName,
    campaignRunId: campaign.runId,
    voucherCode,
    stampId: stamp.id,
    outboxId: outbox.id,
    ownerId: aSession.body.staff.id,
    ownerEmail,
    memberId: member.body.staff.id,
    memberEmail,
    inviteId: invite.id,
    inviteEmail,
    apiKeyId: key.id,
    apiKeyName,
    extraKey: key.key,
    telegramBot,
  };

  // Merchant B: an owner signed in, and its API key.
  const bOwner = `owner-b-${TAG}@b.example`;
  const bM = await h.merchant(`Isolation B ${TAG}`, { owner: { email: bOwner, password: PASSWORD } });
  ctx = { h, a, b: { merchant: bM, session: await h.signIn(bOwner, PASSWORD) } };

  // `"start":"21:13"`: A's quiet hours as the settings answer spells them.
  markers = [...Object.values(a), '"start":"21:13"'];
  before = await rowsOfA();
});
afterAll(async () => h?.close());

describe('tenant isolation: the route table', () => {
  it('covers every route of the app, and only routes the app has', () => {
    const routes = [...new Set(h.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
    const problems = [
      ...routes.filter((r) => !Object.hasOwn(CASES, r)).map((r) => `add a cross-merchant case for ${r}`),
      ...Object.keys(CASES)
        .filter((k) => !routes.includes(k))
        .map((k) => `remove the case for ${k}: the app has no such route`),
    ];
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('aims every case at its own route, and lets 403 stand only where B’s session gets 404', () => {
    for (const [route, c] of MERCHANT_CASES) {
      const { pattern } = parseRoute(route);
      expect(c.path(ctx.a).split('?')[0], route).toMatch(pattern);
      if (c.withKey !== undefined && c.withKey !== 'no A data' && c.withKey.status === 403 && route.includes('/:')) {
        expect(c.expect, `${route}: a 403 to B's key proves nothing unless B's session gets 404`).toBe(NOT_FOUND);
      }
    }
  });

  it('aims at ids A itself can read (so a 404 to B means something)', async () => {
    for (const [route, c] of MERCHANT_CASES) {
      if (parseRoute(route).method !== 'GET') continue;
      const res = await ctx.h.sendRaw<unknown>('GET', c.path(ctx.a), { headers: { Authorization: `Bearer ${ctx.a.apiKey}` } });
      expect(res.status, `${route} as A: ${JSON.stringify(res.body)}`).toBe(200);
      if (c.expect === 'no A data') {
        // A's own list shows A's data, so B's list would show it too if it leaked.
        const text = JSON.stringify(res.body).toLowerCase();
        expect(
          markers.some((m) => text.includes(m.toLowerCase())),
          `${route} as A shows none of A's data`,
        ).toBe(true);
      }
    }
  });
});

describe.each(MERCHANT_CASES)('%s called by merchant B', (route, c) => {
  const { method } = parseRoute(route);

  it.each(CREDENTIALS)(`with B's %s gets the documented answer and none of A's data`, async (credential) => {
    const { a, b } = ctx;
    const path = c.path(a);
    const body = c.body?.(a);
    // Every route alike, with bodies no typed call would take (A's ids): the untyped way in.
    const res =
      credential === 'API key'
        ? await b.merchant.sendRaw<unknown>(method, path, { body })
        : await h.sendRaw<unknown>(method, path, {
            body,
            headers: { Cookie: b.session.cookie, ...(STATE_CHANGING.has(method) ? { 'X-CSRF-Token': b.session.csrfToken } : {}) },
          });
    const outcome = credential === 'API key' ? (c.withKey ?? c.expect) : c.expect;
    const shown = `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`;

    expect(res.status, shown).toBe(outcome === 'no A data' ? 200 : outcome.status);
    if (outcome !== 'no A data') await outcome.check?.(res, ctx);

    // Nothing of A's in the answer, except what B itself sent (an id echoed in an error).
    const sent = `${path} ${JSON.stringify(body ?? null)}`.toLowerCase();
    const text = JSON.stringify(res.body ?? null).toLowerCase();
    const leaked = markers.filter((m) => !sent.includes(m.toLowerCase()) && text.includes(m.toLowerCase()));
    expect(leaked, `${shown}\nleaks A's data`).toEqual([]);
  });
});

describe('after every call of merchant B', () => {
  it('leaves every row of merchant A as it was', async () => {
    const after = await rowsOfA();
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);
  });

  it('leaves A’s data unchanged as A’s own key and session see it', async () => {
    const { a } = ctx;
    const asA = h.client({ Authorization: `Bearer ${a.apiKey}` }).v1;

    const flow = await read(asA.flows[':id'].$get({ param: { id: a.flowId } }));
    expect(flow.body).toMatchObject({ name: a.flowName, status: 'active', latestVersion: 1 });
    const campaign = await read(asA.campaigns[':id'].$get({ param: { id: a.campaignId } }));
    expect(campaign.body).toMatchObject({ name: a.campaignName, runId: a.campaignRunId });
    const customers = await read(asA.customers.$get({ query: {} }));
    expect(customers.body.items.map((c) => c.id).sort()).toEqual([a.customerId, a.otherCustomerId].sort());
    expect(customers.body.items.find((c) => c.id === a.customerId)).toMatchObject({
      name: a.customerName,
      stamps: 0,
    });
    const runs = await read(asA.runs.$get({ query: {} }));
    expect(runs.body.items.map((r) => r.id).sort()).toEqual([a.runId, a.campaignRunId].sort());
    expect((await read(asA.runs[':id'].$get({ param: { id: a.runId } }))).body.status).not.toBe('cancelled');
    expect((await read(asA.vouchers[':code'].$get({ param: { code: a.voucherCode } }))).body.redeemedAt).toBeNull();
    const stamp = await h.db.selectFrom('events').select('undone_at').where('id', '=', a.stampId).executeTakeFirstOrThrow();
    expect(stamp.undone_at).toBeNull();
    expect((await read(asA.merchant.settings.$get())).body).toMatchObject({
      frequencyCap: { push: 7, email: 3 },
      quietHours: { start: '21:13', end: '07:47' },
    });
    const keys = await read(asA['api-keys'].$get());
    expect(keys.body.items).toHaveLength(2);
    expect(keys.body.items.every((k) => k.revokedAt === null)).toBe(true);
    expect((await h.client({ Authorization: `Bearer ${a.extraKey}` }).v1.cards.$get()).status).toBe(200);

    const owner = await h.signIn(a.ownerEmail, PASSWORD);
    const staff = await read(owner.api.v1.staff.$get({ query: {} }));
    expect(staff.body.items.map((s) => s.id).sort()).toEqual([a.ownerId, a.memberId].sort());
    expect(staff.body.invites).toEqual([expect.objectContaining({ id: a.inviteId, email: a.inviteEmail })]);
  });
});
