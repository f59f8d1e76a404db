/** The plan of a plain win-back flow (inactive 30 days → one push, a 7-day visit goal), for tests and benches. */
import type { Plan } from '../../engine/compiler/plan';

export function winBackPlan(holdoutPercent: number): Plan {
  return {
    planVersion: 1,
    triggerNodeId: 'trigger',
    trigger: { kind: 'inactive', days: 30, at: '10:00', goal: { event: 'visit', withinDays: 7 }, holdoutPercent },
    entry: ['push'],
    steps: { push: { kind: 'push', id: 'push', text: 'We miss you', next: { next: [] } } },
  };
}
