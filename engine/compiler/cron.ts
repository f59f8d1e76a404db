/**
 * Five-field cron expressions (`minute hour day-of-month month day-of-week`), checked field
 * by field so a flow with a cron the Schedule would refuse never publishes. Each field is
 * `*` or a comma list of values and ranges, each with an optional `/step`; months and
 * weekdays may also be named (`JAN`, `MON`). Pure: the editor shows these diagnostics live.
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of the month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of the week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

/** The problem with a cron expression, in the merchant's words, or undefined when it is valid. */
export function cronProblem(cron: string): string | undefined {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) return 'A cron expression has five fields, e.g. "0 10 * * 2".';
  for (const [i, field] of FIELDS.entries()) {
    const part = parts[i] ?? '';
    if (!part.split(',').every((item) => validItem(item, field))) {
      return `"${part}" is not a valid ${field.name} (${field.min}–${field.max}) in the cron expression.`;
    }
  }
  // A quota as much as a rule: every firing is a run on the shared worker and Temporal. No
  // café needs more than one an hour; an every-minute schedule is load, not a journey.
  if (!/^\d+$/.test(parts[0] ?? '')) {
    return 'A schedule runs at most once an hour: set the minute to one number, e.g. "0 10 * * 2".';
  }
  return undefined;
}

function validItem(item: string, field: (typeof FIELDS)[number]): boolean {
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0 || range === undefined) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
  if (range === '*') return true;
  const [from, to, ...more] = range.split('-');
  if (more.length > 0) return false;
  const a = value(from, field);
  if (a === undefined) return false;
  if (to === undefined) return true;
  const b = value(to, field);
  return b !== undefined && a <= b;
}

function value(text: string | undefined, field: (typeof FIELDS)[number]): number | undefined {
  if (text === undefined) return undefined;
  if ('names' in field) {
    const named = (field.names as readonly string[]).indexOf(text.toUpperCase());
    if (named >= 0) return field.name === 'month' ? named + 1 : named;
  }
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}
