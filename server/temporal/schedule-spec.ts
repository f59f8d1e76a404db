/**
 * When a scheduled flow fires, as a Temporal Schedule spec in the merchant's time zone (the
 * server applies the zone's DST rules): daily at `at` for birthday, win-back and expiring
 * voucher triggers; weekly or by cron for recurring broadcasts.
 */
import type { ScheduleSpec } from '@temporalio/client';
import type { Weekday } from '../../engine/compiler/plan';
import type { FlowSchedule } from '../../engine/runs/launcher';
import { parseTimeOfDay } from '../../engine/time/zoned';

export type { FlowSchedule };

const DAYS = { mon: 'MONDAY', tue: 'TUESDAY', wed: 'WEDNESDAY', thu: 'THURSDAY', fri: 'FRIDAY', sat: 'SATURDAY', sun: 'SUNDAY' } as const satisfies Record<Weekday, string>;

export function scheduleSpec({ trigger, timeZone }: FlowSchedule): ScheduleSpec {
  switch (trigger.kind) {
    case 'birthday':
    case 'inactive':
      return { calendars: [{ ...parseTimeOfDay(trigger.at), comment: `daily ${trigger.kind} cohort` }], timezone: timeZone };
    case 'event':
      if (trigger.event !== 'voucher_expiring') throw new Error(`event ${trigger.event} has no schedule`);
      return { calendars: [{ ...parseTimeOfDay(trigger.at ?? '10:00'), comment: 'daily expiring vouchers' }], timezone: timeZone };
    case 'schedule':
      if (trigger.cron !== undefined) return { cronExpressions: [trigger.cron], timezone: timeZone };
      if (trigger.weekday === undefined || trigger.time === undefined) throw new Error('a weekly schedule needs a day and a time');
      return { calendars: [{ dayOfWeek: DAYS[trigger.weekday], ...parseTimeOfDay(trigger.time) }], timezone: timeZone };
    case 'broadcast':
      throw new Error('a broadcast has no schedule');
    default: {
      const unknown: never = trigger;
      throw new Error(`unknown trigger ${JSON.stringify(unknown)}`);
    }
  }
}
