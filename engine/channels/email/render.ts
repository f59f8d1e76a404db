/**
 * Fills an email template's placeholders and builds its text and HTML bodies. The HTML is
 * escaped as a whole, template text and values alike: a merchant's template is text, not
 * markup, and a customer's name is never markup. The renderer is strict and executes
 * nothing: only the placeholders of `engine/compiler/text.ts` are replaced, looked up in a map of
 * their own (so `{{constructor}}` or `{{__proto__}}` stay as written and never reach a
 * prototype).
 *
 * With an {@link EmailLayout} the HTML gets the merchant's layout (a header band in the
 * brand colour, a footer with the merchant's name, postal address and a visible unsubscribe
 * link) and the text part ends with the same footer.
 */
import { findPlaceholders, isPlaceholder } from '../../compiler/text';
import type { Placeholder } from '../../compiler/plan';

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

/** The merchant's frame around every email: header band, footer, unsubscribe link. */
export interface EmailLayout {
  merchantName: string;
  /** `#rrggbb`; null (or anything else) uses a neutral default. */
  brandColor: string | null;
  /** May be multi-line; lines are kept. Null: no address in the footer. */
  postalAddress: string | null;
  /** The customer's unsubscribe link; only `http(s)` URLs are used, anything else is left out. */
  unsubscribeUrl: string | null;
}

export interface RenderedEmail {
  subject: string;
  textBody: string;
  htmlBody: string;
}

/** The header band's colour when the merchant chose none (or an invalid one). */
export const DEFAULT_BRAND_COLOR = '#374151';

/**
 * Renders `template` for one customer. Unknown placeholders stay as written (the compiler
 * rejects them before a flow runs); a missing voucher code renders as an empty string.
 * Without `layout` the HTML is a minimal document and the text is the filled body alone.
 *
 * @example
 * renderEmail({ subject: 'Hi {{ customer.name }}', body: '{{stampsLeft}} to go' },
 *   { customerName: 'Ada', cardName: 'Coffee', stampsLeft: 2 })
 * // { subject: 'Hi Ada', textBody: '2 to go', htmlBody: '<!DOCTYPE html>…<p>2 to go</p>…' }
 */
export function renderEmail(template: EmailTemplate, vars: EmailVars, layout?: EmailLayout): RenderedEmail {
  const values = new Map<Placeholder, string>([
    ['customer.name', vars.customerName],
    ['card.name', vars.cardName],
    ['stampsLeft', String(vars.stampsLeft)],
    ['voucher.code', vars.voucherCode ?? ''],
    ['voucher.expiresOn', vars.voucherExpiresOn ?? ''],
  ]);
  // A subject is one header line: a newline in a value must not break it.
  const subject = oneLine(fill(template.subject, values));
  const body = fill(template.body, values);
  if (!layout) return { subject, textBody: body, htmlBody: htmlDocument(subject, body) };
  const footer = footerOf(layout);
  return {
    subject,
    textBody: textWithFooter(body, footer),
    htmlBody: layoutDocument(subject, body, brandColorOf(layout.brandColor), footer),
  };
}

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `color` when it is `#rrggbb`, else the default: it goes into a style attribute. */
export function brandColorOf(color: string | null): string {
  return color !== null && /^#[0-9a-f]{6}$/i.test(color) ? color.toLowerCase() : DEFAULT_BRAND_COLOR;
}

/**
 * `url` when it is an absolute `http:`/`https:` URL without whitespace or quotes, else null:
 * a `javascript:` or `data:` link never makes it into an email.
 */
