/** The wait's one setting: a duration, a time of day (on some weekdays), or a visit with a limit. */
import { useId } from 'react';
import { WEEKDAYS } from '../../../../engine/compiler';
import { WEEKDAY_LABELS } from '../node-summary';
import {
  Field,
  FieldErrors,
  messagesFor,
  NumberInput,
  obj,
  patched,
  str,
  type Data,
  type NodeFormProps,
} from './fields';

export type WaitMode = 'for' | 'until' | 'untilVisit';

const MODES: readonly { mode: WaitMode; label: string; hint: string }[] = [
  { mode: 'for', label: 'For a set time', hint: 'Everyone continues when the time is up.' },
  {
    mode: 'until',
    label: 'Until a time of day',
    hint: 'Your time; on the days you tick, or the next day at that time.',
  },
  {
    mode: 'untilVisit',
    label: 'Until they visit',
    hint: 'Who visits continues by “visited”; the others by “timeout” when the time is up.',
  },
];

export function waitModeOf(data: Data): WaitMode | undefined {
  return data['untilVisit'] !== undefined
    ? 'untilVisit'
    : data['until'] !== undefined
      ? 'until'
      : data['for'] !== undefined
        ? 'for'
        : undefined;
}

/** The data of a wait switched to `mode`; a duration carries over between `for` and `untilVisit`. */
export function switchWaitMode(data: Data, mode: WaitMode): Data {
  const duration = obj(data, 'for') ?? obj(data, 'untilVisit');
  switch (mode) {
    case 'for':
      return { for: duration ?? { days: 1 } };
    case 'untilVisit':
      return { untilVisit: duration ?? { days: 7 } };
    case 'until':
      return { until: { time: '09:00' } };
    default: {
      const _exhaustive: never = mode;
      return _exhaustive;
    }
  }
}

const UNITS = [
  ['days', 'Days'],
  ['hours', 'Hours'],
  ['minutes', 'Minutes'],
] as const;

function DurationFields({
  value,
  name,
  problems,
  onChange,
}: {
  value: Data;
  name: string;
  problems: NodeFormProps['problems'];
  onChange: (d: Data) => void;
}) {
  return (
    <div>
      <div className="row duration">
        {UNITS.map(([unit, label]) => (
          <label key={unit} className="node-field">
            <span>{label}</span>
            <NumberInput min={0} value={value[unit]} onChange={(n) => onChange(patched(value, { [unit]: n }))} />
          </label>
        ))}
      </div>
      <FieldErrors messages={messagesFor(problems, name)} />
    </div>
  );
}

function UntilFields({
  value,
  problems,
  onChange,
}: {
  value: Data;
  problems: NodeFormProps['problems'];
  onChange: (u: Data) => void;
}) {
  const days: unknown[] = Array.isArray(value['weekdays'])
    ? value['weekdays']
    : value['weekday'] !== undefined
      ? [value['weekday']]
      : [];
  const setDays = (next: unknown[]) => {
    const ordered = WEEKDAYS.filter((d) => next.includes(d));
    onChange(patched(value, { weekday: undefined, weekdays: ordered.length > 0 ? ordered : undefined }));
  };
  return (
    <>
      <Field label="Time" messages={messagesFor(problems, 'until.time')}>
        {(aria) => (
          <input
            type="time"
            {...aria}
            value={str(value, 'time') ?? ''}
            onChange={(e) => onChange(patched(value, { time: e.target.value || undefined }))}
          />
        )}
      </Field>
      <fieldset className="node-choice weekdays">
        <legend>Only on</legend>
        {WEEKDAYS.map((d) => (
          <label key={d} className="inline">
            <input
              type="checkbox"
              checked={days.includes(d)}
              onChange={(e) => setDays(e.target.checked ? [...days, d] : days.filter((x) => x !== d))}
            />
            {WEEKDAY_LABELS[d]}
          </label>
        ))}
        <span className="field-hint">None ticked: any day.</span>
        <FieldErrors
          messages={[...messagesFor(problems, 'until.weekday'), ...messagesFor(problems, 'until.weekdays')]}
        />
      </fieldset>
    </>
  );
}

export function WaitForm({ data, problems, onChange }: NodeFormProps) {
  const name = useId();
  const mode = waitModeOf(data);
  // Problems of the wait as a whole, or of a second setting the current mode does not show.
  const modeMessages = problems
    .filter((p) => p.field === undefined || (p.field !== mode && MODES.some((m) => p.field === m.mode)))
    .map((p) => p.message);
  return (
    <div className="stack">
      <fieldset className="node-choice">
        <legend>Wait</legend>
        {MODES.map((m) => (
          <label key={m.mode} className="inline" title={m.hint}>
            <input
              type="radio"
              name={name}
              value={m.mode}
              checked={mode === m.mode}
              onChange={() => onChange(switchWaitMode(data, m.mode))}
            />
            {m.label}
          </label>
        ))}
        {mode && <span className="field-hint">{MODES.find((m) => m.mode === mode)?.hint}</span>}
      </fieldset>
      {mode === 'for' && (
        <DurationFields
          name="for"
          value={obj(data, 'for') ?? {}}
          problems={problems}
          onChange={(d) => onChange({ ...data, for: d })}
        />
      )}
      {mode === 'untilVisit' && (
        <>
          <span className="field-label">At most</span>
          <DurationFields
            name="untilVisit"
            value={obj(data, 'untilVisit') ?? {}}
            problems={problems}
            onChange={(d) => onChange({ ...data, untilVisit: d })}
          />
        </>
      )}
      {mode === 'until' && (
        <UntilFields
          value={obj(data, 'until') ?? {}}
          problems={problems}
          onChange={(u) => onChange({ ...data, until: u })}
        />
      )}
      <FieldErrors messages={modeMessages} />
    </div>
  );
}
