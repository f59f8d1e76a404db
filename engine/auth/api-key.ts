/**
 * Merchant API keys. The key is shown once, at creation; only its sha256 is stored,
 * so a leaked database does not leak usable keys. A fast hash is enough here because
 * the key has 128 random bits (a password would need scrypt).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sf_live_';

/** A new API key: `sf_live_` followed by 32 random hex characters. */
export function generateApiKey(): string {
  return PREFIX + randomBytes(16).toString('hex');
}

/** The sha256 hex digest under which a key is stored in `api_keys.key_hash`. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two secrets in constant time (of their digests, so lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
