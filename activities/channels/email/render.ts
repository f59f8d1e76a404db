/**
 * Fills an email template's placeholders and builds its text and HTML bodies. The HTML is
 * escaped as a whole, template text and values alike: a merchant's template is text, not
 * markup, and a customer's name is never markup.
 */
import { findPlaceholders, isPlaceholder } from '../../../engine/flow/text';
import type { Placeholder } from '../../../engine/flow/plan';

export interface EmailTemplate {
  subject: string;
  body: string;
}

export interface EmailVars {
  customerName: string;
  cardName: string;
  stampsLeft: number;
  voucherCode?: string | null;
  /** The voucher's expiry date as the customer reads it, e.g. `2026-12-01`. */
  voucherExpiresOn?: string | null;
}

export interface RenderedEmail {
  subject: string;
  textBody: string;
  htmlBody: string;
}

/**
 * Renders `template` for one customer. Unknown placeholders stay as written (the compiler
 * rejects them before a flow runs); a missing voucher code renders as an empty string.
 *
 * @example
 * renderEmail({ subject: 'Hi {{ customer.name }}', body: '{{stampsLeft}} to go' },
 *   { customerName: 'Ada', cardName: 'Coffee', stampsLeft: 2 })
 * // { subject: 'Hi Ada', textBody: '2 to go', htmlBody: '<!DOCTYPE html>…<p>2 to go</p>…' }
 */
export function renderEmail(template: EmailTemplate, vars: EmailVars): RenderedEmail {
  const values: Record<Placeholder, string> = {
    'customer.name': vars.customerName,
    'card.name': vars.cardName,
    stampsLeft: String(vars.stampsLeft),
    'voucher.code': vars.voucherCode ?? '',
    'voucher.expiresOn': vars.voucherExpiresOn ?? '',
  };
  // A subject is one header line: a newline in a value must not break it.
  const subject = fill(template.subject, values).replace(/\s*[\r\n]+\s*/g, ' ');
  const textBody = fill(template.body, values);
  return { subject, textBody, htmlBody: htmlDocument(subject, textBody) };
}

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function fill(text: string, values: Record<Placeholder, string>): string {
  let out = '';
  let last = 0;
  for (const match of findPlaceholders(text)) {
    if (!isPlaceholder(match.name)) continue;
    out += text.slice(last, match.start) + values[match.name];
    last = match.end;
  }
  return out + text.slice(last);
}

/** Blank lines separate paragraphs; a single newline is a line break. */
function htmlDocument(subject: string, text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`);
  return [
    '<!DOCTYPE html>',
    '<html>',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body>',
    ...paragraphs,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
