/**
 * The customer's wallet page (`/p/:token`, the `walletUrl` of every customer): the card
 * with "Add to Apple Wallet" and "Save to Google Wallet". No sign-in: the unguessable
 * token is the key, as in every loyalty app's "add your card" link.
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import { htmlPage } from './html-page';
import type { Db } from '../../engine/db/database';
import { log } from '../../engine/log';
import { loadPass, type StoredPass } from '../../engine/wallet/pass-content';
import { buildApplePass } from '../../engine/channels/wallet/apple-pass';
import { appleWebServiceUrl, googleClassSuffix, googleObjectSuffix, type Wallet } from '../../engine/wallet/wallet';
import type { BaseEnv } from './env';
import { ApiError } from './errors';

const TOKEN = /^[0-9a-f]{64}$/;

/** Mounted at `/p`. */
export function walletPagesRoutes(db: Db, wallet: Wallet) {
  /** The pass a wallet token names; undefined for anything else. */
  const lookup = async (token: string): Promise<StoredPass | undefined> =>
    TOKEN.test(token) ? loadPass(db, { walletToken: token }, appleWebServiceUrl(wallet.publicUrl)) : undefined;
  const find = async (token: string): Promise<StoredPass> => {
    const pass = await lookup(token);
    if (!pass) throw new ApiError('not_found', 'No card at this address: ask the shop for a new link');
    return pass;
  };

  return new Hono<BaseEnv>()
    .get('/:token', async (c) => {
      const token = c.req.param('token');
      const pass = await lookup(token);
      if (!pass)
        return c.html(page('Card not found', html`<p>No card at this address. Ask the shop for a new link.</p>`), 404);
      return c.html(page(`${pass.content.cardName} · ${pass.content.organizationName}`, cardBody(pass, token, wallet)));
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

function cardBody(pass: StoredPass, token: string, wallet: Wallet) {
  const { content } = pass;
  const left = Math.max(0, content.stampsRequired - content.stamps);
  return html`
    <main
      class="card"
      style="background:${safeColor(content.colors.background)};color:${safeColor(content.colors.foreground)}"
    >
      <p class="shop">${content.organizationName}</p>
      <h1>${content.cardName}</h1>
      <p class="stamps">${content.stamps} of ${content.stampsRequired} stamps</p>
      <p>${left === 0 ? `Your reward is ready: ${content.reward}` : `${left} more for ${content.reward}`}</p>
      ${content.voucher ? html`<p class="voucher">${content.voucher.title}: <b>${content.voucher.code}</b> (until ${content.voucher.expiresOn})</p>` : ''}
    </main>
    <p><a class="button apple" href="/p/${token}/pass.pkpass">Add to Apple Wallet</a></p>
    ${
      wallet.google
        ? html`<p><a class="button google" href="/p/${token}/google">Save to Google Wallet</a></p>`
        : html`<p class="note">Google Wallet is not set up for this shop yet.</p>`
    }
    ${
      wallet.signer.development
        ? html`<p class="note" role="note">
            Apple Wallet is not set up for this shop yet, so this card cannot go into an iPhone's wallet for now. Your
            stamps are safe on this page.
          </p>`
        : ''
    }
  `;
}

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
.card { border-radius: 14px; padding: 1.2rem 1.4rem; margin-bottom: 1.5rem; }
.card h1 { margin: .2rem 0 1rem; font-size: 1.5rem; }
.shop { margin: 0; opacity: .8; }
.stamps { font-size: 1.2rem; font-weight: 600; }
.button { display: block; text-align: center; padding: .8rem; border-radius: 10px; text-decoration: none; font-weight: 600; }
.apple { background: #000; color: #fff; }
.google { background: #fff; color: #222; border: 1px solid #999; }
.note { font-size: .9rem; color: #555; }
`;

/** Colours come from the database, which only stores `#rrggbb`; anything else falls back. */
const safeColor = (value: string) => (/^#[0-9a-fA-F]{6}$/.test(value) ? value : '#333333');
const fileName = (name: string) =>
  name
    .replace(/[^\w -]+/g, '')
    .trim()
    .slice(0, 60) || 'card';

/** This page family in its own style. */
const page = (title: string, body: unknown) => htmlPage(title, body, STYLE);
