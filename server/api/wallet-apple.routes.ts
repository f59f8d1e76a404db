/**
 * The PassKit web service Apple devices call (mounted at `/wallet/apple`, the passes'
 * `webServiceURL`): register and unregister a device for a pass, list the passes changed
 * since a tag, fetch the latest pass, and send logs. Devices authenticate with
 * `Authorization: ApplePass <authenticationToken>`, checked in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { buildApplePass } from '../../engine/channels/wallet/apple-pass';
import type { Db } from '../../engine/db/database';
import { log } from '../../engine/log';
import { createRateLimit, type RateLimit } from '../../engine/limits/rate-limit';
import { changedSince, UPDATE_TAG_FORMAT, UPDATE_WATERMARK } from '../../engine/wallet/pass-changes';
import { loadPass } from '../../engine/wallet/pass-content';
import type { Wallet } from '../../engine/wallet/wallet';
import type { BaseEnv } from './env';
import { ApiError, notFound } from './errors';
import { jsonBody } from './validate';

const DEVICE_ID = /^[A-Za-z0-9._-]{1,128}$/;
const registrationBody = z.object({
  pushToken: z.string().regex(/^[0-9a-fA-F]{64,200}$/, 'must be the hex APNs push token of the device'),
});
const logBody = z.object({ logs: z.array(z.string()).max(100) });

/**
 * A person has a phone and perhaps a watch and an iPad: 10 devices per pass is far above
 * that, and keeps every push to a pass at 10 APNs requests at most.
 */
export const MAX_DEVICES_PER_PASS = 10;
/** What one PassKit log call writes to our log at most. */
export const LOG_LINES_KEPT = 10;
export const LOG_LINE_CHARS = 500;

