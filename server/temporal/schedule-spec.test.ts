import { describe, expect, it } from 'vitest';
import { scheduleSpec, type FlowSchedule } from './schedule-spec';

const flow = (trigger: FlowSchedule['trigger']): FlowSchedule => ({ flowId: 'f', merchantId: 'm', timeZone: 'Europe/Berlin', trigger, paused: false });

describe('scheduleSpec', () => {
  it('fires a birthday or win-back cohort daily at its time, in the merchant time zone', () => {
    expect(scheduleSpec(flow({ kind: 'birthday', daysBefore: 3, at: '09:30' }))).toEqual({
      calendars: [{ hour: 9, minute: 30, comment: 'daily birthday cohort' }],
      timezone: 'Europe/Berlin',
    });
    expect(scheduleSpec(flow({ kind: 'inactive', days: 30, at: '10:00' }))).toMatchObject({ calendars: [{ hour: 10, minute: 0 }] });
  });

  it('fires expiring-voucher reminders daily, and a recurring broadcast weekly or by cron', () => {
    expect(scheduleSpec(flow({ kind: 'event', event: 'voucher_expiring', daysBefore: 3, at: '08:15' }))).toMatchObject({
      calendars: [{ hour: 8, minute: 15 }],
    });
    expect(scheduleSpec(flow({ kind: 'schedule', weekday: 'tue', time: '10:00' }))).toEqual({
      calendars: [{ dayOfWeek: 'TUESDAY', hour: 10, minute: 0 }],
      timezone: 'Europe/Berlin',
    });
    expect(scheduleSpec(flow({ kind: 'schedule', cron: '0 10 * * 2' }))).toEqual({ cronExpressions: ['0 10 * * 2'], timezone: 'Europe/Berlin' });
  });

  it('refuses triggers that have no schedule', () => {
    expect(() => scheduleSpec(flow({ kind: 'broadcast' }))).toThrow(/no schedule/);
    expect(() => scheduleSpec(flow({ kind: 'event', event: 'reward_ready' }))).toThrow(/no schedule/);
  });
});
