/**
 * The Google Wallet client: one loyalty class per card, one loyalty object per customer,
 * and `addMessage` as the push. It uses the official `@googleapis/walletobjects` client for
 * the REST calls, but not its authentication: access tokens come from `createTokenSource`,
 * which honours the key file's `token_uri` (see google-auth.ts).
 *
 * Delivery rules, so a workflow step can call `addMessage` again without harm:
 * - a message id Google already has is not a second message (409 → `sent`);
 * - the pass's notification budget (3 TEXT_AND_NOTIFY per pass per 24 h) being spent is
 *   not a failure: the same message goes out silently as TEXT → `sent`, `notified: false`;
 * - network errors, 5xx and 429 rate limits are retried with exponential backoff up to
 *   `maxAttempts`, then answered `retry`; other 4xx are `failed` with Google's message.
 *
 * @example
 * const google = createGoogleWalletClient({
 *   issuerId: process.env.GOOGLE_WALLET_ISSUER_ID!,
 *   account: loadServiceAccount(process.env.GOOGLE_APPLICATION_CREDENTIALS!),
 *   apiUrl: process.env.GOOGLE_WALLET_API_URL,
 * });
 * const classId = await google.ensureClass('card-42', content);
 * const objectId = await google.ensureObject(classId, 'card-42-cust-7', content);
 * await google.addMessage({ objectId, messageId: 'run-1-step-3', header: 'Hi', body: '2 stamps to go', notify: true });
 */
import { auth as googleAuth, walletobjects, type walletobjects_v1 } from '@googleapis/walletobjects';
import { createTokenSource, signJwt, type ServiceAccount, type TokenSource } from './google-auth';
import { classifyFailure, describeFailure, failureReason, type FailureKind, type GoogleFailure } from './google-errors';
import { fail, type Result } from '../../result';
import type { GoogleMessage, GoogleWalletClient, PassContent } from './types';
import { shortCode } from './pass-code';

export const DEFAULT_GOOGLE_WALLET_API_URL = 'https://walletobjects.googleapis.com';
/** Google requires a program logo on a loyalty class; this one is Google's own Wallet icon. */
export const DEFAULT_PROGRAM_LOGO = 'https://www.gstatic.com/images/branding/product/2x/wallet_48dp.png';

export interface GoogleWalletOptions {
  readonly issuerId: string;
  readonly account: ServiceAccount;
  /** The base before `/walletobjects/v1` (`GOOGLE_WALLET_API_URL`); default Google's. */
  readonly apiUrl?: string | undefined;
  /** HTTP attempts per message type before answering `retry`; default 4. */
  readonly maxAttempts?: number;
  /** First backoff delay; doubled after every failed attempt (with jitter). Default 200 ms. */
  readonly backoffMs?: number;
  /** The class's `programLogo`; default Google's Wallet icon. */
  readonly logoUrl?: string;
  /** Tokens for the wallet scope; default `createTokenSource(account)`. */
  readonly tokens?: TokenSource;
}

type MessageType = 'TEXT' | 'TEXT_AND_NOTIFY';
/** A call's answer after its retries; a failure's `code` says what kind it was. */
type Attempted<T> = Result<{ readonly value: T }, FailureKind, { readonly failure: GoogleFailure }> & { readonly attempts: number };

