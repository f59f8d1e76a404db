/**
 * The messaging rules in plain words (`GET|PUT /v1/merchant/settings`): how many pushes and
 * emails one customer may get in 7 days across every flow and campaign, and the quiet hours
 * in which nothing goes out (held until they end), in the shop's time zone.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';
import { SaveRow } from './SaveRow';

interface Rules {
  readonly push: number | null;
  readonly email: number | null;
  readonly quiet: { start: string; end: string } | null;
}

/** What a rule turned on starts from: the café defaults. */
const DEFAULTS = { push: 2, email: 2, quiet: { start: '21:00', end: '09:00' } };

const same = (a: Rules, b: Rules) => JSON.stringify(a) === JSON.stringify(b);

export function MessagingRulesSection() {
  const settings = useApi(() => call(api.v1.merchant.settings.$get()), []);
  const [saved, setSaved] = useState<Rules>();
  const [draft, setDraft] = useState<Rules>({ push: null, email: null, quiet: null });
  const [done, setDone] = useState(false);
  const saving = useAction();
  const id = useId();

  useEffect(() => {
    if (!settings.data) return;
    const { frequencyCap, quietHours } = settings.data;
    const stored = { push: frequencyCap.push, email: frequencyCap.email, quiet: quietHours };
    setSaved(stored);
    setDraft(stored);
  }, [settings.data]);

  const change = (next: Partial<Rules>) => {
    setDone(false);
    setDraft((d) => ({ ...d, ...next }));
  };
  const dirty = saved !== undefined && !same(saved, draft);
  const quietInvalid = draft.quiet !== null && draft.quiet.start === draft.quiet.end;

  async function save(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    await saving.run(async () => {
      const answer = await call(
        api.v1.merchant.settings.$put({
          json: { frequencyCap: { push: draft.push, email: draft.email }, quietHours: draft.quiet },
        }),
      );
      const stored = { push: answer.frequencyCap.push, email: answer.frequencyCap.email, quiet: answer.quietHours };
      setSaved(stored);
      setDraft(stored);
      setDone(true);
    });
  }

  const limit = (channel: 'push' | 'email', noun: string) => {
    const value = draft[channel];
    return (
      <div className="rule-row">
        <label>
          <input
            type="checkbox"
            checked={value !== null}
            disabled={!saved}
            onChange={(e) => change({ [channel]: e.target.checked ? DEFAULTS[channel] : null })}
          />{' '}
          Limit {noun}
        </label>
        {value !== null && (
          <span className="rule-detail">
            at most{' '}
            <input
              type="number"
              min={0}
              max={1000}
              className="rule-number"
              aria-label={`Most ${noun} per customer in 7 days`}
              value={value}
              onChange={(e) => change({ [channel]: Math.max(0, Math.min(1000, Math.round(Number(e.target.value) || 0))) })}
            />{' '}
            per customer in any 7 days
          </span>
        )}
      </div>
    );
  };

  return (
    <section className="settings-section card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Messaging rules</h2>
      <p className="hint">
        These protect your customers from too many messages, across all your flows and campaigns together. A message a
        rule holds back is listed on the run, with the reason.
      </p>
      <ErrorNote error={settings.error} />
      <form className="rules-form stack" onSubmit={(e) => void save(e)} aria-label="Messaging rules">
        {limit('push', 'phone notifications')}
        {limit('email', 'emails')}
        <div className="rule-row">
          <label>
            <input
              type="checkbox"
              checked={draft.quiet !== null}
              disabled={!saved}
              onChange={(e) => change({ quiet: e.target.checked ? DEFAULTS.quiet : null })}
            />{' '}
            Quiet hours
          </label>
          {draft.quiet !== null && (
            <span className="rule-detail">
              nothing goes out from{' '}
              <input
                type="time"
                aria-label="Quiet hours start"
                value={draft.quiet.start}
                onChange={(e) => draft.quiet && change({ quiet: { ...draft.quiet, start: e.target.value } })}
              />{' '}
              to{' '}
              <input
                type="time"
                aria-label="Quiet hours end"
                value={draft.quiet.end}
                onChange={(e) => draft.quiet && change({ quiet: { ...draft.quiet, end: e.target.value } })}
              />
              ; messages wait until it ends
            </span>
          )}
        </div>
        {quietInvalid && <span className="field-error">Quiet hours need a different start and end.</span>}
        <p className="hint">Times are your shop’s local time ({settings.data?.timezone ?? '…'}).</p>
        <SaveRow label="Save rules" busy={saving.busy} disabled={!dirty || quietInvalid} saved={done && !dirty} />
        <ErrorNote error={saving.error} />
      </form>
    </section>
  );
}
