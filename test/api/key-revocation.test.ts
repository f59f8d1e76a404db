/**
 * "Revoked means revoked at once" in the revoking process, even for a key lookup that was
 * already in flight: its read happened before the revocation, its answer arrives after.
 * The read's answer is held back by a Kysely plugin on the real database, so the race is
 * exact rather than hoped for.
 */
import type { KyselyPlugin, QueryId } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey, revokeApiKey } from '../../engine/accounts/api-keys';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('revoking an API key', () => {
  it('refuses a lookup that was in flight when the key was revoked, and does not cache it', async () => {
    const m = await h.merchant();
    const key = await h.db.selectFrom('api_keys').select('id').where('merchant_id', '=', m.id).executeTakeFirstOrThrow();

    let holding = true;
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const selects = new WeakSet<QueryId>();
    const holdReads: KyselyPlugin = {
      transformQuery: ({ node, queryId }) => {
        if (holding && node.kind === 'SelectQueryNode') selects.add(queryId);
        return node;
      },
      transformResult: async ({ result, queryId }) => {
        if (selects.has(queryId)) {
          arrived();
          await gate;
        }
        return result;
      },
    };
    const db = h.db.withPlugin(holdReads);

    const inFlight = authenticateApiKey(db, m.apiKey);
    await arrival; // the key's row has been read, not yet revoked
    holding = false;
    expect(await revokeApiKey(db, m.id, key.id)).toBeDefined();
    release();
    expect(await inFlight).toBeUndefined();
    expect(await authenticateApiKey(db, m.apiKey)).toBeUndefined();
  });
});
