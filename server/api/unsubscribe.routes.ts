/**
 * One-click unsubscribe (RFC 8058), mounted at `/u`, the URL in every marketing email's
 * `List-Unsubscribe` header and footer. No cookies, no sign-in: the signed token names the
 * customer and the merchant.
 *
 * - `POST /u/:token` with the body `List-Unsubscribe=One-Click` unsubscribes at once (mail
 *   providers send exactly this; the page's button does too). It takes effect for every
 *   later page of running journeys, which read consent when they send.
 * - `GET /u/:token` only shows a page with a button: a link scanner that follows the URL
 *   unsubscribes nobody.
 * - `POST /u/:token/resubscribe` undoes it, from the same page.
 * A forged or altered token is a 400 and changes nothing.
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { htmlPage } from './html-page';
import { changeConsent } from '../../engine/customers/consent';
import { unsubscribeSecret, verifyUnsubscribe, type UnsubscribeSubject } from '../../engine/customers/unsubscribe-token';
import type { Db } from '../../engine/db/database';
import { log } from '../../engine/log';
import type { BaseEnv } from './env';

const ONE_CLICK = 'List-Unsubscribe=One-Click';

interface Recipient {
  readonly subject: UnsubscribeSubject;
  readonly token: string;
  readonly merchantName: string;
  readonly subscribed: boolean;
}

/** Mounted at `/u`. */
export function unsubscribeRoutes(db: Db) {
  /** The customer the link's token names, or undefined for a token this installation did not make. */
  const recipient = async (c: Context): Promise<Recipient | undefined> => {
    const token = c.req.param('token') ?? '';
    const subject = verifyUnsubscribe(await unsubscribeSecret(db), token);
    if (!subject) return undefined;
    const row = await db
      .selectFrom('customers as c')
      .innerJoin('merchants as m', 'm.id', 'c.merchant_id')
      .select(['m.name', 'c.email_consent'])
      .where('c.id', '=', subject.customerId)
      .where('c.merchant_id', '=', subject.merchantId)
      .executeTakeFirst();
    return row ? { subject, token, merchantName: row.name, subscribed: row.email_consent } : undefined;
  };
  const invalid = (c: Context) =>
    c.html(
      page('Link not valid', html`<p>This unsubscribe link is not valid. Use the link in the email you received.</p>`),
      400,
    );
  const show = (c: Context, who: Recipient) => c.html(page(`Emails from ${who.merchantName}`, stateBody(who)));

  return new Hono<BaseEnv>()
    .get('/:token', async (c) => {
      const who = await recipient(c);
      return who ? show(c, who) : invalid(c);
    })
    .post('/:token', async (c) => {
      const who = await recipient(c);
      if (!who) return invalid(c);
      if (!(await asksOneClick(c))) {
        return c.html(
          page('Not unsubscribed', html`<p>The request did not ask to unsubscribe (<code>${ONE_CLICK}</code>).</p>`),
          400,
        );
      }
      const { merchantId, customerId } = who.subject;
      const changed = await changeConsent(db, merchantId, [customerId], {
        state: 'withdrawn',
        source: 'unsubscribe_link',
      });
      log.info('unsubscribed', { merchantId, customerId, changed: changed.length > 0 });
      return show(c, { ...who, subscribed: false });
    })
    .post('/:token/resubscribe', async (c) => {
      const who = await recipient(c);
      if (!who) return invalid(c);
      const { merchantId, customerId } = who.subject;
      await changeConsent(db, merchantId, [customerId], { state: 'granted', source: 'resubscribe_link' });
      log.info('resubscribed', { merchantId, customerId });
      return show(c, { ...who, subscribed: true });
    });
}

/** RFC 8058's body, form-encoded (a browser, most providers) or multipart (the RFC's own example). */
async function asksOneClick(c: Context): Promise<boolean> {
  const type = c.req.header('Content-Type') ?? '';
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    return form['List-Unsubscribe'] === 'One-Click';
  }
  return new URLSearchParams((await c.req.text()).trim()).get('List-Unsubscribe') === 'One-Click';
}

function stateBody(who: Recipient) {
  const { token } = who;
  return who.subscribed
    ? html`<h1>Unsubscribe from ${who.merchantName}?</h1>
        <p>You will get no more marketing emails from ${who.merchantName}. Your stamp card keeps working.</p>
        <form method="post" action="/u/${token}">
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <button type="submit">Unsubscribe</button>
        </form>`
    : html`<h1>You are unsubscribed</h1>
        <p>${who.merchantName} will send you no more marketing emails.</p>
        <form method="post" action="/u/${token}/resubscribe">
          <button type="submit">Resubscribe</button>
        </form>`;
}

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; }
button { font: inherit; font-weight: 600; padding: .7rem 1.4rem; border-radius: 8px; border: 1px solid #333; background: #222; color: #fff; cursor: pointer; }
`;

/** This page family in its own style. */
const page = (title: string, body: unknown) => htmlPage(title, body, STYLE);
