/**
 * What adding and editing a customer share: the form, the email and birthday fields, the
 * email-consent box, the error and the buttons. Each form brings its other fields and what
 * it does on submit.
 */
import type { ReactNode } from 'react';
import { ErrorNote } from '../shell/Layout';
import type { Action } from '../shell/use-action';

/** What the shared fields hold, with their setters. */
export interface CustomerFields {
  readonly email: string;
  readonly birthday: string;
  readonly consent: boolean;
  readonly setEmail: (email: string) => void;
  readonly setBirthday: (birthday: string) => void;
  readonly setConsent: (consent: boolean) => void;
}

export function CustomerForm({
  label,
  submitLabel,
  action,
  fields,
  emailLabel,
  onSubmit,
  onCancel,
  leading,
  children,
}: {
  /** The form's accessible name: "Add a customer". */
  label: string;
  submitLabel: string;
  action: Action;
  fields: CustomerFields;
  /** "Email (optional)" where the form has a required field, else "Email". */
  emailLabel: string;
  onSubmit: () => Promise<void>;
  onCancel: () => void;
  /** Fields before the email. */
  leading?: ReactNode;
  /** Fields after the birthday. */
  children?: ReactNode;
}) {
  return (
    <form
      className="card add-customer"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      {leading}
      <label>
        {emailLabel}
        <input type="email" value={fields.email} onChange={(e) => fields.setEmail(e.target.value)} />
      </label>
      <label>
        Birthday (optional: MM-DD, or YYYY-MM-DD with the year)
        <input value={fields.birthday} onChange={(e) => fields.setBirthday(e.target.value)} placeholder="03-14" />
      </label>
      {children}
      <label className="add-customer-consent">
        <input type="checkbox" checked={fields.consent} onChange={(e) => fields.setConsent(e.target.checked)} />
        They agreed to get emails from the shop
      </label>
      <ErrorNote error={action.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={action.busy}>
          {submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
