/**
 * Google service-account credentials and the OAuth 2.0 JWT-bearer grant, done by hand.
 *
 * Why not `google-auth-library`'s `JWT` client: it ignores the key file's `token_uri` and
 * always posts to Google's own token host, so a key file that points elsewhere (a local
 * test server, a proxy, a sovereign-cloud endpoint) silently talks to the wrong place.
 * Here the assertion is signed with `node:crypto` and posted to the file's `token_uri`;
 * the Wallet client only receives the resulting access token.
 *
 * @example
 * const account = loadServiceAccount(process.env.GOOGLE_APPLICATION_CREDENTIALS!);
 * const tokens = createTokenSource(account);
 * const { accessToken } = await tokens.getAccessToken(); // cached until 60 s before expiry
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const WALLET_SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A validated service-account key file. */
export interface ServiceAccount {
  readonly clientEmail: string;
  /** The parsed RSA private key; the PEM never leaves this object again. */
  readonly privateKey: KeyObject;
  /** Sent as the JWT header's `kid` so Google can pick the right public key. */
  readonly privateKeyId: string | null;
  /** Where the JWT-bearer grant is posted; honoured, unlike in the official library. */
  readonly tokenUri: string;
  /** Where the account came from (a path), for error messages. */
  readonly source: string;
}

/** What the token endpoint granted. */
export interface AccessToken {
  readonly accessToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface TokenSource {
  /** A cached token while it has more than 60 s left; otherwise one shared request for a new one. */
  getAccessToken(): Promise<AccessToken>;
  /** Forget the cached token (e.g. after a 401), so the next call asks again. */
  invalidate(): void;
  /** Token requests made so far (for tests and metrics). */
  readonly requests: number;
}

/**
 * The token endpoint refused or could not be reached. `status` is null for network errors,
 * so callers can tell "try later" (null, 5xx) from "fix the configuration" (400 invalid_grant).
 */
export class TokenError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly error: string | null,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/** Reads and validates a key file; every error names the file and what is wrong with it. */
export function loadServiceAccount(path: string): ServiceAccount {
  const fail = (what: string) => new Error(`GOOGLE_APPLICATION_CREDENTIALS (${path}): ${what}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail('is not JSON');
  }
  return parseServiceAccount(json, path);
}

/** Validates an already-parsed key file; `source` appears in error messages. */
export function parseServiceAccount(json: unknown, source: string): ServiceAccount {
  const fail = (what: string) => new Error(`GOOGLE_APPLICATION_CREDENTIALS (${source}): ${what}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail('is not a JSON object');
  const file = json as Record<string, unknown>;
  if (file.type !== 'service_account') {
    throw fail(`type is ${JSON.stringify(file.type ?? null)}, expected "service_account"`);
  }
  const clientEmail = file.client_email;
  if (typeof clientEmail !== 'string' || !clientEmail.includes('@'))
    throw fail('client_email is missing or not an email');
  const pem = file.private_key;
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN')) throw fail('private_key is not a PEM private key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw fail('private_key is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw fail('private_key is not an RSA key (RS256 needs one)');
  const tokenUri = file.token_uri;
  if (typeof tokenUri !== 'string' || !isHttpUrl(tokenUri)) throw fail('token_uri is not an http(s) URL');
  const keyId = file.private_key_id;
  return {
    clientEmail,
    privateKey,
    privateKeyId: typeof keyId === 'string' && keyId !== '' ? keyId : null,
    tokenUri,
    source,
  };
}

/** A compact RS256 JWT (`header.payload.signature`, base64url). */
export function signJwt(payload: object, key: KeyObject, keyId: string | null = null): string {
  const header = keyId ? { alg: 'RS256', typ: 'JWT', kid: keyId } : { alg: 'RS256', typ: 'JWT' };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Access tokens for `scope` from the account's own `token_uri`.
 * Concurrent callers share one in-flight request; a token is reused until 60 s before expiry.
 */
export function createTokenSource(
  account: ServiceAccount,
  scope: string = WALLET_SCOPE,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): TokenSource {
  let cached: AccessToken | null = null;
  let inFlight: Promise<AccessToken> | null = null;
  let requests = 0;

  async function request(): Promise<AccessToken> {
    requests += 1;
    const iat = Math.floor(now() / 1000);
    const assertion = signJwt(
      { iss: account.clientEmail, scope, aud: account.tokenUri, iat, exp: iat + 3600 },
      account.privateKey,
      account.privateKeyId,
    );
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
    let res: Response;
    try {
      res = await fetchImpl(account.tokenUri, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      throw new TokenError(`token request to ${account.tokenUri} failed: ${cause}`, null, null);
    }
    const text = await res.text();
    const json = parseJson(text);
    if (res.status !== 200) {
      const code = typeof json?.error === 'string' ? json.error : null;
      const description = typeof json?.error_description === 'string' ? json.error_description : text.slice(0, 200);
      throw new TokenError(
        `token request to ${account.tokenUri} refused for ${account.clientEmail}: ${res.status} ${code ?? ''}${code && description ? ': ' : ''}${description}`.trim(),
        res.status,
        code,
      );
    }
    const token = json?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new TokenError(`token response from ${account.tokenUri} has no access_token`, res.status, null);
    }
    const expiresIn = typeof json?.expires_in === 'number' ? json.expires_in : 3600;
    return { accessToken: token, expiresAt: now() + expiresIn * 1000 };
  }

  return {
    get requests() {
      return requests;
    },
    getAccessToken() {
      if (cached && now() < cached.expiresAt - 60_000) return Promise.resolve(cached);
      inFlight ??= request()
        .then((token) => {
          cached = token;
          return token;
        })
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    invalidate() {
      cached = null;
    },
  };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
