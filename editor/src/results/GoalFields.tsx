/**
 * The goal and the hold-out of a flow or campaign, set in words: "Count a visit within 7
 * days as success", "Keep 10% back to measure it", with a warning when the audience is too
 * small for the hold-out to ever show a difference.
 */
import { useId } from 'react';
import { DEFAULT_GOAL, GOAL_EVENTS, MAX_HOLDOUT_PERCENT, type GoalEvent } from '../../../engine/compiler';
import { NumberInput, obj, type Data } from '../flows/forms/fields';
import { GOAL_NOUN } from './result-words';
import './results.css';

/** Fewer than this in the hold-out and a result says "too few" (as the API's verdict). */
const MIN_GROUP = 30;

/** The run size at which keeping `percent`% back gives a hold-out of 30; null for none. */
export function minimumAudience(percent: number): number | null {
  return percent > 0 ? Math.ceil((MIN_GROUP * 100) / percent) : null;
}

export function GoalFields({
  data,
  set,
  defaultHoldout,
  audience,
  messages,
  subject = 'flow',
}: {
  data: Data;
  set: (patch: Data) => void;
  /** The hold-out when none is set (10 for journeys, 0 for broadcasts). */
  defaultHoldout: number;
  /** How many a run reaches, when known: warns when the hold-out would stay under 30. */
  audience?: number | undefined;
  messages: readonly string[];
  /** What is measured, in the sentences: a flow (over its runs) or a one-off campaign. */
  subject?: 'flow' | 'campaign';
}) {
  const id = useId();
  const goal = obj(data, 'goal');
  const event = (typeof goal?.['event'] === 'string' ? goal['event'] : DEFAULT_GOAL.event) as GoalEvent;
  const withinDays = goal?.['withinDays'] ?? DEFAULT_GOAL.withinDays;
  const percent = typeof data['holdoutPercent'] === 'number' ? data['holdoutPercent'] : defaultHoldout;
  const setGoal = (patch: Data) => set({ goal: { event, withinDays, ...patch } });
  const needed = minimumAudience(percent);
  const tooSmall = needed !== null && audience !== undefined && audience < needed;
  return (
    <fieldset className="node-choice goal-fields" aria-describedby={`${id}-hint`}>
      <legend>Did it work?</legend>
      <label className="inline">
        Count
        <select aria-label="Success is" value={event} onChange={(e) => setGoal({ event: e.target.value })}>
          {GOAL_EVENTS.map((g) => (
            <option key={g} value={g}>
              {GOAL_NOUN[g]}
            </option>
          ))}
        </select>
        within
        <NumberInput aria-label="Days to come back" min={1} max={90} value={withinDays} onChange={(n) => setGoal({ withinDays: n })} />
        days as success
      </label>
      <label className="inline">
        Keep
        <NumberInput
          aria-label="Share kept back (%)"
          min={0}
          max={MAX_HOLDOUT_PERCENT}
          value={percent}
          onChange={(n) => set({ holdoutPercent: n })}
        />
        % back to measure it
      </label>
      <span className="field-hint" id={`${id}-hint`}>
        {percent > 0
          ? `Customers kept back get nothing from this ${subject}, so you can see how many would have come back anyway. It takes about ${needed} customers ${subject === 'flow' ? 'in a run ' : ''}to tell.`
          : `Nobody is kept back: you will see who came back, but not whether the ${subject} made the difference.`}
      </span>
      {tooSmall && (
        <span className="field-warning" role="status">
          Only about {audience} customers would get this: too few for {percent}% kept back to ever show a difference. Keep more back{subject === 'flow' ? ", or count on the flow's results over several runs" : ''}.
        </span>
      )}
      {messages.map((m) => (
        <span key={m} className="field-error">
          {m}
        </span>
      ))}
    </fieldset>
  );
}