export function createGoogleWalletClient(options: GoogleWalletOptions): GoogleWalletClient {
  const { issuerId, account } = options;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const backoffMs = options.backoffMs ?? 200;
  const logoUrl = options.logoUrl ?? DEFAULT_PROGRAM_LOGO;
  const tokens = options.tokens ?? createTokenSource(account);

  // The library's OAuth2 client only carries our token: `refreshHandler` is its documented
  // hook for "the application obtains tokens itself", called whenever it has none left.
  const oauth = new googleAuth.OAuth2({ eagerRefreshThresholdMillis: 0 });
  oauth.refreshHandler = async () => {
    const token = await tokens.getAccessToken();
    // Hand over the expiry 60 s early so both caches renew at the same moment.
    return { access_token: token.accessToken, expiry_date: token.expiresAt - 60_000 };
  };
  const api = walletobjects({
    version: 'v1',
    auth: oauth,
    rootUrl: withSlash(options.apiUrl ?? DEFAULT_GOOGLE_WALLET_API_URL),
    // Retries are ours: they must know which failures are worth another try.
    retry: false,
    timeout: 15_000,
  });

  /** Runs `call`, retrying transient failures (and one stale token) with backoff. */
  async function attempt<T>(call: () => Promise<{ data: T }>): Promise<Attempted<T>> {
    for (let attempts = 1; ; attempts += 1) {
      try {
        return { ok: true, value: (await call()).data, attempts };
      } catch (error) {
        const failure = describeFailure(error);
        const kind = classifyFailure(failure);
        if (kind === 'unauthorized') {
          tokens.invalidate();
          oauth.setCredentials({});
        }
        const retryable = kind === 'transient' || kind === 'unauthorized';
        if (!retryable || attempts >= maxAttempts) return { ...fail(kind, failureReason(failure), { failure }), attempts };
        await sleep(backoffMs * 2 ** (attempts - 1) * (0.5 + Math.random() / 2));
      }
    }
  }

  /** GET, and on 404 insert; a 409 on insert means another process made it first. */
  async function ensure<T>(
    what: string,
    id: string,
    get: () => Promise<{ data: T }>,
    insert: () => Promise<{ data: T }>,
  ) {
    const found = await attempt(get);
    if (found.ok) return id;
    if (found.details.failure.status !== 404) throw new Error(`${what} ${id}: ${found.message}`);
    const made = await attempt(insert);
    if (made.ok || made.code === 'duplicate') return id;
    throw new Error(`${what} ${id}: ${made.message}`);
  }

  function send(message: GoogleMessage, messageType: MessageType) {
    return attempt(() =>
      api.loyaltyobject.addmessage({
        resourceId: message.objectId,
        requestBody: {
          message: { header: message.header, body: message.body, id: message.messageId, messageType },
        },
      }),
    );
  }

  /** Whether the message Google already holds under this id was a notifying one. */
  async function storedAsNotifying(objectId: string, messageId: string): Promise<boolean | null> {
    const found = await attempt(() => api.loyaltyobject.get({ resourceId: objectId }));
    if (!found.ok) return null;
    const stored = found.value.messages?.find((m) => m.id === messageId);
    return stored ? stored.messageType === 'TEXT_AND_NOTIFY' : null;
  }

  return {
    issuerId,

    ensureClass(classSuffix, content) {
      const id = `${issuerId}.${classSuffix}`;
      return ensure(
        'loyalty class',
        id,
        () => api.loyaltyclass.get({ resourceId: id }),
        () => api.loyaltyclass.insert({ requestBody: loyaltyClass(id, content, logoUrl) }),
      );
    },

    ensureObject(classId, objectSuffix, content) {
      const id = `${issuerId}.${objectSuffix}`;
      return ensure(
        'loyalty object',
        id,
        () => api.loyaltyobject.get({ resourceId: id }),
        () => api.loyaltyobject.insert({ requestBody: loyaltyObject(id, classId, content) }),
      );
    },

    async addMessage(message) {
      let type: MessageType = message.notify ? 'TEXT_AND_NOTIFY' : 'TEXT';
      let result = await send(message, type);
      let attempts = result.attempts;
      if (!result.ok && result.code === 'quota' && type === 'TEXT_AND_NOTIFY') {
        // The pass's notification budget is spent: the message still belongs on the pass.
        type = 'TEXT';
        result = await send(message, type);
        attempts += result.attempts;
      }
      if (result.ok) return { status: 'sent', notified: type === 'TEXT_AND_NOTIFY', attempts };
      switch (result.code) {
        case 'duplicate': {
          // A replay: Google has this message already. Say what it was, if Google tells us.
          const notified = (await storedAsNotifying(message.objectId, message.messageId)) ?? type === 'TEXT_AND_NOTIFY';
          return { status: 'sent', notified, attempts };
        }
        case 'transient':
        case 'unauthorized':
          return { status: 'retry', reason: result.message, attempts };
        case 'quota':
        case 'final':
          return { status: 'failed', reason: result.message, attempts };
      }
    },

    saveUrl(objectId, classId) {
      const jwt = signJwt(
        {
          iss: account.clientEmail,
          aud: 'google',
          typ: 'savetowallet',
          iat: Math.floor(Date.now() / 1000),
          origins: [],
          payload: { loyaltyObjects: [{ id: objectId, classId }] },
        },
        account.privateKey,
        account.privateKeyId,
      );
      return `https://pay.google.com/gp/v/save/${jwt}`;
    },
  };
}

function loyaltyClass(id: string, content: PassContent, logoUrl: string): walletobjects_v1.Schema$LoyaltyClass {
  return {
    id,
    issuerName: content.organizationName,
    programName: content.cardName,
    programLogo: {
      sourceUri: { uri: logoUrl },
      contentDescription: { defaultValue: { language: 'en-US', value: `${content.organizationName} logo` } },
    },
    hexBackgroundColor: content.colors.background,
    reviewStatus: 'UNDER_REVIEW',
  };
}

function loyaltyObject(id: string, classId: string, content: PassContent): walletobjects_v1.Schema$LoyaltyObject {
  const textModulesData: walletobjects_v1.Schema$TextModuleData[] = [
    { id: 'reward', header: 'Reward', body: content.reward },
  ];
  if (content.voucher) {
    textModulesData.push({
      id: 'voucher',
      header: content.voucher.title,
      body: `Code ${content.voucher.code}, valid until ${content.voucher.expiresOn}`,
    });
  }
  return {
    id,
    classId,
    state: 'ACTIVE',
    accountId: content.barcode,
    accountName: content.customerName,
    loyaltyPoints: { label: 'Stamps', balance: { string: `${content.stamps} / ${content.stampsRequired}` } },
    barcode: { type: 'QR_CODE', value: content.barcode, alternateText: shortCode(content.barcode) },
    textModulesData,
    // Google sets the radius and the words of a location notification (no text of ours), and
    // may not show one at all: see "Nearby on Google Wallet" in the README.
    ...(content.nearby.locations.length > 0 && {
      merchantLocations: content.nearby.locations.map(({ latitude, longitude }) => ({ latitude, longitude })),
    }),
    linksModuleData: {
      uris: [{ id: 'card-page', uri: content.pageUrl, description: `More from ${content.organizationName}` }],
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
