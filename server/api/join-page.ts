/**
 * The join page's HTML: one small form, phone first, no script, no web fonts, so it loads
 * fast on a counter's slow Wi-Fi and works in any browser.
 */
import { html } from 'hono/html';
import type { JoinCard } from '../../engine/customers/join';
import { htmlPage } from './html-page';

/** What the customer typed, to fill the form again after a mistake. */
export interface JoinValues {
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  readonly day?: string | undefined;
  readonly month?: string | undefined;
  readonly year?: string | undefined;
  readonly emailConsent?: boolean | undefined;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The join form for `card`, with the problems of a first try (`errors`, by field) above it. */
export function joinPage(card: JoinCard, values: JoinValues = {}, errors: readonly string[] = []) {
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}" ${selected === value ? 'selected' : ''}>${label}</option>`;
  const days = Array.from({ length: 31 }, (_, i) => String(i + 1));
  const body = html`
    <header class="card" style="background:${card.backgroundColor};color:${card.foregroundColor}">
      <p class="shop">${card.merchantName}</p>
      <h1>${card.name}</h1>
      <p>Collect ${card.stampsRequired} stamps, get ${card.reward}.</p>
    </header>
    ${errors.length > 0
      ? html`<div class="errors" role="alert">
          <p>Please check:</p>
          <ul>
            ${errors.map((e) => html`<li>${e}</li>`)}
          </ul>
        </div>`
      : ''}
    <form method="post" action="/join/${card.id}">
      <label for="name">Your name</label>
      <input id="name" name="name" autocomplete="given-name" required maxlength="200" value="${values.name ?? ''}" />
      <label for="email">Email <span class="optional">(optional)</span></label>
      <input id="email" name="email" type="email" autocomplete="email" maxlength="320" value="${values.email ?? ''}" />
      <fieldset>
        <legend>Birthday <span class="optional">(optional, for a birthday treat)</span></legend>
        <div class="row">
          <select name="birthDay" aria-label="Day">
            ${option('', 'Day', values.day)} ${days.map((d) => option(d, d, values.day))}
          </select>
          <select name="birthMonth" aria-label="Month">
            ${option('', 'Month', values.month)} ${MONTHS.map((m, i) => option(String(i + 1), m, values.month))}
          </select>
          <input name="birthYear" aria-label="Year (optional)" placeholder="Year" inputmode="numeric" maxlength="4" value="${values.year ?? ''}" />
        </div>
      </fieldset>
      <label class="consent">
        <input type="checkbox" name="emailConsent" value="yes" ${values.emailConsent ? 'checked' : ''} />
        <span>Yes, ${card.merchantName} may email me about my stamps, rewards and offers. I can unsubscribe at any time.</span>
      </label>
      <p class="trap" aria-hidden="true">
        <label>Leave this empty <input name="website" tabindex="-1" autocomplete="off" /></label>
      </p>
      <button type="submit">Join and get my card</button>
    </form>
    <p class="note">You get a card page to add to Apple Wallet or Google Wallet.</p>
  `;
  return htmlPage(`Join ${card.name} · ${card.merchantName}`, body, STYLE);
}

/** A short page for what is not the form: an unknown card, a refused request. */
export function joinMessage(title: string, text: string) {
  return htmlPage(title, html`<h1>${title}</h1><p>${text}</p>`, STYLE);
}

const STYLE = `
* { box-sizing: border-box; }
body { font: 17px/1.4 system-ui, sans-serif; max-width: 26rem; margin: 0 auto; padding: 1rem; color: #222; }
.card { border-radius: 14px; padding: 1rem 1.2rem; margin-bottom: 1rem; }
.card h1 { margin: .1rem 0 .4rem; font-size: 1.5rem; }
.card p { margin: 0; }
.shop { opacity: .85; }
form label, legend { display: block; font-weight: 600; margin: .9rem 0 .3rem; }
input, select { font: inherit; width: 100%; padding: .65rem; border: 1px solid #888; border-radius: 8px; background: #fff; }
fieldset { border: 0; padding: 0; margin: 0; }
.row { display: grid; grid-template-columns: 1fr 2fr 1.3fr; gap: .4rem; }
.optional { font-weight: 400; color: #555; }
label.consent { display: flex; gap: .6rem; align-items: flex-start; font-weight: 400; margin-top: 1.2rem; }
label.consent input { width: 1.4rem; height: 1.4rem; flex: none; margin: .1rem 0 0; }
button { font: inherit; font-weight: 700; width: 100%; margin-top: 1.2rem; padding: .9rem; border: 0; border-radius: 10px; background: #222; color: #fff; }
.errors { border: 2px solid #b3261e; border-radius: 8px; padding: .2rem .8rem; color: #8c1d18; }
.trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
.note { font-size: .9rem; color: #555; }
`;
