/**
 * A segment as a SQL condition on `customers`, for counting and paging an audience with
 * the indexes (merchant + last visit, merchant + birthday) instead of scanning every row.
 * Means the same as `matchesSegment`; a test checks the two agree customer by customer.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../db/schema';
import type { ComparisonOp, SegmentCondition, SegmentStep } from '../compiler/plan';
import { daysUntilBirthday } from './segment';

type Eb = ExpressionBuilder<Database, 'customers'>;
const DAY_MS = 86_400_000;

/** `where(segmentWhere(step, now, tz))` on a query over `customers`. */
export function segmentWhere(step: Pick<SegmentStep, 'match' | 'conditions'>, now: Date, timeZone: string) {
  return (eb: Eb): Expression<SqlBool> => {
    const parts = step.conditions.map((c) => conditionSql(eb, c, now, timeZone));
    return step.match === 'all' ? eb.and(parts) : eb.or(parts);
  };
}

function conditionSql(eb: Eb, c: SegmentCondition, now: Date, timeZone: string): Expression<SqlBool> {
  switch (c.field) {
    case 'stamps':
      return eb('stamps', sqlOp(c.op), c.value as number);
    case 'emailConsent':
      return eb('email_consent', c.op === 'neq' ? '!=' : '=', c.value as boolean);
    case 'hasEmail': {
      const has = eb.and([eb('email', 'is not', null), eb('email', '!=', '')]);
      return (c.value === true) === (c.op !== 'neq') ? has : eb.not(has);
    }
    case 'daysSinceJoined':
      return daysSince(eb, 'joined_at', c, now);
    case 'daysSinceLastVisit':
      // Never visited counts from joining; spelled out (no coalesce) so each side can use an index.
      return eb.or([
        eb.and([eb('last_visit_at', 'is not', null), daysSince(eb, 'last_visit_at', c, now)]),
        eb.and([eb('last_visit_at', 'is', null), daysSince(eb, 'joined_at', c, now)]),
      ]);
    case 'birthdayInDays':
      return birthdayIn(eb, c, now, timeZone);
    default: {
      const unknown: never = c.field;
      throw new Error(`unknown segment field ${String(unknown)}`);
    }
  }
}

/**
 * floor((now - t) / day) <op> n, as a range on t: days ≥ n ⇔ t ≤ now - n days, and
 * days < n ⇔ t > now - n days.
 */
function daysSince(eb: Eb, column: 'joined_at' | 'last_visit_at', c: SegmentCondition, now: Date): Expression<SqlBool> {
  const n = c.value as number;
  const at = (days: number) => new Date(now.getTime() - days * DAY_MS);
  switch (c.op) {
    case 'gte':
      return eb(column, '<=', at(n));
    case 'gt':
      return eb(column, '<=', at(n + 1));
    case 'lt':
      return eb(column, '>', at(n));
    case 'lte':
      return eb(column, '>', at(n + 1));
    case 'eq':
      return eb.and([eb(column, '<=', at(n)), eb(column, '>', at(n + 1))]);
    case 'neq':
      return eb.or([eb(column, '>', at(n)), eb(column, '<=', at(n + 1))]);
  }
}

/** The (month, day) pairs whose birthday distance satisfies the condition: at most 366. */
function birthdayIn(eb: Eb, c: SegmentCondition, now: Date, timeZone: string): Expression<SqlBool> {
  const pairs: Array<[number, number]> = [];
  for (let m = 1; m <= 12; m++) {
    for (let d = 1; d <= 31; d++) {
      if (d > new Date(Date.UTC(2024, m, 0)).getUTCDate()) continue; // 2024: a leap year
      if (compare(daysUntilBirthday(m, d, now, timeZone), c.op, c.value as number)) pairs.push([m, d]);
    }
  }
  if (pairs.length === 0) return sql<SqlBool>`false`;
  const list = sql.join(pairs.map(([m, d]) => sql`(${sql.lit(m)}, ${sql.lit(d)})`));
  return sql<SqlBool>`(birthday_month, birthday_day) in (${list})`;
}

function compare(a: number, op: ComparisonOp, b: number): boolean {
  return { eq: a === b, neq: a !== b, gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[op];
}

function sqlOp(op: ComparisonOp): '=' | '!=' | '>' | '>=' | '<' | '<=' {
  return ({ eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const)[op];
}
