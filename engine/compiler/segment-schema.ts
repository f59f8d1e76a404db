/**
 * The segment node: a filter that splits customers into its `match` and `else` outputs by
 * conditions on who they are.
 */
import { z } from 'zod';
import type { ComparisonOp, SegmentField } from './plan';
import { always } from './schema-helpers';

/** Numeric fields: whole numbers from 0 up to a sensible maximum. */
export const NUMERIC_FIELDS = {
  stamps: { label: 'Stamps', max: 10_000 },
  daysSinceLastVisit: { label: 'Days since last visit', max: 36_500 },
  daysSinceJoined: { label: 'Days since joining', max: 36_500 },
  birthdayInDays: { label: 'Days until birthday', max: 366 },
} as const satisfies Partial<Record<SegmentField, { label: string; max: number }>>;

/** Yes/no fields: compared with `eq` or `neq` only. */
export const BOOLEAN_FIELDS = {
  emailConsent: { label: 'Email consent' },
  hasEmail: { label: 'Has an email address' },
} as const satisfies Partial<Record<SegmentField, { label: string }>>;

export const SEGMENT_FIELDS = [
  ...(Object.keys(NUMERIC_FIELDS) as (keyof typeof NUMERIC_FIELDS)[]),
  ...(Object.keys(BOOLEAN_FIELDS) as (keyof typeof BOOLEAN_FIELDS)[]),
] satisfies SegmentField[];
// Every SegmentField of the plan has a rule above.
const _everyField: Exclude<SegmentField, (typeof SEGMENT_FIELDS)[number]> extends never ? true : never = true;
void _everyField;

export const COMPARISON_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const satisfies readonly ComparisonOp[];
export const MAX_CONDITIONS = 50;

function isNumericField(field: unknown): field is keyof typeof NUMERIC_FIELDS {
  return typeof field === 'string' && Object.hasOwn(NUMERIC_FIELDS, field);
}
function isBooleanField(field: unknown): field is keyof typeof BOOLEAN_FIELDS {
  return typeof field === 'string' && Object.hasOwn(BOOLEAN_FIELDS, field);
}

export const conditionSchema = z
  .object({
    field: z.enum(SEGMENT_FIELDS, {
      error: (iss) => `Unknown condition field ${JSON.stringify(iss.input)}; choose one from the list.`,
    }),
    op: z.enum(COMPARISON_OPS, {
      error: (iss) => `Unknown comparison ${JSON.stringify(iss.input)}; use eq, neq, gt, gte, lt or lte.`,
    }),
    // Its type depends on the field: checked below, where the field is known.
    value: z.custom<number | boolean>(() => true),
  })
  .superRefine(
    (c, ctx) => {
      const value: unknown = c.value;
      if (isBooleanField(c.field)) {
        const { label } = BOOLEAN_FIELDS[c.field];
        if (c.op !== 'eq' && c.op !== 'neq' && COMPARISON_OPS.includes(c.op)) {
          ctx.addIssue({ code: 'custom', path: ['op'], message: `${label} is yes or no; compare it with eq or neq.` });
        }
        if (typeof value !== 'boolean') {
          ctx.addIssue({ code: 'custom', path: ['value'], message: `${label} must be compared with yes or no.` });
        }
      } else if (isNumericField(c.field)) {
        const { label, max } = NUMERIC_FIELDS[c.field];
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
          ctx.addIssue({
            code: 'custom',
            path: ['value'],
            message: `${label} must be a whole number from 0 to ${max.toLocaleString('en')}.`,
          });
        }
      }
    },
    { when: always },
  );

export const segmentDataSchema = z.object({
  match: z.enum(['all', 'any'], { error: 'Choose whether all or any of the conditions must hold.' }).default('all'),
  conditions: z
    .array(conditionSchema, { error: 'Add at least one condition.' })
    .min(1, { error: 'Add at least one condition.' })
    .max(MAX_CONDITIONS, { error: `A segment has at most ${MAX_CONDITIONS} conditions.` }),
});

export type SegmentData = z.infer<typeof segmentDataSchema>;
