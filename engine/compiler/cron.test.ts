import { describe, expect, it } from 'vitest';
import { cronProblem } from './cron';

describe('cronProblem', () => {
  it('accepts values, ranges, lists, steps and month and weekday names', () => {
    for (const cron of ['0 10 * * 2', '15 8-18 * * MON-FRI', '30 9 1,15 * *', '0 0 * JAN,JUL sun', '5 4 * * 7']) {
      expect(cronProblem(cron), cron).toBeUndefined();
    }
  });

  it('names the field that is out of range or malformed', () => {
    expect(cronProblem('60 10 * * 2')).toMatch(/"60" is not a valid minute/);
    expect(cronProblem('0 24 * * 2')).toMatch(/valid hour/);
    expect(cronProblem('0 10 0 * *')).toMatch(/day of the month/);
    expect(cronProblem('0 10 * 13 *')).toMatch(/month/);
    expect(cronProblem('0 10 * * 8')).toMatch(/day of the week/);
    expect(cronProblem('0 10 * * 5-2')).toMatch(/day of the week/);
    expect(cronProblem('0 10 * * */0')).toMatch(/day of the week/);
    expect(cronProblem('0 10 * * ? ')).toMatch(/day of the week/);
  });

  it('wants exactly five fields', () => {
    expect(cronProblem('0 10 * *')).toMatch(/five fields/);
    expect(cronProblem('0 0 10 * * 2')).toMatch(/five fields/);
  });

  it('refuses a schedule more often than once an hour (a per-merchant quota on the shared worker)', () => {
    for (const cron of ['* * * * *', '*/5 * * * *', '0,30 * * * *', '0-10 10 * * *']) {
      expect(cronProblem(cron), cron).toBe('A schedule runs at most once an hour: set the minute to one number, e.g. "0 10 * * 2".');
    }
    expect(cronProblem('0 * * * *')).toBeUndefined();
  });
});
