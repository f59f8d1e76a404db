/** The push text, counted as the compiler counts it, with a lock-screen preview. */
import { PUSH_MAX_GRAPHEMES, countGraphemes } from '../../../../engine/compiler';
import { LockScreen } from '../../shell/LockScreen';
import { Field, messagesFor, str, type NodeFormProps } from './fields';

export function PushForm({ data, problems, onChange, merchantName }: NodeFormProps & { merchantName: string }) {
  const text = str(data, 'text') ?? '';
  const length = countGraphemes(text);
  const over = length > PUSH_MAX_GRAPHEMES;
  return (
    <div className="stack">
      <Field
        label="Message"
        aside={
          <span className={over ? 'char-counter over' : 'char-counter'} data-testid="push-counter" aria-live="polite">
            {length}/{PUSH_MAX_GRAPHEMES}
          </span>
        }
        hint="Wallet notifications show 20 characters; an emoji counts as one."
        messages={messagesFor(problems, 'text')}
      >
        {(aria) => (
          <input
            {...aria}
            value={text}
            placeholder="Coffee's waiting ☕"
            onChange={(e) => onChange({ ...data, text: e.target.value })}
          />
        )}
      </Field>
      <LockScreen title={merchantName} message={text} />
    </div>
  );
}
