/**
 * Merchant API keys: several per merchant, each with a name, shown once at creation and
 * revocable. Only the sha256 of a key is stored; its first 12 characters (`prefix`) tell
 * keys apart in lists.
 *
 * `authenticateApiKey` trusts a known key for {@link KEY_CACHE_MS} per process, so a point of
 * sale posting thousands of events a second costs one lookup per few seconds. Revoking a key
 * forgets it in this process at once; other processes stop accepting it within that time.
 */
import { sql } from 'kysely';
import { generateApiKey, hashApiKey } from '../auth/api-key';
import type { Db } from '../db/database';
import type { ApiKey } from '../db/schema';

/** How long a known key is trusted without asking the database. Unknown keys are never cached. */
export const KEY_CACHE_MS = 5_000;
/** `last_used_at` is written at most this often per key. */
export const KEY_TOUCH_MS = 60_000;
const KEY_CACHE_MAX = 10_000;

/** Who a valid key speaks for. */
export interface KeyHolder {
  readonly keyId: string;
  readonly merchantId: string;
  readonly name: string;
}

interface CachedKey {
  readonly holder: KeyHolder;
  readonly until: number;
  /** When `last_used_at` was last known to be written (epoch ms). */
  touchedAt: number;
}

const caches = new WeakMap<Db, Map<string, CachedKey>>();
/**
 * Revocations made by this process, counted per database: a lookup that began before a
 * revocation and answers after it must neither cache nor accept the key it read.
 */
const revocations = new WeakMap<Db, number>();
const revocationsOf = (db: Db): number => revocations.get(db) ?? 0;

function cacheOf(db: Db): Map<string, CachedKey> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

/**
 * Creates a key and answers it in plaintext (the only time it is known) with its row.
 *
 * @example
 * const { key } = await issueApiKey(db, { merchantId, name: 'Till 1', createdBy: staffId });
 */
export async function issueApiKey(
  db: Db,
  input: { readonly merchantId: string; readonly name: string; readonly createdBy: string | null },
): Promise<{ readonly apiKey: ApiKey; readonly key: string }> {
  const key = generateApiKey();
  const apiKey = await db
    .insertInto('api_keys')
    .values({
      merchant_id: input.merchantId,
      name: input.name,
      key_hash: hashApiKey(key),
      prefix: key.slice(0, 12),
      created_by: input.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { apiKey, key };
}

/** The merchant's keys, revoked ones included, oldest first. */
export async function listApiKeys(db: Db, merchantId: string): Promise<ApiKey[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Revokes one of the merchant's keys (again: keeps the first revocation time) and forgets it
 * in this process. Undefined when the merchant has no such key.
 */
export async function revokeApiKey(db: Db, merchantId: string, id: string): Promise<ApiKey | undefined> {
  const revoked = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .where('merchant_id', '=', merchantId)
    .returningAll()
    .executeTakeFirst();
  if (revoked) {
    revocations.set(db, revocationsOf(db) + 1);
    cacheOf(db).delete(revoked.key_hash);
  }
  return revoked;
}

/** The holder of a key that exists and is not revoked, else undefined. Notes its use (≤ once a minute). */
export async function authenticateApiKey(db: Db, key: string): Promise<KeyHolder | undefined> {
  const hash = hashApiKey(key);
  const cache = cacheOf(db);
  const now = Date.now();
  let entry = cache.get(hash);
  if (!entry || entry.until <= now) {
    const before = revocationsOf(db);
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'merchant_id', 'name', 'last_used_at'])
      .where('key_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) {
      cache.delete(hash);
      return undefined;
    }
    // A key revoked here while the row was being read: ask again, the answer is then final.
    if (revocationsOf(db) !== before) return authenticateApiKey(db, key);
    if (cache.size >= KEY_CACHE_MAX) cache.clear();
    const touchedAt = Math.max(entry?.touchedAt ?? 0, row.last_used_at?.getTime() ?? 0);
    entry = {
      holder: { keyId: row.id, merchantId: row.merchant_id, name: row.name },
      until: now + KEY_CACHE_MS,
      touchedAt,
    };
    cache.set(hash, entry);
  }
  if (now - entry.touchedAt >= KEY_TOUCH_MS) {
    entry.touchedAt = now;
    // Conditional, so several processes sharing a key still write the row at most once a minute.
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', entry.holder.keyId)
      .where((eb) =>
        eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]),
      )
      .execute();
  }
  return entry.holder;
}
