/**
 * Reading the RS256 JWTs the server receives (token-grant assertions) and tests inspect
 * (save-to-wallet links). Verification uses `node:crypto` only, like Google's side would.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `header.payload`, the signed bytes. */
  signingInput: string;
  signature: Buffer;
}

/** null when `token` is not three base64url JSON parts. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return null;
    return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
  } catch {
    return null;
  }
}

/** True when `jwt` is RS256 and its signature verifies with `publicKey`. */
export function verifyRs256(jwt: DecodedJwt, publicKey: KeyObject | string): boolean {
  if (jwt.header.alg !== 'RS256') return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return verify('sha256', Buffer.from(jwt.signingInput), key, jwt.signature);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
