/**
 * The campaign's optional push fields: the nearby text the pass shows near the shops (with
 * when it ends) and the long text on the customer's card page, with the placeholder list.
 */
import { useRef, type ReactNode } from 'react';
import { PlaceholderPicker } from './PlaceholderPicker';
import { MESSAGE_TEXT_MAX } from '../../../engine/compiler';
import { pushLength, PUSH_MAX_GRAPHEMES, type CampaignDraft, type Field } from './campaign-draft';

interface FieldParts {
  controlProps: (field: Field, options?: { hint?: boolean; invalid?: boolean }) => object;
  fieldError: (field: Field) => ReactNode;
  fieldHint: (field: Field, text: string) => ReactNode;
}

export function PushExtras({
  draft,
  update,
  field,
}: {
  draft: CampaignDraft;
  update: (fields: Field[], patch: Partial<CampaignDraft>) => void;
  field: FieldParts;
}) {
  const nearby = pushLength(draft.nearbyText);
  const longRef = useRef<HTMLTextAreaElement>(null);
  const idOf = (f: Field) => (field.controlProps(f) as { id: string }).id;
  return (
    <>
      <div className="field">
        <label htmlFor={idOf('nearbyText')}>When they're near the shop, show</label>
        <div className="push-input">
          <input
            value={draft.nearbyText}
            placeholder="Free coffee waiting ☕"
            onChange={(e) => update(['nearbyText'], { nearbyText: e.target.value })}
            {...field.controlProps('nearbyText', { hint: true, invalid: nearby.over })}
          />
          <span className={nearby.over ? 'counter counter-over' : 'counter'} data-testid="nearby-counter">
            {nearby.count}/{PUSH_MAX_GRAPHEMES}
          </span>
        </div>
        {field.fieldError('nearbyText')}
        {field.fieldHint(
          'nearbyText',
          'Optional. On the lock screen near your shops (Settings → Your shops) until it ends or a later nearby text replaces it.',
        )}
      </div>
      {draft.nearbyText && (
        <div className="field">
          <label htmlFor={idOf('nearbyUntil')}>Nearby until</label>
          <input
            type="datetime-local"
            value={draft.nearbyUntil}
            onChange={(e) => update(['nearbyUntil'], { nearbyUntil: e.target.value })}
            {...field.controlProps('nearbyUntil', { hint: true })}
          />
          {field.fieldError('nearbyUntil')}
          {field.fieldHint('nearbyUntil', 'Empty: until a later nearby text. Then the card shows its own again.')}
        </div>
      )}
      <div className="field">
        <label htmlFor={idOf('messageText')}>Longer version for the card page</label>
        <textarea
          ref={longRef}
          rows={4}
          maxLength={MESSAGE_TEXT_MAX}
          value={draft.messageText}
          onChange={(e) => update(['messageText'], { messageText: e.target.value })}
          {...field.controlProps('messageText', { hint: true })}
        />
        {field.fieldError('messageText')}
        {field.fieldHint('messageText', "Optional. The full message on each customer's card page; the notification says there is more.")}
        <PlaceholderPicker
          label="Insert a customer’s details into the longer version"
          target={() => longRef.current}
          onInsert={(_, text) => update(['messageText'], { messageText: text })}
        />
      </div>
    </>
  );
}