export function safeLinkUrl(url: string | null): string | null {
  if (url === null || !/^https?:\/\/[^\s"'<>\\`]+$/i.test(url)) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Each run of whitespace that holds a line break becomes one space; other whitespace stays.
 * A scan rather than `/\s*[\r\n]+\s*`/g`, whose backtracking is quadratic in a run of spaces.
 */
export function oneLine(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    let j = i;
    let breaks = false;
    while (j < text.length && /\s/.test(text.charAt(j))) {
      if (text[j] === '\r' || text[j] === '\n') breaks = true;
      j++;
    }
    if (j > i) out += breaks ? ' ' : text.slice(i, j);
    else {
      while (j < text.length && !/\s/.test(text.charAt(j))) j++;
      out += text.slice(i, j);
    }
    i = j;
  }
  return out;
}

function fill(text: string, values: ReadonlyMap<Placeholder, string>): string {
  let out = '';
  let last = 0;
  for (const match of findPlaceholders(text)) {
    const value = isPlaceholder(match.name) ? values.get(match.name) : undefined;
    if (value === undefined) continue;
    out += text.slice(last, match.start) + value;
    last = match.end;
  }
  return out + text.slice(last);
}

interface Footer {
  /** One line; empty when the merchant has no name. */
  readonly name: string;
  readonly addressLines: readonly string[];
  readonly unsubscribeUrl: string | null;
}

function footerOf(layout: EmailLayout): Footer {
  return {
    name: layout.merchantName.replace(/\s+/g, ' ').trim(),
    addressLines: (layout.postalAddress ?? '')
      .split(/\r\n?|\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    unsubscribeUrl: safeLinkUrl(layout.unsubscribeUrl),
  };
}

/** The body, then the usual `-- ` signature separator and the footer lines. */
function textWithFooter(body: string, footer: Footer): string {
  const lines = [
    ...(footer.name ? [footer.name] : []),
    ...footer.addressLines,
    ...(footer.unsubscribeUrl ? [`Unsubscribe: ${footer.unsubscribeUrl}`] : []),
  ];
  // trimEnd, not /\s+$/: the pattern retries every start of a long run of spaces (quadratic).
  const text = body.trimEnd();
  return `${text ? `${text}\n\n` : ''}-- \n${lines.join('\n')}\n`;
}

/** Blank lines separate paragraphs; a single newline is a line break. */
function paragraphs(text: string, open: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `${open}${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`);
}

function head(subject: string): string[] {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
  ];
}

function htmlDocument(subject: string, text: string): string {
  return [...head(subject), '<body>', ...paragraphs(text, '<p>'), '</body>', '</html>', ''].join('\n');
}

const FONT = 'font-family:Arial,Helvetica,sans-serif';
const MUTED = '#6b7280';

/**
 * A single-column layout with inline styles only (no tables, no classes, no images), so it
 * reads the same in webmail, desktop clients and the editor's sandboxed preview.
 */
function layoutDocument(subject: string, text: string, color: string, footer: Footer): string {
  const bandText = readableOn(color);
  const footerLines: string[] = [];
  if (footer.name) footerLines.push(`<p style="margin:0 0 6px;font-weight:bold;">${escapeHtml(footer.name)}</p>`);
  if (footer.addressLines.length > 0) {
    footerLines.push(`<p style="margin:0 0 6px;">${footer.addressLines.map(escapeHtml).join('<br>\n')}</p>`);
  }
  if (footer.unsubscribeUrl) {
    footerLines.push(
      `<p style="margin:12px 0 0;"><a href="${escapeHtml(footer.unsubscribeUrl)}" style="color:${MUTED};text-decoration:underline;">Unsubscribe</a></p>`,
    );
  }
  return [
    ...head(subject),
    `<body style="margin:0;padding:0;background-color:#f3f4f6;">`,
    `<div style="max-width:600px;margin:0 auto;padding:24px 12px;${FONT};font-size:16px;line-height:1.5;color:#1f2937;">`,
    `<div style="background-color:${color};color:${bandText};padding:16px 24px;font-size:20px;font-weight:bold;border-radius:8px 8px 0 0;">${escapeHtml(footer.name) || '&nbsp;'}</div>`,
    `<div style="background-color:#ffffff;padding:24px;border-radius:0 0 8px 8px;">`,
    ...paragraphs(text, '<p style="margin:0 0 16px;">'),
    '</div>',
    `<div style="padding:16px 24px;font-size:12px;line-height:1.5;color:${MUTED};text-align:center;">`,
    ...footerLines,
    '</div>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Black or white, whichever reads better on `#rrggbb` (WCAG relative luminance). */
function readableOn(color: string): string {
  const channel = (i: number) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast against white is (1.05)/(L+0.05), against black (L+0.05)/0.05: equal at L ≈ 0.179.
  return luminance > 0.179 ? '#111111' : '#ffffff';
}
