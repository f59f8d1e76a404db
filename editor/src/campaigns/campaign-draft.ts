/**
 * The card-campaign form's state and its checks. Push, voucher and email are checked with
 * the compiler's own node schemas, so the form and the server never disagree on a limit.
 */
import {
  countGraphemes,
  emailDataSchema,
  pushDataSchema,
  PUSH_MAX_GRAPHEMES,
  usesVoucherPlaceholder,
  VOUCHER_PLACEHOLDER_WITHOUT_VOUCHER,
  voucherDataSchema,
} from '../../../engine/compiler';
import { fromLocalInput, toLocalInput } from '../shell/format';

export type Field =
  | 'cardId'
  | 'name'
  | 'push.text'
  | 'nearbyText'
  | 'nearbyUntil'
  | 'messageText'
  | 'voucher.title'
  | 'voucher.validDays'
  | 'email.subject'
  | 'email.body'
  | 'sendAt';
export type FieldErrors = Partial<Record<Field, string>>;

export interface CampaignDraft {
  cardId: string;
  name: string;
  /** True once the merchant typed a name: then choosing another card keeps it. */
  nameEdited: boolean;
  pushText: string;
  /** Shown near the shops; empty: none. */
  nearbyText: string;
  /** `datetime-local` value: when the nearby text ends; empty: until a later one. */
  nearbyUntil: string;
  /** The long text on the card page; empty: none. */
  messageText: string;
  /** Present while the voucher section is open. */
  voucher: { title: string; validDays: string } | undefined;
  /** Present while "Also send via Email" is ticked. */
  email: { subject: string; body: string } | undefined;
  /** "Also send the longer message via Telegram" (shown only with a connected bot). */
  telegram?: boolean;
  when: 'now' | 'at';
  /** `datetime-local` value, local time. */
  sendAt: string;
  /** What counts as "came back" (unset: a visit within 7 days). */
  goal?: { event: string; withinDays: number } | undefined;
  /** Share kept back to measure it (unset: none). */
  holdoutPercent?: number | undefined;
}

export { PUSH_MAX_GRAPHEMES };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The name a campaign gets unless the merchant types one: the card's name and the send
 * time, as the server names a campaign sent without a name.
 *
 * @example
 * defaultCampaignName('Coffee card', new Date(2025, 2, 3, 9, 5)) // "Coffee card · 3 Mar 09:05"
 */
export function defaultCampaignName(cardName: string, at: Date): string {
  const time = toLocalInput(at).slice(11, 16);
  return `${cardName} · ${at.getDate()} ${MONTHS[at.getMonth()] ?? ''} ${time}`;
}

/** The draft with its default name brought up to date (card, send time), unless the merchant typed one. */
export function withDefaultName(
  draft: CampaignDraft,
  openedAt: Date,
  cards: readonly { readonly id: string; readonly name: string }[],
): CampaignDraft {
  if (draft.nameEdited) return draft;
  const at = (draft.when === 'at' ? fromLocalInput(draft.sendAt) : undefined) ?? openedAt;
  const card = cards.find((c) => c.id === draft.cardId);
  return { ...draft, name: card ? defaultCampaignName(card.name, at) : '' };
}

/** How long the push text is as the wallet counts it, and whether it fits. */
export function pushLength(text: string): { count: number; over: boolean } {
  const count = countGraphemes(text);
  return { count, over: count > PUSH_MAX_GRAPHEMES };
}

const firstIssue = (
  result: { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } },
  key: string,
) => (result.success ? undefined : result.error?.issues.find((i) => String(i.path[0]) === key)?.message);

/** The problems of a draft by field; empty when it can be sent. `now` is for "send at" in the past. */
export function checkDraft(draft: CampaignDraft, now: Date = new Date()): FieldErrors {
  const errors: FieldErrors = {};
  if (!draft.cardId) errors.cardId = 'Choose the stamp card whose holders get the campaign.';
  const name = draft.name.trim();
  if (!name) errors.name = 'Give the campaign a name.';
  else if (name.length > 200) errors.name = 'The name can be at most 200 characters.';
  const push = pushDataSchema.safeParse({ text: draft.pushText, ...pushExtras(draft) });
  const pushError = firstIssue(push, 'text');
  if (pushError) errors['push.text'] = draft.pushText.trim() ? pushError : 'Write the push message.';
  for (const key of ['nearbyText', 'nearbyUntil', 'messageText'] as const) {
    const problem = firstIssue(push, key);
    if (problem) errors[key] = problem;
  }
  const until = draft.nearbyUntil ? fromLocalInput(draft.nearbyUntil) : undefined;
  if (draft.nearbyText && until && until.getTime() <= now.getTime()) {
    errors.nearbyUntil = 'That time has passed; choose when the nearby text ends, or leave it empty.';
  }
  if (draft.voucher) {
    const days = draft.voucher.validDays.trim() === '' ? undefined : Number(draft.voucher.validDays);
    const voucher = voucherDataSchema.safeParse({ title: draft.voucher.title, validDays: days });
    const title = firstIssue(voucher, 'title');
    const validDays = firstIssue(voucher, 'validDays');
    if (title) errors['voucher.title'] = title;
    if (validDays) errors['voucher.validDays'] = validDays;
  }
  if (draft.telegram && !draft.messageText.trim() && !errors.messageText) {
    errors.messageText = 'Write the longer message: it is what Telegram sends.';
  }
  if (draft.email) {
    const email = emailDataSchema.safeParse(draft.email);
    const subject = firstIssue(email, 'subject');
    const body = firstIssue(email, 'body');
    if (subject) errors['email.subject'] = subject;
    if (body) errors['email.body'] = body;
  }
  if (!draft.voucher) {
    // The compiler's rule for the campaign's graph, said on the field that breaks it.
    const texts: [Field, string | undefined][] = [
      ['email.subject', draft.email?.subject],
      ['email.body', draft.email?.body],
      ['messageText', draft.messageText],
    ];
    for (const [field, text] of texts) {
      if (text && !errors[field] && usesVoucherPlaceholder(text)) errors[field] = VOUCHER_PLACEHOLDER_WITHOUT_VOUCHER;
    }
  }
  if (draft.when === 'at') {
    const at = fromLocalInput(draft.sendAt);
    if (!at) errors.sendAt = 'Choose when to send.';
    else if (at.getTime() <= now.getTime()) errors.sendAt = 'That time has passed; choose a time in the future.';
  }
  return errors;
}

