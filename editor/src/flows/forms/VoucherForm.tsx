/** The voucher a customer gets: its title and how many days it is valid. */
import { VOUCHER_TITLE_MAX } from '../../../../engine/compiler';
import { Field, messagesFor, NumberInput, patched, str, type NodeFormProps } from './fields';

export function VoucherForm({ data, problems, onChange }: NodeFormProps) {
  return (
    <div className="stack">
      <Field label="Title" hint="What the customer gets, e.g. Free coffee." messages={messagesFor(problems, 'title')}>
        {(aria) => (
          <input
            {...aria}
            maxLength={VOUCHER_TITLE_MAX * 2}
            value={str(data, 'title') ?? ''}
            onChange={(e) => onChange({ ...data, title: e.target.value })}
          />
        )}
      </Field>
      <Field label="Valid for (days)" messages={messagesFor(problems, 'validDays')}>
        {(aria) => (
          <NumberInput
            {...aria}
            min={1}
            max={3650}
            value={data['validDays']}
            onChange={(n) => onChange(patched(data, { validDays: n }))}
          />
        )}
      </Field>
      <p className="hint">
        Tell the customer in a later step: <code>{'{{voucher.code}}'}</code> and <code>{'{{voucher.expiresOn}}'}</code>{' '}
        work in emails.
      </p>
    </div>
  );
}
