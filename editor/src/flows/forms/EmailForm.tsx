/**
 * The email's subject and body, with buttons that insert the placeholders the renderer fills,
 * and a warning while the merchant has no postal address for the footer.
 */
import { useRef } from 'react';
import { PLACEHOLDERS } from '../../../../engine/compiler';
import { PostalAddressWarning } from '../../settings/PostalAddressWarning';
import { Field, messagesFor, str, type NodeFormProps } from './fields';

const PLACEHOLDER_LABELS = {
  'customer.name': 'Name',
  'card.name': 'Card',
  stampsLeft: 'Stamps left',
  'voucher.code': 'Voucher code',
  'voucher.expiresOn': 'Voucher expiry',
} as const satisfies Record<(typeof PLACEHOLDERS)[number], string>;

type Target = 'subject' | 'body';

export function EmailForm({ data, problems, onChange }: NodeFormProps) {
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const lastFocused = useRef<Target>('body');

  function insert(placeholder: string) {
    const target = lastFocused.current;
    const element = target === 'subject' ? subjectRef.current : bodyRef.current;
    const current = str(data, target) ?? '';
    const token = `{{${placeholder}}}`;
    const start = element?.selectionStart ?? current.length;
    const end = element?.selectionEnd ?? current.length;
    onChange({ ...data, [target]: current.slice(0, start) + token + current.slice(end) });
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  return (
    <div className="stack">
      <PostalAddressWarning />
      <Field label="Subject" messages={messagesFor(problems, 'subject')}>
        {(aria) => (
          <input
            {...aria}
            ref={subjectRef}
            value={str(data, 'subject') ?? ''}
            onFocus={() => (lastFocused.current = 'subject')}
            onChange={(e) => onChange({ ...data, subject: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="Message"
        hint="Plain text; a blank line starts a new paragraph."
        messages={messagesFor(problems, 'body')}
      >
        {(aria) => (
          <textarea
            {...aria}
            ref={bodyRef}
            rows={8}
            value={str(data, 'body') ?? ''}
            onFocus={() => (lastFocused.current = 'body')}
            onChange={(e) => onChange({ ...data, body: e.target.value })}
          />
        )}
      </Field>
      <div className="placeholders" role="group" aria-label="Insert a placeholder">
        <span className="field-hint">Insert:</span>
        {PLACEHOLDERS.map((p) => (
          // mousedown would move focus away from the text; keep the caret where it was.
          <button
            key={p}
            type="button"
            className="chip"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => insert(p)}
            title={`{{${p}}}`}
          >
            {PLACEHOLDER_LABELS[p]}
          </button>
        ))}
      </div>
    </div>
  );
}
