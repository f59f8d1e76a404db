/** `/v1/api-keys`: the merchant's API keys; creating and revoking need an owner. */
import { Hono } from 'hono';
import { z } from 'zod';
import { issueApiKey, listApiKeys, revokeApiKey } from '../../engine/accounts/api-keys';
import type { ApiKey } from '../../engine/db/schema';
import { merchantAuth, requireOwner } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { notFound } from './errors';
import { iso, isoOrNull } from './iso';
import { jsonBody, pathId } from './validate';

const createKeyBody = z.object({ name: z.string().trim().min(1, 'is required').max(100) });

const keyJson = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: iso(k.created_at),
  lastUsedAt: isoOrNull(k.last_used_at),
  revokedAt: isoOrNull(k.revoked_at),
});

/** Mounted at `/v1/api-keys`. */
export function apiKeysRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .get('/', async (c) => c.json({ items: (await listApiKeys(db, c.get('merchantId'))).map(keyJson) }, 200))
    .post('/', requireOwner, jsonBody(createKeyBody), async (c) => {
      const actor = c.get('actor');
      const { apiKey, key } = await issueApiKey(db, {
        merchantId: c.get('merchantId'),
        name: c.req.valid('json').name,
        createdBy: actor.kind === 'staff' ? actor.staffId : null,
      });
      return c.json(
        { id: apiKey.id, name: apiKey.name, prefix: apiKey.prefix, key, createdAt: iso(apiKey.created_at) },
        201,
      );
    })
    .delete('/:id', requireOwner, async (c) => {
      const revoked = await revokeApiKey(db, c.get('merchantId'), pathId(c.req.param('id'), 'API key'));
      if (!revoked) throw notFound('API key');
      return c.json(keyJson(revoked), 200);
    });
}
