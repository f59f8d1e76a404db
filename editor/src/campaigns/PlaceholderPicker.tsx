/**
 * The placeholders as buttons: a click inserts `{{name}}` at the cursor of the text field
 * last used (the caret stays after it), so nobody has to type braces by hand.
 */
import { PLACEHOLDERS } from '../../../engine/compiler';

const LABELS: Record<(typeof PLACEHOLDERS)[number], string> = {
  'customer.name': 'Customer’s name',
  'card.name': 'Card name',
  stampsLeft: 'Stamps to go',
  'voucher.code': 'Voucher code',
  'voucher.expiresOn': 'Voucher valid until',
};

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** `text` with `{{name}}` put in place of the selection of `field`, and where the caret goes. */
export function insertPlaceholder(text: string, start: number, end: number, name: string): { text: string; caret: number } {
  const token = `{{${name}}}`;
  return { text: text.slice(0, start) + token + text.slice(end), caret: start + token.length };
}

export function PlaceholderPicker({
  target,
  onInsert,
  label,
}: {
  /** The field that receives the placeholder (the one last focused). */
  target: () => TextField | null;
  /** Called with the new text of the target field. */
  onInsert: (field: TextField, text: string) => void;
  label: string;
}) {
  function insert(name: string) {
    const field = target();
    if (!field) return;
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    const next = insertPlaceholder(field.value, start, end, name);
    onInsert(field, next.text);
    // After React has rendered the new value: put the caret after the placeholder.
    window.requestAnimationFrame(() => {
      field.focus();
      field.setSelectionRange(next.caret, next.caret);
    });
  }
  return (
    <div className="placeholder-list" role="group" aria-label={label}>
      <span className="hint">Insert:</span>
      {PLACEHOLDERS.map((name) => (
        <button
          key={name}
          type="button"
          // Keep the caret where it is: the button must not take the focus on press.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => insert(name)}
          title={`Inserts {{${name}}}`}
        >
          {LABELS[name]}
        </button>
      ))}
    </div>
  );
}
