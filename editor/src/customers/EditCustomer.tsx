/**
 * Changing a customer's email, birthday and email consent on screen. A consent change is
 * recorded in the customer's consent history as "edited by staff".
 */
import { useState } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';

export interface EditableCustomer {
  readonly id: string;
  readonly email: string | null;
  readonly birthday: string | null;
  readonly emailConsent: boolean;
}

export function EditCustomer({ customer, onSaved, onCancel }: { customer: EditableCustomer; onSaved: () => void; onCancel: () => void }) {
  const [email, setEmail] = useState(customer.email ?? '');
  const [birthday, setBirthday] = useState(customer.birthday ?? '');
  const [consent, setConsent] = useState(customer.emailConsent);
  const action = useAction();
  const save = () =>
    action.run(async () => {
      await call(
        api.v1.customers[':id'].$patch({
          param: { id: customer.id },
          json: {
            email: email.trim() || null,
            birthday: birthday.trim() || null,
            ...(consent !== customer.emailConsent ? { emailConsent: consent } : {}),
          },
        }),
      );
      onSaved();
    });
  return (
    <form
      className="card add-customer"
      aria-label="Edit the customer"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label>
        Email
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Birthday (MM-DD, or YYYY-MM-DD with the year)
        <input value={birthday} onChange={(e) => setBirthday(e.target.value)} placeholder="03-14" />
      </label>
      <label className="add-customer-consent">
        <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />
        They agreed to get emails from the shop
      </label>
      <ErrorNote error={action.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
