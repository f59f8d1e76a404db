/**
 * The public join page of a card (`joinUrl`), mounted at `/join`: `GET /join/:cardId` shows
 * an ordinary HTML form, `POST /join/:cardId` (form-encoded, no script needed) joins and
 * answers 303 to the customer's card page `/p/:token`. No sign-in; like every public route it
 * has a small body limit and a rate limit per client address, plus a honeypot field that
 * people never see and form-filling bots do.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { findJoinCard, joinCard, joinInput, type JoinCard } from '../../engine/customers/join';
import type { Db } from '../../engine/db/database';
import { isUuid } from '../../engine/ids';
import { log } from '../../engine/log';
import type { CohortBatcher } from '../../engine/runs/cohort-batcher';
import { createRateLimit } from '../../engine/limits/rate-limit';
import type { BaseEnv } from './env';
import { joinMessage, joinPage, type JoinValues } from './join-page';

/** A join form is well under 1 KiB; anything much larger is not one. */
export const JOIN_BODY_BYTES = 8 * 1024;
/** Sign-ups per client address per window: a family at one table, not a script. */
export const JOINS_PER_WINDOW = 20;
const WINDOW_MS = 10 * 60_000;

/** Mounted at `/join`. */
export function joinRoutes(db: Db, batcher?: CohortBatcher) {
  const limit = createRateLimit({ calls: JOINS_PER_WINDOW, windowMs: WINDOW_MS });
  const card = async (c: Context): Promise<JoinCard | undefined> => {
    const id = c.req.param('cardId') ?? '';
    return isUuid(id) ? findJoinCard(db, id.toLowerCase()) : undefined;
  };
  const unknown = (c: Context) =>
    c.html(joinMessage('Card not found', 'This sign-up link does not lead to a card. Ask the shop for its QR code.'), 404);

  return new Hono<BaseEnv>()
    .get('/:cardId', async (c) => {
      const found = await card(c);
      return found ? c.html(joinPage(found)) : unknown(c);
    })
    .post(
      '/:cardId',
      bodyLimit({
        maxSize: JOIN_BODY_BYTES,
        onError: (c) => c.html(joinMessage('Too much text', 'The form was too long. Go back and try again.'), 413),
      }),
      async (c) => {
        const retryAfter = limit.hit(c.get('client'));
        if (retryAfter > 0) {
          c.header('Retry-After', String(retryAfter));
          return c.html(joinMessage('Too many sign-ups', 'Too many sign-ups from here just now. Try again in a few minutes.'), 429);
        }
        const found = await card(c);
        if (!found) return unknown(c);
        const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const text = (key: string) => (typeof form[key] === 'string' ? form[key].trim() : '');
        if (text('website') !== '') {
          log.warn('join refused: honeypot filled', { cardId: found.id });
          return c.html(joinMessage('Not joined', 'Your sign-up could not be taken. Ask at the counter.'), 400);
        }
        const values: JoinValues = {
          name: text('name'),
          email: text('email'),
          day: text('birthDay'),
          month: text('birthMonth'),
          year: text('birthYear'),
          emailConsent: text('emailConsent') === 'yes',
        };
        const { birthday, problem } = birthdayOf(values);
        const parsed = joinInput.safeParse({ name: values.name, email: values.email, birthday, emailConsent: values.emailConsent });
        const errors = [
          ...(problem ? [problem] : []),
          ...(parsed.success ? [] : parsed.error.issues.map((issue) => fieldMessage(String(issue.path[0] ?? ''), issue.message))),
        ];
        if (!parsed.success || problem) return c.html(joinPage(found, values, errors), 400);
        const joined = await joinCard(db, found, parsed.data);
        batcher?.nudge(joined.entered);
        log.info('customer joined', { cardId: found.id, customerId: joined.customerId, created: joined.created });
        return c.redirect(`/p/${joined.walletToken}`, 303);
      },
    );
}

/** The birthday as the customer API writes it ("MM-DD" or "YYYY-MM-DD"), or what is missing. */
function birthdayOf(values: JoinValues): { birthday?: string; problem?: string } {
  const { day = '', month = '', year = '' } = values;
  if (!day && !month && !year) return {};
  if (!day || !month) return { problem: 'Birthday: choose both the day and the month (or neither).' };
  if (year && !/^\d{4}$/.test(year)) return { problem: 'Birthday: the year must have four digits, like 1990.' };
  const md = `${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return { birthday: year ? `${year}-${md}` : md };
}

const FIELDS: Record<string, string> = { name: 'Name', email: 'Email', birthday: 'Birthday' };

/** A field's problem in the customer's words. */
function fieldMessage(field: string, message: string): string {
  if (field === 'birthday') return 'Birthday: that date does not exist. Check the day, month and year.';
  if (field === 'email') return 'Email: that does not look like an email address.';
  return `${FIELDS[field] ?? field}: ${message}`;
}
