import { describe, expect, it } from 'vitest';
import { copySelection, pasteClip } from './clipboard';
import { summaryLines } from './node-summary';
import { freeSpot } from './use-editor-actions';

describe('node summaries', () => {
  it('describes triggers at a glance', () => {
    expect(summaryLines('trigger', { trigger: 'birthday', daysBefore: 3, at: '10:00' })).toEqual([
      'Birthday · 3 days before · 10:00',
    ]);
    expect(summaryLines('trigger', { trigger: 'birthday', daysBefore: 0 })).toEqual(['Birthday · on the day · 10:00']);
    expect(summaryLines('trigger', { trigger: 'inactive', days: 30 })).toEqual(['No visit for 30 days · 10:00']);
    expect(summaryLines('trigger', { trigger: 'schedule', weekday: 'mon', time: '09:00' })).toEqual([
      'Every Mon 09:00',
    ]);
    expect(summaryLines('trigger', { trigger: 'event', event: 'reward_ready' })).toEqual(['A reward is ready']);
  });

  it('describes the three kinds of wait', () => {
    expect(summaryLines('wait', { for: { days: 7 } })).toEqual(['Wait 7 days']);
    expect(summaryLines('wait', { for: { hours: 1, minutes: 30 } })).toEqual(['Wait 1 h 30 min']);
    expect(summaryLines('wait', { until: { time: '09:00', weekday: 'mon' } })).toEqual(['Until Mon 09:00']);
    expect(summaryLines('wait', { until: { time: '09:00', weekdays: ['mon', 'wed'] } })).toEqual([
      'Until Mon, Wed 09:00',
    ]);
    expect(summaryLines('wait', { untilVisit: { days: 7 } })).toEqual(['Until a visit, max 7 days']);
  });

  it('describes segments, messages and vouchers, and tolerates half-filled drafts', () => {
    expect(
      summaryLines('segment', {
        match: 'any',
        conditions: [
          { field: 'stamps', op: 'gte', value: 5 },
          { field: 'emailConsent', op: 'eq', value: true },
        ],
      }),
    ).toEqual(['Stamps ≥ 5', 'or Email consent is yes']);
    expect(summaryLines('push', { text: "Coffee's waiting ☕" })).toEqual(["“Coffee's waiting ☕”"]);
    expect(summaryLines('email', { subject: '' })).toEqual(['No subject yet']);
    expect(summaryLines('voucher', { title: 'Free coffee', validDays: 14 })).toEqual(['Free coffee', 'Valid 14 days']);
    expect(summaryLines('wait', {})).toEqual(['Set how long to wait']);
    expect(summaryLines('trigger', { trigger: 'birthday', daysBefore: 'x' })).toEqual([
      'Birthday · ? days before · 10:00',
    ]);
  });
});

describe('copy and paste', () => {
  const nodes = [
    { id: 'a', type: 'push', position: { x: 0, y: 0 }, data: { text: 'A' }, selected: true },
    { id: 'b', type: 'push', position: { x: 300, y: 0 }, data: { text: 'B' }, selected: true },
    { id: 'c', type: 'push', position: { x: 600, y: 0 }, data: { text: 'C' } },
  ];
  const edges = [
    { id: 'ab', source: 'a', target: 'b' },
    { id: 'bc', source: 'b', target: 'c' },
  ];

  it('pastes the selected steps and the connections between them with new ids, shifted and selected', () => {
    const clip = copySelection(nodes, edges)!;
    expect(clip.edges.map((e) => e.id)).toEqual(['ab']);
    const pasted = pasteClip(clip, nodes, edges, 40);
    const ids = pasted.nodes.map((n) => n.id);
    expect(ids.some((id) => ['a', 'b', 'c'].includes(id))).toBe(false);
    expect(pasted.nodes.map((n) => n.position)).toEqual([
      { x: 40, y: 40 },
      { x: 340, y: 40 },
    ]);
    expect(pasted.nodes.every((n) => n.selected)).toBe(true);
    expect(pasted.edges).toEqual([{ id: expect.any(String), source: ids[0], target: ids[1], sourceHandle: null }]);
  });
});

describe('placing a new step', () => {
  it('keeps the wanted place when it is free and moves right of a step in the way', () => {
    expect(freeSpot({ x: 1000, y: 1000 }, [])).toEqual({ x: 1000, y: 1000 });
    const trigger = {
      id: 't',
      type: 'trigger',
      position: { x: 0, y: 0 },
      data: {},
      measured: { width: 220, height: 90 },
    };
    expect(freeSpot({ x: 10, y: 10 }, [trigger])).toEqual({ x: 290, y: 10 });
  });
});
