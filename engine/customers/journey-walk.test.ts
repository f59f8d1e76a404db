import { describe, expect, it } from 'vitest';
import type { Plan, Step } from '../compiler/plan';
import { walkJourney, type MemberFacts } from './journey-walk';

const push = (id: string, next: string[] = []): Step => ({ kind: 'push', id, text: 'Hi', next: { next } });
const plan = (entry: string[], steps: Step[]): Plan => ({
  planVersion: 1,
  triggerNodeId: 't',
  trigger: { kind: 'broadcast' },
  entry,
  steps: Object.fromEntries(steps.map((s) => [s.id, s])),
});
const facts = (processed: string[], outcomes: [string, string][] = []): MemberFacts => ({
  processed: new Set(processed),
  outcomes: new Map(outcomes),
  waiting: new Map(),
});

describe('walkJourney', () => {
  it('answers the branch still holding the member when a step fans out', () => {
    const fanOut = plan(['a'], [push('a', ['b', 'c']), push('b'), push('c', ['d']), push('d')]);
    expect(walkJourney(fanOut, facts(['a', 'b', 'c']))).toEqual({
      at: 'step',
      nodeId: 'd',
      kind: 'push',
      waitingUntil: null,
    });
    expect(walkJourney(fanOut, facts(['a', 'b', 'c', 'd']))).toEqual({ at: 'end', reason: 'finished', nodeId: 'b' });
  });

  it('walks a step reached by converging branches once', () => {
    const segment: Step = {
      kind: 'segment',
      id: 's',
      match: 'any',
      conditions: [{ field: 'stamps', op: 'gt', value: 0 }],
      next: { match: ['x', 'y'], else: [] },
    };
    const converging = plan(['s'], [segment, push('x', ['z']), push('y', ['z']), push('z')]);
    expect(walkJourney(converging, facts(['s', 'x', 'y', 'z'], [['s', 'match']]))).toEqual({
      at: 'end',
      reason: 'finished',
      nodeId: 'z',
    });
    expect(walkJourney(converging, facts(['s'], [['s', 'match']]))).toMatchObject({ at: 'step', nodeId: 'x' });
  });

  it('ends at the segment when the matching output leads nowhere', () => {
    const dead = plan(
      ['s'],
      [
        {
          kind: 'segment',
          id: 's',
          match: 'all',
          conditions: [{ field: 'stamps', op: 'gt', value: 0 }],
          next: { match: [], else: ['x'] },
        },
        push('x'),
      ],
    );
    expect(walkJourney(dead, facts(['s'], [['s', 'match']]))).toEqual({
      at: 'end',
      reason: 'no_match_path',
      nodeId: 's',
    });
  });

  it('treats a plan with no steps as finished at the trigger', () => {
    expect(walkJourney(plan([], []), facts([]))).toEqual({ at: 'end', reason: 'finished', nodeId: 't' });
  });
});
