/** A Telegram message: the long text, sent to customers who linked their card to the shop's bot. */
import { MESSAGE_TEXT_MAX } from '../../../../engine/compiler';
import { Field, messagesFor, patched, str, type NodeFormProps } from './fields';

export function TelegramForm({ data, problems, onChange }: NodeFormProps) {
  const text = str(data, 'text') ?? '';
  return (
    <div className="stack">
      <Field
        label="Telegram message"
        hint={`Up to ${MESSAGE_TEXT_MAX.toLocaleString()} characters. Placeholders such as {{customer.name}} work here.`}
        messages={messagesFor(problems, 'text')}
      >
        {(aria) => (
          <textarea
            {...aria}
            rows={6}
            value={text}
            placeholder="Hi {{customer.name}}! Your next coffee is on us this week."
            onChange={(e) => onChange(patched(data, { text: e.target.value }))}
          />
        )}
      </Field>
      <p className="hint">
        Goes only to customers who tapped “Get messages on Telegram” on their card page. Others are skipped, and
        their timeline says they have not linked Telegram. Connect your bot in Settings first.
      </p>
    </div>
  );
}