/** Mounted at `/wallet/apple`. */
export function walletAppleRoutes(db: Db, wallet: Wallet) {
  // Registration calls: per device id (chosen by the caller), per pass (whose serial and
  // token any holder has) and per client address; log calls per client address.
  const limits = {
    device: createRateLimit({ calls: 30, windowMs: 60_000 }),
    pass: createRateLimit({ calls: 30, windowMs: 60 * 60_000 }),
    client: createRateLimit({ calls: 120, windowMs: 60_000 }),
    log: createRateLimit({ calls: 10, windowMs: 60_000 }),
  };
  const rateLimited = (limit: RateLimit, key: string, what: string) => {
    const wait = limit.hit(key);
    if (wait > 0) {
      throw new ApiError('rate_limited', `Too many ${what}; retry in ${wait} s`, undefined, { 'Retry-After': String(wait) });
    }
  };
  /** The pass's own limit counts only callers holding its token, so strangers cannot spend it. */
  const registrationLimits = async (c: Context<BaseEnv>, deviceId: string, serial: string) => {
    rateLimited(limits.client, c.get('client'), 'PassKit calls from this address');
    rateLimited(limits.device, deviceId, `registration calls from device ${deviceId}`);
    await authenticate(db, c, serial);
    rateLimited(limits.pass, serial, 'registration calls for this pass');
  };

  return new Hono<BaseEnv>()
    .post('/v1/devices/:deviceId/registrations/:passTypeId/:serial', jsonBody(registrationBody), async (c) => {
      const { deviceId, serial } = deviceAndPass(c, wallet);
      await registrationLimits(c, deviceId, serial);
      const { pushToken } = c.req.valid('json');
      const answer = await db.transaction().execute(async (tx) => {
        // Locks the pass: concurrent registrations of one pass count one after the other.
        await tx.selectFrom('passes').select('serial_number').where('serial_number', '=', serial).forUpdate().execute();
        const existing = await tx
          .selectFrom('apple_registrations')
          .select(['device_library_id'])
          .where('serial_number', '=', serial)
          .execute();
        const known = existing.some((r) => r.device_library_id === deviceId);
        if (!known && existing.length >= MAX_DEVICES_PER_PASS) return 'full' as const;
        // The token is this registration's own: another pass on the same device keeps its token.
        await tx
          .insertInto('apple_registrations')
          .values({ serial_number: serial, device_library_id: deviceId, push_token: pushToken })
          .onConflict((oc) => oc.columns(['serial_number', 'device_library_id']).doUpdateSet({ push_token: pushToken }))
          .execute();
        return known ? ('updated' as const) : ('created' as const);
      });
      if (answer === 'full') {
        throw new ApiError('forbidden', `This pass is already on ${MAX_DEVICES_PER_PASS} devices; remove it from one first`);
      }
      log.info('wallet device registered', { deviceId, created: answer === 'created' });
      return c.body(null, answer === 'created' ? 201 : 200);
    })
    .delete('/v1/devices/:deviceId/registrations/:passTypeId/:serial', async (c) => {
      const { deviceId, serial } = deviceAndPass(c, wallet);
      await registrationLimits(c, deviceId, serial);
      await db
        .deleteFrom('apple_registrations')
        .where('serial_number', '=', serial)
        .where('device_library_id', '=', deviceId)
        .execute();
      log.info('wallet device unregistered', { deviceId });
      return c.body(null, 200);
    })
    .get('/v1/devices/:deviceId/registrations/:passTypeId', async (c) => {
      const deviceId = c.req.param('deviceId');
      if (!DEVICE_ID.test(deviceId)) throw new ApiError('bad_request', 'The device library identifier is malformed');
      if (c.req.param('passTypeId') !== wallet.signer.passTypeId) throw notFound('Pass type');
      const since = c.req.query('passesUpdatedSince');
      if (since !== undefined && since !== '' && !UPDATE_TAG_FORMAT.test(since)) {
        throw new ApiError('bad_request', 'passesUpdatedSince must be a tag this service answered as lastUpdated');
      }
      const { rows } = await sql<{ serial_number: string; watermark: string }>`
        select p.serial_number, ${UPDATE_WATERMARK} as watermark
        from apple_registrations r join passes p on p.serial_number = r.serial_number
        where r.device_library_id = ${deviceId} and ${since ? changedSince('p', since) : sql<boolean>`true`}
        order by p.serial_number`
        .execute(db)
        .catch((err: unknown) => {
          // A tag of the right shape that no snapshot could have produced (xmax < xmin, …).
          if ((err as { code?: string }).code === '22P02')
            throw new ApiError('bad_request', 'passesUpdatedSince is not a tag this service answered');
          throw err;
        });
      if (rows.length === 0) return c.body(null, 204);
      return c.json({ serialNumbers: rows.map((r) => r.serial_number), lastUpdated: rows[0]!.watermark }, 200);
    })
    .get('/v1/passes/:passTypeId/:serial', async (c) => {
      if (c.req.param('passTypeId') !== wallet.signer.passTypeId) throw notFound('Pass type');
      const serial = c.req.param('serial');
      await authenticate(db, c, serial);
      const pass = await loadPass(db, { serialNumber: serial }, wallet.publicUrl);
      if (!pass) throw notFound('Pass');
      const modified = Math.floor(pass.content.updatedAt.getTime() / 1000);
      const since = Date.parse(c.req.header('If-Modified-Since') ?? '');
      const headers = { 'Last-Modified': new Date(modified * 1000).toUTCString() };
      if (Number.isFinite(since) && modified <= Math.floor(since / 1000)) return c.body(null, 304, headers);
      const body = await buildApplePass(pass.content, wallet.signer);
      return c.body(new Uint8Array(body), 200, { ...headers, 'Content-Type': 'application/vnd.apple.pkpass' });
    })
    .post(
      '/v1/log',
      async (c, next) => {
        rateLimited(limits.log, c.get('client'), 'log calls from this address');
        await next();
      },
      jsonBody(logBody),
      async (c) => {
        // Anyone may call this: keep what it writes to our log small.
        const { logs } = c.req.valid('json');
        const lines = logs
          .slice(0, LOG_LINES_KEPT)
          .map((line) => (line.length > LOG_LINE_CHARS ? `${line.slice(0, LOG_LINE_CHARS)}…` : line));
        log.info('wallet device log', { lines, dropped: logs.length - lines.length });
        return c.body(null, 200);
      },
    );
}

function deviceAndPass(c: Context, wallet: Wallet): { deviceId: string; serial: string } {
  const deviceId = c.req.param('deviceId') ?? '';
  if (!DEVICE_ID.test(deviceId)) throw new ApiError('bad_request', 'The device library identifier is malformed');
  if (c.req.param('passTypeId') !== wallet.signer.passTypeId) throw notFound('Pass type');
  return { deviceId, serial: c.req.param('serial') ?? '' };
}

/** 401 unless the request carries the pass's own token; an unknown serial looks the same. */
async function authenticate(db: Db, c: Context, serial: string): Promise<void> {
  const header = c.req.header('Authorization') ?? '';
  const presented = header.startsWith('ApplePass ') ? header.slice('ApplePass '.length).trim() : '';
  const pass = await db
    .selectFrom('passes')
    .select('authentication_token')
    .where('serial_number', '=', serial)
    .executeTakeFirst();
  // Compare digests: equal lengths whatever was sent, and no early exit on the first wrong byte.
  const expected = digest(pass?.authentication_token ?? '\0no pass');
  if (!pass || presented === '' || !timingSafeEqual(digest(presented), expected)) {
    throw new ApiError('unauthorized', 'Authorization must be "ApplePass <the pass\'s authenticationToken>"');
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
