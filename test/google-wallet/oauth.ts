/**
 * Google's OAuth 2.0 token endpoint for service accounts (the JWT-bearer grant, RFC 7523),
 * as the local server speaks it: it verifies the assertion like Google does and answers
 * with Google's `{error, error_description}` texts, so a wrong key, audience or clock fails
 * here the way it fails in production.
 */
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { decodeJwt, verifyRs256 } from './jwt';
import type { Reply } from './faults';

export const WALLET_SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google refuses assertions valid for more than an hour, or issued in the future. */
const MAX_LIFETIME_S = 3600;
const SKEW_S = 300;

export interface IssuedToken {
  clientEmail: string;
  scopes: string[];
  /** Epoch ms. */
  expiresAt: number;
}

export class TokenIssuer {
  private readonly keys = new Map<string, KeyObject>();
  readonly tokens = new Map<string, IssuedToken>();
  /** Assertions received, valid or not (their decoded claims, for tests). */
  readonly grants: { clientEmail: string | null; kid: string | null; status: number }[] = [];

  constructor(private readonly tokenUri: string) {}

  register(clientEmail: string, publicKeyPem: string): void {
    this.keys.set(clientEmail, createPublicKey(publicKeyPem));
  }

  /** The bearer token's grant, or null when unknown or expired. */
  lookup(authorization: string | undefined): IssuedToken | null {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const issued = match ? this.tokens.get(match[1] as string) : undefined;
    return issued && issued.expiresAt > Date.now() ? issued : null;
  }

  /** Answers one `POST /token` with a form body. */
  grant(contentType: string | undefined, raw: string): Reply {
    if (!(contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return oauthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams(raw);
    const grantType = form.get('grant_type');
    if (grantType !== JWT_BEARER) return oauthError('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
    const jwt = decodeJwt(form.get('assertion') ?? '');
    const clientEmail = typeof jwt?.payload.iss === 'string' ? jwt.payload.iss : null;
    const record = { clientEmail, kid: typeof jwt?.header.kid === 'string' ? jwt.header.kid : null, status: 400 };
    this.grants.push(record);
    if (!jwt) return oauthError('invalid_grant', 'Invalid JWT: the assertion is not a JWT.');
    const key = clientEmail ? this.keys.get(clientEmail) : undefined;
    if (!key) return oauthError('invalid_grant', 'Invalid grant: account not found');
    if (!verifyRs256(jwt, key)) return oauthError('invalid_grant', 'Invalid JWT Signature.');
    const { aud, iat, exp, scope } = jwt.payload;
    if (aud !== this.tokenUri) {
      return oauthError('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${this.tokenUri}`);
    }
    const now = Math.floor(Date.now() / 1000);
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      exp <= now ||
      iat > now + SKEW_S ||
      exp - iat > MAX_LIFETIME_S
    ) {
      return oauthError(
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    }
    const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
    // Google answers a missing or unknown scope with invalid_scope, not invalid_grant.
    if (!scopes.includes(WALLET_SCOPE))
      return oauthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const accessToken = `ya29.local-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, { clientEmail: clientEmail as string, scopes, expiresAt: Date.now() + 3600_000 });
    record.status = 200;
    return { status: 200, body: { access_token: accessToken, expires_in: 3600, token_type: 'Bearer' } };
  }

  clear(): void {
    this.tokens.clear();
    this.grants.length = 0;
  }
}

function oauthError(error: string, description: string): Reply {
  return { status: 400, body: { error, error_description: description } };
}
