/**
 * The customer's card page (`/p/:token`, the `walletUrl` of every customer; see
 * `card-page.ts`), the pass it offers, and the Google Wallet save link. No sign-in: the
 * unguessable token is the key, as in every loyalty app's "add your card" link.
 */
import { Hono } from 'hono';
import { cardPage, notFoundPage, qrSvg } from './card-page';
import { loadCardHome } from '../../engine/customers/card-home';
import { cardTelegram } from '../../engine/channels/telegram/links';
import type { Db } from '../../engine/db/database';
import { log } from '../../engine/log';
import { loadPass, type StoredPass } from '../../engine/wallet/pass-content';
import { buildApplePass } from '../../engine/channels/wallet/apple-pass';
import { googleClassSuffix, googleObjectSuffix, type Wallet } from '../../engine/wallet/wallet';
import type { BaseEnv } from './env';
import { ApiError } from './errors';

const TOKEN = /^[0-9a-f]{64}$/;

/** Mounted at `/p`. */
export function walletPagesRoutes(db: Db, wallet: Wallet) {
  /** The pass a wallet token names; undefined for anything else. */
  const lookup = async (token: string): Promise<StoredPass | undefined> =>
    TOKEN.test(token) ? loadPass(db, { walletToken: token }, wallet.publicUrl) : undefined;
  const find = async (token: string): Promise<StoredPass> => {
    const pass = await lookup(token);
    if (!pass) throw new ApiError('not_found', 'No card at this address: ask the shop for a new link');
    return pass;
  };

  return new Hono<BaseEnv>()
    .get('/:token', async (c) => {
      const token = c.req.param('token');
      const pass = await lookup(token);
      if (!pass) return c.html(notFoundPage(), 404);
      const [home, qr, telegram] = await Promise.all([
        loadCardHome(db, pass.customerId),
        qrSvg(pass.content.barcode),
        cardTelegram(db, pass.customerId),
      ]);
      return c.html(cardPage({ pass, home, token, qr, googleWallet: wallet.google !== undefined, telegram }));
    })
    .get('/:token/logo.png', async (c) => {
      const pass = await find(c.req.param('token'));
      if (!pass.content.logo) throw new ApiError('not_found', 'This card has no logo');
      return c.body(new Uint8Array(pass.content.logo), 200, { 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=300' });
    })
    .get('/:token/pass.pkpass', async (c) => {
      const pass = await find(c.req.param('token'));
      const body = await buildApplePass(pass.content, wallet.signer);
      return c.body(new Uint8Array(body), 200, {
        'Content-Type': 'application/vnd.apple.pkpass',
        'Content-Disposition': `attachment; filename="${fileName(pass.content.cardName)}.pkpass"`,
        'Last-Modified': pass.content.updatedAt.toUTCString(),
        'Cache-Control': 'no-store',
      });
    })
    .get('/:token/google', async (c) => {
      const pass = await find(c.req.param('token'));
      const google = wallet.google;
      if (!google) throw new ApiError('not_found', 'Google Wallet is not set up for this shop');
      // The class and the object are made on first save; both calls are idempotent.
      const unreachable = (err: unknown): never => {
        log.warn('google wallet call failed', { customerId: pass.customerId, err });
        throw new ApiError('unavailable', 'Google Wallet could not be reached; try again in a moment');
      };
      const classId =
        pass.googleClassId ??
        (await google.ensureClass(googleClassSuffix(pass.cardId), pass.content).catch(unreachable));
      if (!pass.googleClassId)
        await db.updateTable('cards').set({ google_class_id: classId }).where('id', '=', pass.cardId).execute();
      const objectId =
        pass.googleObjectId ??
        (await google
          .ensureObject(classId, googleObjectSuffix(pass.content.serialNumber), pass.content)
          .catch(unreachable));
      if (!pass.googleObjectId) {
        await db
          .updateTable('passes')
          .set({ google_object_id: objectId })
          .where('customer_id', '=', pass.customerId)
          .execute();
        log.info('google wallet object created', { customerId: pass.customerId, objectId });
      }
      return c.redirect(google.saveUrl(objectId, classId), 302);
    });
}

const fileName = (name: string) =>
  name
    .replace(/[^\w -]+/g, '')
    .trim()
    .slice(0, 60) || 'card';
