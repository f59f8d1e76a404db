/**
 * Bearer secrets handed to browsers and inboxes: session cookies and invite links. Like API
 * keys, only their sha256 is stored; 256 random bits make a fast hash enough.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes as base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The sha256 hex digest under which a token is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