/** The optional push fields the draft sets: nearby text (with its end) and the long text. */
function pushExtras(draft: CampaignDraft): { nearbyText?: string; nearbyUntil?: string; messageText?: string } {
  const until = draft.nearbyText && draft.nearbyUntil ? fromLocalInput(draft.nearbyUntil) : undefined;
  return {
    ...(draft.nearbyText ? { nearbyText: draft.nearbyText } : {}),
    ...(until ? { nearbyUntil: until.toISOString() } : {}),
    ...(draft.messageText.trim() ? { messageText: draft.messageText } : {}),
  };
}

/** The `POST /v1/campaigns` body of a valid draft. */
export function campaignBody(draft: CampaignDraft) {
  return {
    name: draft.name.trim(),
    cardId: draft.cardId,
    push: { text: draft.pushText },
    ...pushExtras(draft),
    ...(draft.voucher
      ? { voucher: { title: draft.voucher.title.trim(), validDays: Number(draft.voucher.validDays) } }
      : {}),
    ...(draft.email ? { email: { subject: draft.email.subject, body: draft.email.body } } : {}),
    ...(draft.telegram ? { telegram: true } : {}),
    ...(draft.when === 'at' ? { sendAt: fromLocalInput(draft.sendAt)?.toISOString() } : {}),
    ...(draft.goal ? { goal: draft.goal } : {}),
    ...(draft.holdoutPercent !== undefined ? { holdoutPercent: draft.holdoutPercent } : {}),
  };
}

const FIELDS: readonly Field[] = [
  'cardId',
  'name',
  'push.text',
  'nearbyText',
  'nearbyUntil',
  'messageText',
  'voucher.title',
  'voucher.validDays',
  'email.subject',
  'email.body',
  'sendAt',
];
/** A compiler diagnostic's `field` inside a step, and the step kind it belongs to. */
const STEP_FIELDS: Record<string, Field> = {
  text: 'push.text',
  nearbyText: 'nearbyText',
  nearbyUntil: 'nearbyUntil',
  messageText: 'messageText',
  title: 'voucher.title',
  validDays: 'voucher.validDays',
  subject: 'email.subject',
  body: 'email.body',
};

/** Where a node id names its kind (`push`, `email-1`, `voucher`), the form's first field of it. */
const STEP_OF_NODE: Record<string, Field> = {
  push: 'push.text',
  voucher: 'voucher.title',
  email: 'email.subject',
  telegram: 'messageText',
};

function fieldOf(detail: Record<string, unknown>): Field | undefined {
  const str = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : undefined);
  const path = str('path') ?? str('field');
  if (path) {
    const exact = FIELDS.find((f) => path === f || path.startsWith(`${f}.`));
    if (exact) return exact;
    const head = path.split('.')[0] ?? '';
    const inStep = STEP_FIELDS[path.split('.').at(-1) ?? ''] ?? STEP_FIELDS[head] ?? STEP_OF_NODE[head];
    if (inStep) return inStep;
  }
  const kind = /^[a-z]+/i.exec(str('nodeId') ?? '')?.[0]?.toLowerCase();
  return kind ? STEP_OF_NODE[kind] : undefined;
}

/**
 * A 400's `details` (zod issues `[{path, message}]` or compiler diagnostics
 * `{diagnostics: [{nodeId, field, message}]}`) sorted onto the form's fields; the rest
 * shows at the top. The campaign's node ids are its kinds (`push`, `voucher`, `email`).
 */
export function serverErrors(details: unknown): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  // Zod problems come as an array; the compiler's as `{diagnostics: [...]}`.
  const list: unknown =
    typeof details === 'object' && details !== null && 'diagnostics' in details
      ? (details as { diagnostics: unknown }).diagnostics
      : details;
  if (!Array.isArray(list)) return { fields, other };
  for (const d of list) {
    if (typeof d !== 'object' || d === null) continue;
    const detail = d as Record<string, unknown>;
    const message = typeof detail['message'] === 'string' ? detail['message'] : JSON.stringify(detail);
    const field = fieldOf(detail);
    if (field && !fields[field]) fields[field] = message;
    else if (!field) other.push(message);
  }
  return { fields, other };
}
