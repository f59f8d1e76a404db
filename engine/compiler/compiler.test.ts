import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Plan } from './plan';
import { compileFlow } from './compiler';
import type { FlowGraph } from './graph-schema';
import { sampleFlow } from './sample-flow';

/** The plan of a graph the test expects to be valid (its diagnostics, when it is not). */
function planOf(graph: unknown): Plan {
  const result = compileFlow(graph);
  if (!result.ok) throw new Error(`expected a valid flow: ${JSON.stringify(result.diagnostics)}`);
  return result.plan;
}

const fixture = (name: string): unknown =>
  (
    JSON.parse(readFileSync(new URL(`../../test/fixtures/flows/${name}`, import.meta.url), 'utf8')) as {
      graph: unknown;
    }
  ).graph;

const at = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });
const trigger = at('t', 'trigger', { trigger: 'broadcast' });
const edge = (id: string, source: string, target: string, sourceHandle?: string | null) => ({
  id,
  source,
  target,
  sourceHandle,
});

describe('compileFlow', () => {
  it('compiles a segment into match and else successors', () => {
    const plan = planOf(fixture('broadcast-segment-voucher.json'));
    expect(plan).toEqual({
      planVersion: 1,
      triggerNodeId: 'trigger',
      trigger: { kind: 'broadcast', goal: { event: 'visit', withinDays: 7 }, holdoutPercent: 0 },
      entry: ['regulars'],
      steps: {
        regulars: {
          kind: 'segment',
          id: 'regulars',
          match: 'all',
          conditions: [
            { field: 'stamps', op: 'gte', value: 5 },
            { field: 'daysSinceLastVisit', op: 'lt', value: 30 },
          ],
          next: { match: ['voucher'], else: ['email'] },
        },
        voucher: { kind: 'voucher', id: 'voucher', title: 'Free croissant', validDays: 14, next: { next: ['push'] } },
        push: { kind: 'push', id: 'push', text: 'A croissant on us 🥐', next: { next: [] } },
        email: {
          kind: 'email',
          id: 'email',
          subject: 'We miss you',
          body: 'Hi {{customer.name}}, come by for a coffee soon.',
          next: { next: [] },
        },
      },
    });
  });

  it('keeps the card and send time of a broadcast and trims the email subject', () => {
    const plan = planOf(fixture('broadcast-push-email.json'));
    expect(plan?.trigger).toEqual({
      kind: 'broadcast',
      cardId: '3f8e2a4c-9b1d-4e6f-8a2b-7c5d9e0f1a2b',
      sendAt: '2025-06-03T10:00:00+02:00',
      goal: { event: 'visit', withinDays: 7 },
      holdoutPercent: 0,
    });
    expect(plan?.steps['email']).toMatchObject({ subject: 'Your coffee is waiting, {{ customer.name }}' });
    expect(plan?.steps['push']).toMatchObject({ next: { next: ['email'] } });
  });

  it('computes wait durations in milliseconds and drops duplicate connections', () => {
    const plan = planOf(fixture('react-flow-export.json'));
    expect(plan?.steps['wait']).toEqual({
      kind: 'wait',
      id: 'wait',
      mode: 'for',
      durationMs: 26 * 3_600_000,
      next: { next: ['push'] },
    });
  });

  it('produces a plan that survives a JSON round trip unchanged', () => {
    const plan = planOf(sampleFlow(50));
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('reports every problem at once, each tied to its node', () => {
    const graph = {
      nodes: [
        trigger,
        at('push', 'push', { text: 'This text is far too long for a wallet' }),
        at('email', 'email', { subject: '', body: '{{ nope }}' }),
        at('wait', 'wait', { for: { minutes: 0 } }),
      ],
      edges: [edge('1', 't', 'push'), edge('2', 'push', 'email'), edge('3', 'email', 'wait')],
    };
    const result = compileFlow(graph);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.nodeId, d.field, d.code])).toEqual([
      ['push', 'text', 'invalid_value'],
      ['email', 'subject', 'invalid_value'],
      ['email', 'body', 'unknown_placeholder'],
      ['wait', 'for', 'invalid_value'],
    ]);
    expect(result.diagnostics[0]?.message).toBe('Push text is 38 characters; the wallet shows at most 20.');
    expect(result.diagnostics[2]?.message).toContain('{{nope}}');
  });

  it('rejects a segment connection without an output handle', () => {
    const graph = {
      nodes: [
        trigger,
        at('s', 'segment', { conditions: [{ field: 'hasEmail', op: 'eq', value: true }] }),
        at('p', 'push', { text: 'Hi' }),
      ],
      edges: [edge('1', 't', 's'), edge('2', 's', 'p', null)],
    };
    expect(compileFlow(graph).diagnostics).toMatchObject([{ code: 'bad_handle', edgeId: '2', nodeId: 's' }]);
  });

  it('accepts "next" as the output of single-output steps and rejects "match" on them', () => {
    const graph = (handle: string) => ({
      nodes: [trigger, at('p', 'push', { text: 'Hi' }), at('q', 'push', { text: 'Again' })],
      edges: [edge('1', 't', 'p', 'next'), edge('2', 'p', 'q', handle)],
    });
    expect(compileFlow(graph('next')).ok).toBe(true);
    expect(compileFlow(graph('match')).diagnostics).toMatchObject([{ code: 'bad_handle', edgeId: '2' }]);
  });

  it('rejects two different connections with the same id', () => {
    const graph = {
      nodes: [trigger, at('p', 'push', { text: 'Hi' }), at('q', 'push', { text: 'Again' })],
      edges: [edge('1', 't', 'p'), edge('2', 'p', 'q'), edge('2', 't', 'q')],
    };
    expect(compileFlow(graph).diagnostics).toMatchObject([{ code: 'duplicate_id', edgeId: '2' }]);
  });

  it('reports a cycle among steps the trigger does not reach', () => {
    const graph = {
      nodes: [trigger, at('p', 'push', { text: 'Hi' }), at('a', 'push', { text: 'A' }), at('b', 'push', { text: 'B' })],
      edges: [edge('1', 't', 'p'), edge('2', 'a', 'b'), edge('3', 'b', 'a')],
    };
    const codes = compileFlow(graph)
      .diagnostics.map((d) => d.code)
      .sort();
    expect(codes).toEqual(['cycle', 'unreachable', 'unreachable']);
  });

  it('compiles a wait for a visit into visited and timeout successors', () => {
    const graph = {
      nodes: [trigger, at('w', 'wait', { untilVisit: { days: 7 } }), at('p', 'push', { text: 'Thanks!' })],
      edges: [edge('1', 't', 'w'), edge('2', 'w', 'p', 'visited')],
    };
    expect(planOf(graph).steps['w']).toEqual({
      kind: 'wait',
      id: 'w',
      mode: 'untilVisit',
      durationMs: 7 * 86_400_000,
      next: { visited: ['p'], timeout: [] },
    });
  });

  it('rejects a plain "next" connection from a wait for a visit', () => {
    const graph = {
      nodes: [trigger, at('w', 'wait', { untilVisit: { hours: 2 } }), at('p', 'push', { text: 'Thanks!' })],
      edges: [edge('1', 't', 'w'), edge('2', 'w', 'p')],
    };
    expect(compileFlow(graph).diagnostics).toMatchObject([{ code: 'bad_handle', nodeId: 'w', edgeId: '2' }]);
  });

  it('compiles a wait until a time of day, one weekday or several', () => {
    const graph = (until: object) => ({
      nodes: [trigger, at('w', 'wait', { until }), at('p', 'push', { text: 'Hi' })],
      edges: [edge('1', 't', 'w'), edge('2', 'w', 'p')],
    });
    expect(planOf(graph({ time: '10:00', weekday: 'tue' })).steps['w']).toMatchObject({ mode: 'until', time: '10:00', weekdays: ['tue'] });
    expect(planOf(graph({ time: '08:30' })).steps['w']).toEqual({ kind: 'wait', id: 'w', mode: 'until', time: '08:30', next: { next: ['p'] } });
    expect(compileFlow(graph({ time: '8:30' })).diagnostics).toMatchObject([{ code: 'invalid_value', nodeId: 'w', field: 'until.time' }]);
  });

  it('resolves trigger defaults: a birthday at 10:00, expiring vouchers 3 days before', () => {
    const flow = (data: Record<string, unknown>) => ({ nodes: [at('t', 'trigger', data), at('p', 'push', { text: 'Hi' })], edges: [edge('1', 't', 'p')] });
    expect(planOf(flow({ trigger: 'birthday', daysBefore: 0 })).trigger).toEqual({ kind: 'birthday', daysBefore: 0, at: '10:00', goal: { event: 'visit', withinDays: 7 }, holdoutPercent: 10 });
    expect(planOf(flow({ trigger: 'event', event: 'voucher_expiring' })).trigger).toEqual({
      kind: 'event',
      event: 'voucher_expiring',
      daysBefore: 3,
      at: '10:00',
      goal: { event: 'visit', withinDays: 7 },
      holdoutPercent: 10,
    });
    expect(planOf(flow({ trigger: 'event', event: 'reward_ready', exitOn: ['visit', 'visit'] })).trigger).toEqual({
      kind: 'event',
      event: 'reward_ready',
      exitOn: ['visit'],
      goal: { event: 'visit', withinDays: 7 },
      holdoutPercent: 10,
    });
    expect(compileFlow(flow({ trigger: 'birthday', daysBefore: 31 })).diagnostics).toMatchObject([{ code: 'invalid_value', field: 'daysBefore' }]);
    expect(compileFlow(flow({ trigger: 'schedule', cron: '0 25 * * 2' })).diagnostics).toMatchObject([{ code: 'invalid_value', field: 'cron' }]);
    expect(planOf(flow({ trigger: 'schedule', cron: ' 0  10 * * tue ' })).trigger).toEqual({ kind: 'schedule', cron: '0 10 * * tue', goal: { event: 'visit', withinDays: 7 }, holdoutPercent: 0 });
    expect(planOf(flow({ trigger: 'inactive', days: 30, goal: { event: 'stamp', withinDays: 3 }, holdoutPercent: 0 })).trigger).toMatchObject({
      goal: { event: 'stamp', withinDays: 3 },
      holdoutPercent: 0,
    });
    expect(compileFlow(flow({ trigger: 'inactive', days: 30, goal: { event: 'sale', withinDays: 0 }, holdoutPercent: 51 })).diagnostics).toMatchObject([
      { code: 'invalid_value', field: 'goal.event' },
      { code: 'invalid_value', field: 'goal.withinDays' },
      { code: 'invalid_value', field: 'holdoutPercent' },
    ]);
    expect(compileFlow(flow({ trigger: 'event', event: 'joined', daysBefore: 2 })).diagnostics).toMatchObject([{ code: 'invalid_value', field: 'daysBefore' }]);
  });

  it('names the node of a malformed graph when its id is readable', () => {
    const result = compileFlow({ nodes: [{ id: 'p', type: 'push', data: {} }], edges: [] });
    expect(result.diagnostics).toMatchObject([{ code: 'invalid_graph', nodeId: 'p' }]);
    expect(result.diagnostics[0]?.message).toContain('nodes.0.position');
  });

  it('rejects input that is not a graph without throwing', () => {
    for (const input of [undefined, null, 42, 'flow', { nodes: 'x' }]) {
      expect(compileFlow(input).diagnostics[0]?.code).toBe('invalid_graph');
    }
  });

  it('keeps a node id such as __proto__ as a plain step key', () => {
    const graph = { nodes: [trigger, at('__proto__', 'push', { text: 'Hi' })], edges: [edge('1', 't', '__proto__')] };
    const plan = planOf(graph);
    expect(Object.keys(plan?.steps ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(plan?.steps)).toBe(Object.prototype);
  });

  it('compiles a generated 300-node flow with every step in the plan', () => {
    expect(Object.keys(planOf(sampleFlow(300)).steps)).toHaveLength(299);
  });

  it('compiles a chain of 2,000 steps without overflowing the stack', () => {
    const nodes = [trigger, ...Array.from({ length: 1999 }, (_, i) => at(`n${i}`, 'wait', { for: { seconds: 1 } }))];
    const edges = nodes.slice(1).map((node, i) => edge(`e${i}`, nodes[i]!.id, node.id));
    const graph: FlowGraph = { nodes, edges };
    expect(compileFlow(graph).ok).toBe(true);
  });
});
