/**
 * "Preview for": one of the card's customers, whose name, stamps and voucher fill the email's
 * placeholders in the preview and the test. The first 100 customers of the card are offered.
 */
import { useEffect } from 'react';
import { api, call } from '../api';
import { useApi } from '../shell/use-api';

export function PreviewCustomer({
  cardId,
  value,
  onChange,
  id,
}: {
  cardId: string;
  value: string | undefined;
  onChange: (customerId: string | undefined) => void;
  id: string;
}) {
  const customers = useApi(() => call(api.v1.customers.$get({ query: { limit: '100' } })), []);
  const ofCard = (customers.data?.items ?? []).filter((c) => c.cardId === cardId);
  const first = ofCard[0]?.id;
  const chosenIsOfCard = ofCard.some((c) => c.id === value);
  useEffect(() => {
    if (!chosenIsOfCard) onChange(first);
  }, [chosenIsOfCard, first, onChange]);

  if (customers.data && ofCard.length === 0) {
    return <p className="hint">The card has no customers yet: the preview uses a sample customer.</p>;
  }
  return (
    <div className="field">
      <label htmlFor={id}>Preview for</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        {ofCard.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.email ? ` (${c.email})` : ''}
          </option>
        ))}
      </select>
      <span className="hint">The placeholders are filled with this customer’s name, stamps and voucher.</span>
    </div>
  );
}
