/**
 * Scheduled journeys through the HTTP API on the real stack: a birthday flow fired by hand
 * enters today's cohort (the merchant's today, from the real clock) at most once a year,
 * and its Temporal Schedule follows publish, pause, resume and archive — and, fired, runs
 * today's cohort as a `schedule` run, or nobody while the flow is paused.
 */
import { ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  createMerchant,
  importCustomers,
  ok,
  publishedFlow,
  runDeliveries,
  stackForFile,
  startRun,
  waitForStatus,
  type Merchant,
} from '../e2e/http';
import { awayFromMidnight, farFromNow, merchantClock, merchantDay, monthDay, plusDays, ZONE } from './clock';
import { eventually, republish, runReport, type VersionedRun } from './flows';
import { journey, node } from './graphs';

const file = stackForFile();

function birthdayFlow(daysBefore: number, text: string, at = farFromNow()) {
  return journey({ trigger: 'birthday', daysBefore, at }, [node('greet', 'push', { text })]);
}

/** Who got the run's push, by externalId. */
async function greeted(m: Merchant, runId: string, byId: Map<string, string>): Promise<string[]> {
  const deliveries = await runDeliveries(m, runId);
  return deliveries.map((d) => byId.get(d.customerId) ?? d.customerId).sort();
}

/** Imports customers with birthdays (`MM-DD`); answers externalId by customer id. */
async function withBirthdays(m: Merchant, birthdays: Record<string, string | null>): Promise<Map<string, string>> {
  const rows = Object.entries(birthdays).map(([externalId, birthday]) => ({
    externalId,
    name: externalId,
    cardId: m.cardId,
    birthday,
  }));
  const byExt = await importCustomers(m, rows);
  return new Map([...byExt.values()].map((c) => [c.id, c.externalId ?? c.id]));
}

describe('birthday flows fired by hand', () => {
  let m: Merchant;
  let byId: Map<string, string>;
  beforeAll(async () => {
    m = await createMerchant(file.app, 'Birthday Café');
    await awayFromMidnight();
    const today = merchantDay();
    byId = await withBirthdays(m, {
      today: monthDay(today),
      yesterday: monthDay(plusDays(today, -1)),
      tomorrow: monthDay(plusDays(today, 1)),
      in4: monthDay(plusDays(today, 4)),
      in5: monthDay(plusDays(today, 5)),
      in6: monthDay(plusDays(today, 6)),
      none: null,
    });
  });

  it("enters the customers whose birthday is today in the merchant's time zone", async () => {
    const flowId = await publishedFlow(m, birthdayFlow(0, 'Happy birthday!'), 'birthday today');
    const { runId } = await startRun(m, flowId);
    const done = await waitForStatus(file.app, m.key, runId, ['completed']);
    expect(done.counts).toMatchObject({ members: 1, sent: 1 });
    expect(await greeted(m, runId, byId)).toEqual(['today']);
  });

  it('enters the customers whose birthday is N days away into a flow N days before, not those a day either side', async () => {
    const flowId = await publishedFlow(m, birthdayFlow(5, 'Birthday soon!'), 'birthday in 5 days');
    const { runId } = await startRun(m, flowId);
    await waitForStatus(file.app, m.key, runId, ['completed']);
    expect(await greeted(m, runId, byId)).toEqual(['in5']);
  });

  it('enters nobody twice in a year: not on a second run the same day, nor after a republish', async () => {
    const flowId = await publishedFlow(m, birthdayFlow(0, 'Happy birthday!'), 'once a year');
    const first = await startRun(m, flowId);
    expect((await waitForStatus(file.app, m.key, first.runId, ['completed'])).counts.members).toBe(1);

    const again = await startRun(m, flowId);
    const second = await waitForStatus(file.app, m.key, again.runId, ['completed']);
    expect(second.counts).toMatchObject({ members: 0, sent: 0 });

    expect(await republish(file.app, m, flowId, birthdayFlow(0, 'Many happy returns'))).toBe(2);
    const v2 = await startRun(m, flowId);
    await waitForStatus(file.app, m.key, v2.runId, ['completed']);
    const third = await runReport(m, v2.runId);
    expect(third.version).toBe(2);
    expect(third.counts).toMatchObject({ members: 0, sent: 0 });
  });
});

