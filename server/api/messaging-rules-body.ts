/**
 * The messaging rules as request bodies carry them (`PUT /v1/merchant/settings`, and
 * `messagingRules` of `POST /v1/merchants`): `frequencyCap: {push, email}` (each 0..1000 or
 * null for no cap; null for both) and `quietHours: {start, end}` (`HH:MM`, or null).
 */
import { z } from 'zod';
import { timeOfDay } from '../../engine/compiler/schema-helpers';
import type { MessagingRulesChange } from '../../engine/merchants/messaging-rules';

const CAP_MESSAGE = 'must be a whole number from 0 to 1000, or null for no cap';
const cap = z.number({ error: CAP_MESSAGE }).int(CAP_MESSAGE).min(0, CAP_MESSAGE).max(1000, CAP_MESSAGE).nullable();

export const frequencyCapBody = z.strictObject({ push: cap.optional(), email: cap.optional() }).nullable();

export const quietHoursBody = z
  .strictObject({ start: timeOfDay, end: timeOfDay })
  .refine((q) => q.start !== q.end, { error: 'must differ from start', path: ['end'] })
  .nullable();

/** Both keys optional: one left out keeps its stored value (or the default, for a new merchant). */
export const messagingRulesBody = z.strictObject({
  frequencyCap: frequencyCapBody.optional(),
  quietHours: quietHoursBody.optional(),
});

/** The change a body asks for: `frequencyCap: null` clears both caps; an object changes the channels it names. */
export function rulesChange(body: z.infer<typeof messagingRulesBody>): MessagingRulesChange {
  const { frequencyCap, quietHours } = body;
  const caps =
    frequencyCap === null
      ? { pushCap: null, emailCap: null }
      : {
          ...(frequencyCap?.push !== undefined ? { pushCap: frequencyCap.push } : {}),
          ...(frequencyCap?.email !== undefined ? { emailCap: frequencyCap.email } : {}),
        };
  return { ...caps, ...(quietHours !== undefined ? { quietHours } : {}) };
}
