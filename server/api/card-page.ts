/**
 * The customer's card page (`/p/:token`), their home: the card with its stamps as a row of
 * filled and empty stamps, the QR code the counter scans, the active vouchers, the reward,
 * the latest messages in full, and the buttons that add the card to a wallet. Plain HTML
 * and inline CSS and SVG: it works without JavaScript and stays small (≤ 50 KB).
 */
import { html, raw } from 'hono/html';
import QRCode from 'qrcode';
import { stampRowSvg } from '../../engine/channels/wallet/pass-images';
import type { CardHome } from '../../engine/customers/card-home';
import type { CardTelegram } from '../../engine/channels/telegram/links';
import type { StoredPass } from '../../engine/wallet/pass-content';
import { htmlPage } from './html-page';

/** The barcode as an inline SVG, the same message as the pass's QR code. */
export function qrSvg(message: string): Promise<string> {
  return QRCode.toString(message, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
}

export interface CardPageView {
  readonly pass: StoredPass;
  readonly home: CardHome;
  readonly token: string;
  readonly qr: string;
  readonly googleWallet: boolean;
  /** The merchant's bot: the "Get messages on Telegram" link, or that the card is linked. */
  readonly telegram?: CardTelegram | undefined;
}

/** The whole page. */
export function cardPage(view: CardPageView) {
  const { content } = view.pass;
  return htmlPage(`${content.cardName} · ${content.organizationName}`, cardBody(view), STYLE);
}

function cardBody({ pass, home, token, qr, googleWallet, telegram }: CardPageView) {
  const { content } = pass;
  const left = Math.max(0, content.stampsRequired - content.stamps);
  const colors = `background:${safeColor(content.colors.background)};color:${safeColor(content.colors.foreground)}`;
  return html`
    <main>
      <section class="card" style="${colors}">
        ${content.logo ? html`<img class="logo" src="/p/${token}/logo.png" alt="${content.organizationName}" />` : ''}
        <p class="shop">${content.organizationName}</p>
        <h1>${content.cardName}</h1>
        <p class="stamps" role="img" aria-label="${content.stamps} of ${content.stampsRequired} stamps">
          ${raw(stampRow(content))}
        </p>
        <p class="reward">
          ${left === 0 ? html`Your reward is ready: <b>${content.reward}</b>` : html`${left} more for <b>${content.reward}</b>`}
        </p>
      </section>
      <section class="qr" aria-label="Your code">
        ${raw(qr)}
        <p>Show this code at the counter to collect stamps and use vouchers.</p>
      </section>
      ${home.vouchers.length > 0
        ? html`<section>
            <h2>Your vouchers</h2>
            <ul class="vouchers">
              ${home.vouchers.map(
                (v) => html`<li><b>${v.title}</b> <code>${v.code}</code> <span>valid until ${v.expiresOn}</span></li>`,
              )}
            </ul>
          </section>`
        : ''}
      ${home.messages.length > 0
        ? html`<section>
            <h2>Messages from ${content.organizationName}</h2>
            ${home.messages.map(
              (m) => html`<article class="message">
                <h3>${m.title}</h3>
                <time datetime="${m.at.toISOString()}">${m.at.toISOString().slice(0, 10)}</time>
                <p>${m.body}</p>
              </article>`,
            )}
          </section>`
        : ''}
      <section class="add">
        <a class="button apple" href="/p/${token}/pass.pkpass">Add to Apple Wallet</a>
        ${googleWallet ? html`<a class="button google" href="/p/${token}/google">Save to Google Wallet</a>` : ''}
        ${telegramOffer(telegram)}
      </section>
    </main>
  `;
}

/** The Telegram link (opens the bot with a one-time token), or that messages already go there. */
function telegramOffer(telegram: CardTelegram | undefined) {
  if (!telegram) return '';
  if (telegram.kind === 'linked')
    return html`<p class="linked">Messages also come to you on Telegram from @${telegram.username}. To stop them, send /stop to the bot.</p>`;
  return html`<a class="button telegram" href="${telegram.url}">Get messages on Telegram</a>`;
}

/** The pass's own stamp row (the strip's SVG, drawn on the card's colours). */
function stampRow(content: StoredPass['content']): string {
  return stampRowSvg({
    stamps: content.stamps,
    stampsRequired: content.stampsRequired,
    ink: safeColor(content.colors.foreground),
    paper: safeColor(content.colors.background),
    width: 375,
    height: 123,
  });
}

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 0 auto; padding: 1rem; color: #222; background: #f6f4f1; }
h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
.card { border-radius: 16px; padding: 1.1rem 1.3rem; }
.card h1 { margin: .1rem 0 .8rem; font-size: 1.5rem; }
.shop { margin: 0; opacity: .85; }
.logo { display: block; max-width: 10rem; max-height: 3.2rem; margin-bottom: .4rem; }
.stamps { margin: 0 0 .8rem; }
.stamps svg { display: block; width: 100%; height: auto; }
.reward { margin: 0; }
.qr { background: #fff; border-radius: 16px; margin-top: 1rem; padding: 1rem; text-align: center; }
.qr svg { width: 12rem; height: 12rem; }
.qr p { margin: .3rem 0 0; font-size: .9rem; color: #555; }
.vouchers { list-style: none; padding: 0; margin: 0; }
.vouchers li { background: #fff; border-radius: 12px; padding: .7rem .9rem; margin-bottom: .5rem; }
.vouchers code { font-size: 1.05rem; margin: 0 .3rem; }
.vouchers span { display: block; font-size: .85rem; color: #555; }
.message { background: #fff; border-radius: 12px; padding: .8rem 1rem; margin-bottom: .6rem; }
.message h3 { margin: 0; font-size: 1rem; }
.message time { font-size: .8rem; color: #666; }
.message p { white-space: pre-line; margin: .4rem 0 0; }
.add { margin-top: 1.4rem; display: flex; flex-direction: column; gap: .6rem; }
.button { display: block; text-align: center; padding: .8rem; border-radius: 10px; text-decoration: none; font-weight: 600; }
.apple { background: #000; color: #fff; }
.google { background: #fff; color: #222; border: 1px solid #999; }
.telegram { background: #2481cc; color: #fff; }
.linked { margin: 0; font-size: .9rem; color: #555; text-align: center; }
`;

/** Colours come from the database, which only stores `#rrggbb`; anything else falls back. */
const safeColor = (value: string) => (/^#[0-9a-fA-F]{6}$/.test(value) ? value : '#333333');

/** The page for a token that names no card. */
export const notFoundPage = () =>
  htmlPage('Card not found', html`<p>No card at this address. Ask the shop for a new link.</p>`, STYLE);
