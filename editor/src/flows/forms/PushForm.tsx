/**
 * The push text, counted as the compiler counts it, with a lock-screen preview; the nearby
 * text the pass shows near the shops (with its end, and a start for a dated offer); and
 * the long message text for the card page, with the placeholder list.
 */
import { useRef } from 'react';
import { PlaceholderPicker } from '../../campaigns/PlaceholderPicker';
import { MESSAGE_TEXT_MAX, PUSH_MAX_GRAPHEMES, countGraphemes } from '../../../../engine/compiler';
import { LockScreen } from '../../shell/LockScreen';
import { fromLocalInput, isoToLocalInput } from '../../shell/format';
import { Field, messagesFor, patched, str, type NodeFormProps } from './fields';

function Counter({ text, testId }: { text: string; testId: string }) {
  const length = countGraphemes(text);
  return (
    <span className={length > PUSH_MAX_GRAPHEMES ? 'char-counter over' : 'char-counter'} data-testid={testId} aria-live="polite">
      {length}/{PUSH_MAX_GRAPHEMES}
    </span>
  );
}

export function PushForm({ data, problems, onChange, merchantName }: NodeFormProps & { merchantName: string }) {
  const text = str(data, 'text') ?? '';
  const nearby = str(data, 'nearbyText');
  const long = str(data, 'messageText') ?? '';
  const longRef = useRef<HTMLTextAreaElement>(null);
  const set = (patch: Record<string, unknown>) => onChange(patched(data, patch));
  const when = (key: 'nearbyFrom' | 'nearbyUntil', label: string, hint: string) => (
    <Field label={label} hint={hint} messages={messagesFor(problems, key)}>
      {(aria) => (
        <input
          type="datetime-local"
          {...aria}
          value={isoToLocalInput(str(data, key))}
          onChange={(e) => set({ [key]: fromLocalInput(e.target.value)?.toISOString() })}
        />
      )}
    </Field>
  );
  return (
    <div className="stack">
      <Field
        label="Message"
        aside={<Counter text={text} testId="push-counter" />}
        hint="Wallet notifications show 20 characters; an emoji counts as one."
        messages={messagesFor(problems, 'text')}
      >
        {(aria) => (
          <input {...aria} value={text} placeholder="Coffee's waiting ☕" onChange={(e) => set({ text: e.target.value })} />
        )}
      </Field>
      <Field
        label="When they're near the shop, show"
        aside={<Counter text={nearby ?? ''} testId="nearby-counter" />}
        hint="Optional. Shown on the lock screen near your shops (set them in Settings) until it ends or a later nearby text replaces it."
        messages={messagesFor(problems, 'nearbyText')}
      >
        {(aria) => (
          <input
            {...aria}
            value={nearby ?? ''}
            placeholder="Free coffee waiting ☕"
            onChange={(e) =>
              // Without a nearby text its dates mean nothing: they go with it.
              set(e.target.value === '' ? { nearbyText: undefined, nearbyFrom: undefined, nearbyUntil: undefined } : { nearbyText: e.target.value })
            }
          />
        )}
      </Field>
      {nearby !== undefined && (
        <>
          {when('nearbyUntil', 'Nearby until', 'Empty: until a later nearby text. After it ends, the card shows its own nearby text again.')}
          {when('nearbyFrom', 'Offer starts (optional)', 'For a dated offer of up to a day, like a happy hour: the card also comes up at that time.')}
        </>
      )}
      <LockScreen title={merchantName} message={text} nearby={nearby} />
      <Field
        label="Longer version for the card page"
        hint={`Optional. The full message on the customer's card page; the notification says there is more. Up to ${MESSAGE_TEXT_MAX.toLocaleString()} characters.`}
        messages={messagesFor(problems, 'messageText')}
      >
        {(aria) => (
          <textarea
            {...aria}
            ref={longRef}
            rows={4}
            value={long}
            onChange={(e) => set({ messageText: e.target.value === '' ? undefined : e.target.value })}
          />
        )}
      </Field>
      <PlaceholderPicker
        label="Insert a customer’s details into the longer version"
        target={() => longRef.current}
        onInsert={(_, next) => set({ messageText: next })}
      />
    </div>
  );
}
