/**
 * Text rules shared by the compiler and the email renderer: how long a text is as a person
 * counts it, and which `{{placeholders}}` a template uses. Pure: runs in the browser, the
 * API and the Temporal workflow sandbox.
 */
import type { Placeholder } from './plan';

/** Every placeholder an email subject or body may use, in the order the editor offers them. */
export const PLACEHOLDERS = [
  'customer.name',
  'card.name',
  'stampsLeft',
  'voucher.code',
  'voucher.expiresOn',
] as const satisfies readonly Placeholder[];

// A compile-time check that PLACEHOLDERS lists every Placeholder of the plan.
type MissingPlaceholder = Exclude<Placeholder, (typeof PLACEHOLDERS)[number]>;
const _allPlaceholders: MissingPlaceholder extends never ? true : never = true;
void _allPlaceholders;

/** One `{{ name }}` occurrence in a template. */
export interface PlaceholderMatch {
  /** The name between the braces, without surrounding whitespace. */
  readonly name: string;
  /** True when `name` is one of {@link PLACEHOLDERS}. */
  readonly known: boolean;
  /** Offset of the first `{` in the text. */
  readonly start: number;
  /** Offset just after the last `}`. */
  readonly end: number;
}

const KNOWN = new Set<string>(PLACEHOLDERS);

/** True when `name` is a placeholder the renderer can fill. */
export function isPlaceholder(name: string): name is Placeholder {
  return KNOWN.has(name);
}

/**
 * Every `{{ … }}` in `text`, in order. Whitespace inside the braces is allowed.
 *
 * @example
 * findPlaceholders('Hi {{ customer.name }}, {{stampsLeft}} to go')
 * // [{name: 'customer.name', known: true, start: 3, end: 22}, {name: 'stampsLeft', …}]
 */
export function findPlaceholders(text: string): PlaceholderMatch[] {
  // A hand-written scan, not a regular expression: `{{` followed by thousands of spaces made
  // the lazy pattern backtrack cubically and froze the process. Each character is looked at
  // a bounded number of times, so the cost is linear in the text.
  const matches: PlaceholderMatch[] = [];
  let i = text.indexOf('{{');
  while (i !== -1) {
    let j = i + 2;
    while (j < text.length && text[j] !== '{' && text[j] !== '}') j++;
    if (text[j] === '}' && text[j + 1] === '}') {
      const name = text.slice(i + 2, j).trim();
      matches.push({ name, known: isPlaceholder(name), start: i, end: j + 2 });
      i = text.indexOf('{{', j + 2);
    } else {
      // No brace sits between i + 2 and j, so the next `{{` starts at i + 1 (when j is i + 2) or at j.
      i = text.indexOf('{{', j === i + 2 ? i + 1 : j);
    }
  }
  return matches;
}

/** The distinct unknown placeholder names in `text`, in order of first use. */
export function unknownPlaceholders(text: string): string[] {
  const names = new Set<string>();
  for (const match of findPlaceholders(text)) if (!match.known) names.add(match.name);
  return [...names];
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
let segmenter: Intl.Segmenter | undefined;

/**
 * The length of `text` as a person counts it: grapheme clusters, so an emoji, a flag or a
 * family emoji counts 1 and `é` counts 1 however it is encoded. Falls back to code points
 * where `Intl.Segmenter` is missing.
 *
 * @example
 * countGraphemes("Coffee's waiting ☕") // 18
 */
export function countGraphemes(text: string): number {
  // Printable ASCII is one grapheme per character: the common case skips the segmenter.
  if (PRINTABLE_ASCII.test(text)) return text.length;
  if (typeof Intl === 'undefined' || typeof Intl.Segmenter !== 'function') return [...text].length;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

/** A `{{` that never closes, or a `}}` that never opened, in a template. */
export interface BrokenPlaceholder {
  /** Offset of the stray braces in the text. */
  readonly start: number;
  /** The text as written around the braces, for the message (at most ~30 characters). */
  readonly written: string;
  /** The placeholder the merchant most likely meant, when the name is one we know. */
  readonly meant?: Placeholder | undefined;
}

const NAME_CHAR = /[A-Za-z0-9_.]/;

/**
 * Every `{{` that does not start a complete `{{ name }}` and every `}}` that does not end one:
 * text the renderer would send as written. Linear in the text, like {@link findPlaceholders}.
 *
 * @example
 * findBrokenPlaceholders('Hi {{customer.name, see you') // [{start: 3, written: '{{customer.name,', meant: 'customer.name'}]
 * findBrokenPlaceholders('Hi customer.name}}')          // [{start: 16, written: 'customer.name}}', meant: 'customer.name'}]
 */
export function findBrokenPlaceholders(text: string): BrokenPlaceholder[] {
  const matches = findPlaceholders(text);
  const covered = (at: number) => matches.some((m) => at >= m.start && at < m.end);
  const broken: BrokenPlaceholder[] = [];
  for (let i = text.indexOf('{{'); i !== -1; i = text.indexOf('{{', i + 2)) {
    if (covered(i)) continue;
    let j = i + 2;
    while (j < text.length && text[j] === ' ') j++;
    const nameStart = j;
    while (j < text.length && NAME_CHAR.test(text[j] ?? '')) j++;
    const name = text.slice(nameStart, j);
    broken.push({ start: i, written: clip(text.slice(i, j + 1).trimEnd()), meant: isPlaceholder(name) ? name : undefined });
    // Skip `{{{`: one report per run of braces.
    while (text[i + 2] === '{') i++;
  }
  for (let i = text.indexOf('}}'); i !== -1; i = text.indexOf('}}', i + 2)) {
    if (covered(i) || covered(i + 1)) continue;
    let j = i;
    while (j > 0 && NAME_CHAR.test(text[j - 1] ?? '')) j--;
    const name = text.slice(j, i);
    broken.push({ start: i, written: clip(text.slice(j, i + 2)), meant: isPlaceholder(name) ? name : undefined });
    while (text[i + 2] === '}') i++;
  }
  return broken.sort((a, b) => a.start - b.start);
}

function clip(written: string): string {
  return written.length > 30 ? `${written.slice(0, 29)}…` : written;
}

/** True when `text` uses `{{voucher.code}}` or `{{voucher.expiresOn}}`: it needs a voucher step before it. */
export function usesVoucherPlaceholder(text: string): boolean {
  return findPlaceholders(text).some((m) => m.name === 'voucher.code' || m.name === 'voucher.expiresOn');
}