describe('the Schedule of a birthday flow', () => {
  let m: Merchant;
  let byId: Map<string, string>;
  beforeAll(async () => {
    m = await createMerchant(file.app, 'Scheduled Café');
    await awayFromMidnight();
    const today = merchantDay();
    byId = await withBirthdays(m, {
      ada: monthDay(today),
      ben: monthDay(today),
      cem: monthDay(plusDays(today, 1)),
      dan: null,
    });
  });

  const schedule = (flowId: string) => file.stack.client.schedule.getHandle(`flow-${flowId}`);
  /** The Schedule's daily time, read from its spec, and the merchant's clock at its next firing. */
  const timing = (d: ScheduleDescription) => {
    const calendar = d.spec.calendars?.[0];
    const at = `${String(calendar?.hour[0]?.start).padStart(2, '0')}:${String(calendar?.minute[0]?.start).padStart(2, '0')}`;
    const next = d.info.nextActionTimes[0];
    return { at, timezone: d.spec.timezone, next: next && merchantClock(next) };
  };

  it("is created on publish at the flow's time in the merchant's zone, and follows pause, resume, republish and archive", async () => {
    const at = farFromNow();
    const flowId = await publishedFlow(m, birthdayFlow(0, 'Happy birthday!', at), 'scheduled birthday');
    const created = await schedule(flowId).describe();
    expect(timing(created)).toEqual({ at, timezone: ZONE, next: at });
    expect(created.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'scheduledFlow',
      taskQueue: file.stack.taskQueue,
    });
    expect(created.action.args).toEqual([{ merchantId: m.id, flowId }]);
    expect(created.state.paused).toBe(false);

    expect(ok(await m.api.post<{ status: string }>(`/v1/flows/${flowId}/pause`), 200).status).toBe('paused');
    expect((await schedule(flowId).describe()).state.paused).toBe(true);
    expect(ok(await m.api.post<{ status: string }>(`/v1/flows/${flowId}/resume`), 200).status).toBe('active');
    expect((await schedule(flowId).describe()).state.paused).toBe(false);

    const later = merchantClock(new Date(Date.now() + 13 * 3_600_000 + 17 * 60_000));
    await republish(file.app, m, flowId, birthdayFlow(0, 'Happy birthday!', later));
    expect(timing(await schedule(flowId).describe())).toEqual({ at: later, timezone: ZONE, next: later });

    expect(ok(await m.api.post<{ status: string }>(`/v1/flows/${flowId}/archive`), 200).status).toBe('archived');
    await expect(schedule(flowId).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it("fired now, runs today's cohort as a run from the schedule", async () => {
    const flowId = await publishedFlow(m, birthdayFlow(0, 'Happy birthday!'), 'fired birthday');
    await schedule(flowId).trigger();
    const run = await eventually(async () => (await runsOf(m, flowId))[0]);
    expect(run.source).toBe('schedule');
    expect(run.workflowId.startsWith(`flow-${flowId}`)).toBe(true);
    const done = await waitForStatus(file.app, m.key, run.id, ['completed']);
    expect(done.counts).toMatchObject({ members: 2, sent: 2 });
    expect(await greeted(m, run.id, byId)).toEqual(['ada', 'ben']);
  });

  it("caught up after downtime, takes the cohort of the day the firing was due, not today's", async () => {
    // A backfill fires the Schedule as it would have fired a day and a half ago (Temporal
    // gives the firing its due time, as it does when it catches up after an outage).
    const at = farFromNow(); // due daily at now + 12 h, so also at now - 36 h
    const flowId = await publishedFlow(m, birthdayFlow(0, 'Happy birthday!', at), 'caught-up birthday');
    const due = Date.now() - 36 * 3_600_000;
    const dueDay = merchantDay(new Date(due));
    expect(dueDay).not.toEqual(merchantDay());
    const late = await withBirthdays(m, { eve: monthDay(dueDay) });
    await schedule(flowId).backfill([
      { start: new Date(due - 90_000), end: new Date(due + 90_000), overlap: 'ALLOW_ALL' },
    ]);
    const run = await eventually(async () => (await runsOf(m, flowId))[0]);
    expect(run.source).toBe('schedule');
    const done = await waitForStatus(file.app, m.key, run.id, ['completed']);
    expect(merchantDay(new Date(done.sendAt ?? ''))).toEqual(dueDay);
    // Eve's birthday was that day; Ada's and Ben's is today, so they wait for today's firing.
    expect(await greeted(m, run.id, late)).toEqual(['eve']);
  });

  it('fired while the flow is paused, enters nobody; resumed, it enters the cohort', async () => {
    const flowId = await publishedFlow(m, birthdayFlow(0, 'Happy birthday!'), 'paused birthday');
    ok(await m.api.post(`/v1/flows/${flowId}/pause`), 200);
    const fired = await fireAndWait(flowId);
    expect(fired).toEqual({ members: 0 });
    expect(await runsOf(m, flowId)).toEqual([]);

    ok(await m.api.post(`/v1/flows/${flowId}/resume`), 200);
    expect(await fireAndWait(flowId)).toEqual({ members: 2 });
    const runs = await runsOf(m, flowId);
    expect(runs.map((r) => [r.source, r.status, r.counts.members])).toEqual([['schedule', 'completed', 2]]);
  });

  /** Fires the flow's Schedule and waits for the workflow it started; answers its result. */
  async function fireAndWait(flowId: string): Promise<unknown> {
    const handle = schedule(flowId);
    const before = (await handle.describe()).info.numActionsTaken;
    await handle.trigger();
    const action = await eventually(async () => {
      const info = (await handle.describe()).info;
      return info.numActionsTaken > before ? info.recentActions.at(-1) : undefined;
    });
    const result = file.stack.client.workflow.getHandle(action.action.workflow.workflowId).result();
    const stuck = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('the fired workflow did not finish')), 20_000).unref(),
    );
    return Promise.race([result, stuck]);
  }
});

async function runsOf(m: Merchant, flowId: string): Promise<VersionedRun[]> {
  return allPages<VersionedRun>(m.api, `/v1/runs?flowId=${flowId}`, 100);
}
