/** The trigger's settings: what starts the flow, which card it is about, and when members leave. */
import { defaultHoldoutPercent, EXIT_RULES, TRIGGER_EVENTS, type TriggerKind, WEEKDAYS } from '../../../../engine/compiler';
import { EVENT_LABELS, WEEKDAY_LABELS } from '../node-summary';
import { Field, messagesFor, NumberInput, patched, str, type Data, type NodeFormProps } from './fields';
import { fromLocalInput, isoToLocalInput } from '../../shell/format';
import { GoalFields } from '../../results/GoalFields';

const KINDS: readonly { kind: TriggerKind; label: string }[] = [
  { kind: 'broadcast', label: 'A broadcast I launch' },
  { kind: 'birthday', label: 'A birthday' },
  { kind: 'inactive', label: 'No visit for a while' },
  { kind: 'event', label: 'Something a customer does' },
  { kind: 'schedule', label: 'A repeating schedule' },
];

const EXIT_LABELS = { visit: 'they visit', reward_redeemed: 'they redeem a reward' } as const;

/** Fresh settings for a trigger kind: valid as they are, keeping the card and exit rules. */
export function triggerDefaults(kind: TriggerKind, previous: Data): Data {
  const keep = patched({}, {
    cardId: previous['cardId'] ?? undefined,
    exitOn: previous['exitOn'],
    goal: previous['goal'],
    holdoutPercent: previous['holdoutPercent'],
  });
  switch (kind) {
    case 'broadcast':
      return { trigger: kind, ...keep };
    case 'birthday':
      return { trigger: kind, ...keep, daysBefore: 3, at: '10:00' };
    case 'inactive':
      return { trigger: kind, ...keep, days: 30 };
    case 'event':
      return { trigger: kind, ...keep, event: 'joined' };
    case 'schedule':
      return { trigger: kind, ...keep, weekday: 'mon', time: '09:00' };
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

/** `2025-06-03T10:00`, the shop's wall clock, from an ISO instant ('' for none). */
function TimeField({
  data,
  name,
  label,
  hint,
  problems,
  set,
}: {
  data: Data;
  name: string;
  label: string;
  hint?: string;
  problems: NodeFormProps['problems'];
  set: (patch: Data) => void;
}) {
  return (
    <Field label={label} hint={hint} messages={messagesFor(problems, name)}>
      {(aria) => (
        <input
          type="time"
          {...aria}
          value={str(data, name) ?? ''}
          onChange={(e) => set({ [name]: e.target.value || undefined })}
        />
      )}
    </Field>
  );
}

export function TriggerForm({
  data,
  problems,
  onChange,
  cards,
}: NodeFormProps & { cards: readonly { id: string; name: string }[] }) {
  const set = (patch: Data) => onChange(patched(data, patch));
  const kind = str(data, 'trigger');
  const exitOn = Array.isArray(data['exitOn']) ? (data['exitOn'] as unknown[]) : [];
  const cardId = str(data, 'cardId') ?? '';
  const cron = str(data, 'cron');
  return (
    <div className="stack">
      <Field label="Start this flow when" messages={messagesFor(problems, 'trigger')}>
        {(aria) => (
          <select
            {...aria}
            value={kind ?? ''}
            onChange={(e) => onChange(triggerDefaults(e.target.value as TriggerKind, data))}
          >
            {kind === undefined && <option value="">Choose…</option>}
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        )}
      </Field>

      {kind === 'broadcast' && (
        <Field
          label="Send at"
          hint="Empty: as soon as you launch it. In your browser's time."
          messages={messagesFor(problems, 'sendAt')}
        >
          {(aria) => (
            <input
              type="datetime-local"
              {...aria}
              value={isoToLocalInput(str(data, 'sendAt'))}
              onChange={(e) => set({ sendAt: fromLocalInput(e.target.value)?.toISOString() })}
            />
          )}
        </Field>
      )}

      {kind === 'birthday' && (
        <>
          <Field
            label="Days before the birthday"
            hint="0 means on the day."
            messages={messagesFor(problems, 'daysBefore')}
          >
            {(aria) => (
              <NumberInput
                {...aria}
                min={0}
                max={30}
                value={data['daysBefore']}
                onChange={(n) => set({ daysBefore: n })}
              />
            )}
          </Field>
          <TimeField data={data} name="at" label="At" hint="Default 10:00, your time." problems={problems} set={set} />
        </>
      )}

      {kind === 'inactive' && (
        <>
          <Field label="Days without a visit" messages={messagesFor(problems, 'days')}>
            {(aria) => (
              <NumberInput {...aria} min={1} max={3650} value={data['days']} onChange={(n) => set({ days: n })} />
            )}
          </Field>
          <TimeField data={data} name="at" label="At" hint="Default 10:00, your time." problems={problems} set={set} />
        </>
      )}

      {kind === 'event' && (
        <>
          <Field label="Event" messages={messagesFor(problems, 'event')}>
            {(aria) => (
              <select
                {...aria}
                value={str(data, 'event') ?? ''}
                onChange={(e) => set({ event: e.target.value, daysBefore: undefined, at: undefined })}
              >
                {TRIGGER_EVENTS.map((ev) => (
                  <option key={ev} value={ev}>
                    {EVENT_LABELS[ev]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {data['event'] === 'voucher_expiring' && (
            <>
              <Field label="Days before it expires" hint="Default 3." messages={messagesFor(problems, 'daysBefore')}>
                {(aria) => (
                  <NumberInput
                    {...aria}
                    min={0}
                    max={365}
                    value={data['daysBefore']}
                    onChange={(n) => set({ daysBefore: n })}
                  />
                )}
              </Field>
              <TimeField
                data={data}
                name="at"
                label="At"
                hint="Default 10:00, your time."
                problems={problems}
                set={set}
              />
            </>
          )}
        </>
      )}

      {kind === 'schedule' && (
        <>
          <fieldset className="node-choice">
            <legend>Repeats</legend>
            <label className="inline">
              <input
                type="radio"
                name="schedule-mode"
                checked={cron === undefined}
                onChange={() => set({ cron: undefined, weekday: 'mon', time: '09:00' })}
              />
              Every week on a day
            </label>
            <label className="inline">
              <input
                type="radio"
                name="schedule-mode"
                checked={cron !== undefined}
                onChange={() => set({ cron: '0 9 * * 1', weekday: undefined, time: undefined })}
              />
              Custom timing (advanced)
            </label>
          </fieldset>
          {cron === undefined ? (
            <div className="row">
              <Field label="Day" messages={messagesFor(problems, 'weekday')}>
                {(aria) => (
                  <select
                    {...aria}
                    value={str(data, 'weekday') ?? ''}
                    onChange={(e) => set({ weekday: e.target.value || undefined })}
                  >
                    <option value="">Choose…</option>
                    {WEEKDAYS.map((d) => (
                      <option key={d} value={d}>
                        {WEEKDAY_LABELS[d]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <TimeField data={data} name="time" label="Time" problems={problems} set={set} />
            </div>
          ) : (
            <Field
              label="Custom timing (advanced)"
              hint="minute hour day month weekday, your time; e.g. 0 9 * * 1 is Mondays 09:00."
              messages={messagesFor(problems, 'cron')}
            >
              {(aria) => (
                <input {...aria} value={cron} spellCheck={false} onChange={(e) => set({ cron: e.target.value })} />
              )}
            </Field>
          )}
        </>
      )}

      <Field
        label="Card"
        hint="Who can enter: holders of this card, or of any card."
        messages={messagesFor(problems, 'cardId')}
      >
        {(aria) => (
          <select {...aria} value={cardId} onChange={(e) => set({ cardId: e.target.value || undefined })}>
            <option value="">All cards</option>
            {cardId && !cards.some((c) => c.id === cardId) && <option value={cardId}>Unknown card</option>}
            {cards.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>

      <fieldset className="node-choice">
        <legend>Leave the flow early when</legend>
        {EXIT_RULES.map((rule) => (
          <label key={rule} className="inline">
            <input
              type="checkbox"
              checked={exitOn.includes(rule)}
              onChange={(e) => {
                const next = e.target.checked
                  ? [...exitOn.filter((r) => r !== rule), rule]
                  : exitOn.filter((r) => r !== rule);
                set({ exitOn: next.length > 0 ? next : undefined });
              }}
            />
            {EXIT_LABELS[rule]}
          </label>
        ))}
        {messagesFor(problems, 'exitOn').map((m) => (
          <span key={m} className="field-error">
            {m}
          </span>
        ))}
      </fieldset>

      {kind !== undefined && (
        <GoalFields
          data={data}
          set={set}
          defaultHoldout={defaultHoldoutPercent(kind as TriggerKind)}
          messages={[...messagesFor(problems, 'goal'), ...messagesFor(problems, 'goal.event'), ...messagesFor(problems, 'goal.withinDays'), ...messagesFor(problems, 'holdoutPercent')]}
        />
      )}
    </div>
  );
}
