/** A stamp card's settings: name, stamps to the reward, the reward and the pass's colours. */
import { useState } from 'react';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';

export interface CardFields {
  name: string;
  stampsRequired: number;
  reward: string;
  backgroundColor: string;
  foregroundColor: string;
}

export const NEW_CARD: CardFields = {
  name: 'Coffee card',
  stampsRequired: 10,
  reward: 'Free coffee',
  backgroundColor: '#3b2a20',
  foregroundColor: '#ffffff',
};

export function CardForm({ initial, submitLabel, onSubmit, onCancel }: {
  initial: CardFields;
  submitLabel: string;
  onSubmit: (fields: CardFields) => Promise<void>;
  onCancel?: () => void;
}) {
  const [fields, setFields] = useState(initial);
  const action = useAction();
  const set = <K extends keyof CardFields>(key: K, value: CardFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  return (
    <form
      className="card-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => onSubmit(fields));
      }}
    >
      <label>
        Card name
        <input value={fields.name} onChange={(e) => set('name', e.target.value)} required maxLength={200} />
      </label>
      <label>
        Stamps to the reward
        <input type="number" min={1} max={100} value={fields.stampsRequired} onChange={(e) => set('stampsRequired', Number(e.target.value))} required />
      </label>
      <label>
        Reward
        <input value={fields.reward} onChange={(e) => set('reward', e.target.value)} required maxLength={200} />
      </label>
      <div className="card-colours">
        <label>
          Card colour
          <input type="color" value={fields.backgroundColor} onChange={(e) => set('backgroundColor', e.target.value)} />
        </label>
        <label>
          Text colour
          <input type="color" value={fields.foregroundColor} onChange={(e) => set('foregroundColor', e.target.value)} />
        </label>
        <span className="card-preview" style={{ background: fields.backgroundColor, color: fields.foregroundColor }}>
          {fields.name || 'Card'}
        </span>
      </div>
      <ErrorNote error={action.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={action.busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
