/**
 * Changing a customer's email, birthday and email consent on screen. A consent change is
 * recorded in the customer's consent history as "edited by staff".
 */
import { useState } from 'react';
import { api, call } from '../api';
import { useAction } from '../shell/use-action';
import { CustomerForm } from './CustomerForm';

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
    <CustomerForm
      label="Edit the customer"
      submitLabel="Save"
      action={action}
      fields={{ email, birthday, consent, setEmail, setBirthday, setConsent }}
      emailLabel="Email"
      onSubmit={save}
      onCancel={onCancel}
    />
  );
}
