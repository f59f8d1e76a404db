/**
 * One zod schema per node kind for the node's `data`. A kind is one string everywhere: the
 * React Flow node `type`, the key here, the plan step `kind`, the interpreter's `switch`.
 */
import { z } from 'zod';
import type { StepKind } from './plan';
import { isNonBlank, text, wholeNumber } from './schema-helpers';
import { segmentDataSchema } from './segment-schema';
import { countGraphemes, findBrokenPlaceholders, unknownPlaceholders } from './text';
import { triggerDataSchema } from './trigger-schema';
import { waitDataSchema } from './wait-schema';

export { segmentDataSchema, triggerDataSchema, waitDataSchema };
export type { SegmentData } from './segment-schema';
export type { TriggerData, TriggerKind } from './trigger-schema';
export type { WaitData } from './wait-schema';

export const NODE_KINDS = ['trigger', 'segment', 'wait', 'push', 'email', 'voucher', 'telegram'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
// Every plan step kind is a node kind, and every node kind but the trigger is a step kind.
const _sameKinds: [Exclude<StepKind, NodeKind>, Exclude<NodeKind, StepKind | 'trigger'>] extends [never, never]
  ? true
  : never = true;
void _sameKinds;

/** The outputs (edge `sourceHandle`s) of each kind; a missing handle means `next`. */
export const NODE_OUTPUTS = {
  trigger: ['next'],
  segment: ['match', 'else'],
  /** `next` after a duration or a time of day; `visited` and `timeout` after a wait for a visit. */
  wait: ['next', 'visited', 'timeout'],
  push: ['next'],
  email: ['next'],
  voucher: ['next'],
  telegram: ['next'],
} as const satisfies Record<NodeKind, readonly string[]>;

export const PUSH_MAX_GRAPHEMES = 20;
export const EMAIL_SUBJECT_MAX = 200;
export const EMAIL_BODY_MAX = 50_000;
export const VOUCHER_TITLE_MAX = 100;

/** The most a long message may hold: Telegram's limit for one message. */
export const MESSAGE_TEXT_MAX = 4096;

/** A lock-screen text: 1..20 graphemes (the wallet shows no more). */
function lockScreenText(label: string) {
  return text(label).superRefine((value, ctx) => {
    // A text of at most 20 UTF-16 units has at most 20 graphemes: skip counting.
    const length = value.length <= PUSH_MAX_GRAPHEMES ? value.length : countGraphemes(value);
    if (!isNonBlank(value)) ctx.addIssue({ code: 'custom', message: `${label} is empty.` });
    else if (length > PUSH_MAX_GRAPHEMES) {
      ctx.addIssue({
        code: 'custom',
        message: `${label} is ${length} characters; the wallet shows at most ${PUSH_MAX_GRAPHEMES}.`,
      });
    }
  });
}

const isoTime = (label: string) =>
  z.iso.datetime({ offset: true, error: `${label} must be a date and time, e.g. 2026-06-03T17:00:00+02:00.` });

export const pushDataSchema = z
  .object({
    text: lockScreenText('Push text'),
    /** Shown on the lock screen near the merchant's shops, until `nearbyUntil`. */
    nearbyText: lockScreenText('Nearby text').optional(),
    /** A dated offer's start: from then until `nearbyUntil` the pass is also relevant by date. */
    nearbyFrom: isoTime('Nearby from').optional(),
    /** After this the pass goes back to the card's default nearby text. */
    nearbyUntil: isoTime('Nearby until').optional(),
    /** The long text: on the card page (and in messengers), beside the short push. */
    messageText: text('Message text')
      .max(MESSAGE_TEXT_MAX, { error: tooLong('Message text', MESSAGE_TEXT_MAX) })
      .superRefine(knownPlaceholdersOnly)
      .optional(),
  })
  .superRefine((data, ctx) => {
    const hasWindow = data.nearbyFrom !== undefined || data.nearbyUntil !== undefined;
    if (hasWindow && data.nearbyText === undefined) {
      ctx.addIssue({ code: 'custom', path: ['nearbyText'], message: 'Nearby text is missing: the dates are for it.' });
    }
    if (data.nearbyFrom !== undefined && data.nearbyUntil === undefined) {
      ctx.addIssue({ code: 'custom', path: ['nearbyUntil'], message: 'Nearby until is missing: when does the offer end?' });
    }
    if (data.nearbyFrom && data.nearbyUntil && Date.parse(data.nearbyFrom) >= Date.parse(data.nearbyUntil)) {
      ctx.addIssue({ code: 'custom', path: ['nearbyUntil'], message: 'Nearby until must be after nearby from.' });
    }
  });

/**
 * Reports each unknown `{{placeholder}}` once, with code `unknown_placeholder`, and each
 * unclosed `{{` or unopened `}}` with code `broken_placeholder`: either would go out as written.
 */
function knownPlaceholdersOnly(value: string, ctx: z.RefinementCtx<string>): void {
  for (const broken of findBrokenPlaceholders(value)) {
    const fix = broken.meant ? `; write {{${broken.meant}}}` : '; a placeholder is written {{customer.name}}';
    ctx.addIssue({
      code: 'custom',
      params: { code: 'broken_placeholder', at: broken.start },
      message: `“${broken.written}” is not a complete placeholder and would be sent as written${fix}.`,
    });
  }
  for (const name of unknownPlaceholders(value)) {
    ctx.addIssue({
      code: 'custom',
      params: { code: 'unknown_placeholder', placeholder: name },
      message: `Unknown placeholder {{${name}}}; use {{customer.name}}, {{card.name}}, {{stampsLeft}}, {{voucher.code}} or {{voucher.expiresOn}}.`,
    });
  }
}

function tooLong(label: string, max: number) {
  return (iss: { input?: unknown }) =>
    `${label} is ${String(iss.input).length.toLocaleString('en')} characters; the limit is ${max.toLocaleString('en')}.`;
}

export const emailDataSchema = z.object({
  /** Trimmed; one line. */
  subject: text('Email subject')
    .trim()
    .min(1, { error: 'Email subject is empty.' })
    .max(EMAIL_SUBJECT_MAX, { error: tooLong('Email subject', EMAIL_SUBJECT_MAX) })
    .regex(/^[^\r\n]*$/, { error: 'Email subject must be one line.' })
    .superRefine(knownPlaceholdersOnly),
  /** Kept as written (leading spaces may be intended), but blank is empty. */
  body: text('Email body')
    .refine(isNonBlank, { error: 'Email body is empty.' })
    .max(EMAIL_BODY_MAX, { error: tooLong('Email body', EMAIL_BODY_MAX) })
    .superRefine(knownPlaceholdersOnly),
});

export const voucherDataSchema = z.object({
  title: text('Voucher title')
    .trim()
    .min(1, { error: 'Voucher title is empty.' })
    .max(VOUCHER_TITLE_MAX, { error: tooLong('Voucher title', VOUCHER_TITLE_MAX) }),
  validDays: wholeNumber('Voucher validity in days', 1, 3650),
});

/** A Telegram message: the long text, sent to customers who linked their card to the merchant's bot. */
export const telegramDataSchema = z.object({
  text: text('Telegram message')
    .refine(isNonBlank, { error: 'Telegram message is empty.' })
    .max(MESSAGE_TEXT_MAX, { error: tooLong('Telegram message', MESSAGE_TEXT_MAX) })
    .superRefine(knownPlaceholdersOnly),
});

export type PushData = z.infer<typeof pushDataSchema>;
export type TelegramData = z.infer<typeof telegramDataSchema>;
export type EmailData = z.infer<typeof emailDataSchema>;
export type VoucherData = z.infer<typeof voucherDataSchema>;

/** The `data` schema of each kind. */
export const nodeDataSchemas = {
  trigger: triggerDataSchema,
  segment: segmentDataSchema,
  wait: waitDataSchema,
  push: pushDataSchema,
  email: emailDataSchema,
  voucher: voucherDataSchema,
  telegram: telegramDataSchema,
} as const satisfies Record<NodeKind, z.ZodType>;

/** True when `type` names a node kind. */
export function isNodeKind(type: string): type is NodeKind {
  return Object.hasOwn(NODE_OUTPUTS, type);
}
