/**
 * Importing a customer list from a CSV file: the server checks every line with the same
 * rules as adding one customer and shows what would happen (new, updated, or what is wrong
 * with the line); nothing is written until the owner confirms, and Cancel writes nothing.
 */
import { useState } from 'react';
import { api, call, type Ok } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';

const importCall = (csv: string, mode: 'preview' | 'confirm', cardId: string | undefined) =>
  api.v1.customers.import.$post(
    { query: { mode, ...(cardId ? { cardId } : {}) } },
    { init: { body: csv, headers: { 'Content-Type': 'text/csv' } } },
  );
type Preview = Extract<Ok<Awaited<ReturnType<typeof importCall>>>, { mode: 'preview' }>;
type Done = Extract<Ok<Awaited<ReturnType<typeof importCall>>>, { mode: 'confirm' }>;

const ACTION_WORDS = { create: 'New customer', update: 'Updates a customer', error: 'Will not be imported' } as const;

export function ImportCustomers({ onDone, onCancel }: { onDone: (done: Done) => void; onCancel: () => void }) {
  const cards = useApi(() => call(api.v1.cards.$get()), []);
  const [csv, setCsv] = useState<string>();
  const [fileName, setFileName] = useState('');
  const [cardId, setCardId] = useState('');
  const [preview, setPreview] = useState<Preview>();
  const action = useAction();
  const card = cardId || cards.data?.items[0]?.id;

  const check = (text: string, forCard: string | undefined) =>
    action.run(async () => {
      setPreview((await call(importCall(text, 'preview', forCard))) as Preview);
    });
  const confirm = () =>
    action.run(async () => {
      if (csv === undefined) return;
      onDone((await call(importCall(csv, 'confirm', card))) as Done);
    });

  return (
    <section className="card import-customers" aria-label="Import customers">
      <h2>Import customers from a CSV file</h2>
      <p className="hint">
        One customer per line, with a first line naming the columns: <code>name</code> (required), <code>email</code>,{' '}
        <code>birthday</code> (MM-DD or YYYY-MM-DD), <code>email consent</code> (yes/no), <code>customer id</code>,{' '}
        <code>stamps</code>. A known customer id updates that customer.
      </p>
      <div className="import-pick">
        <label>
          CSV file
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              setFileName(file.name);
              void file.text().then((text) => {
                setCsv(text);
                void check(text, card);
              });
            }}
          />
        </label>
        {(cards.data?.items.length ?? 0) > 1 && (
          <label>
            Card for the new customers
            <select
              value={card}
              onChange={(e) => {
                setCardId(e.target.value);
                if (csv !== undefined) void check(csv, e.target.value);
              }}
            >
              {cards.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <ErrorNote error={action.error} />
      {preview && (
        <>
          <p role="status" className="import-summary">
            {fileName}: {preview.counts.create} new, {preview.counts.update} to update,{' '}
            <strong>{preview.counts.error} with problems</strong> (not imported).
            {preview.ignoredColumns.length > 0 && <> Columns left out: {preview.ignoredColumns.join(', ')}.</>}
          </p>
          <div className="table-scroll">
            <table className="list import-preview">
              <thead>
                <tr>
                  <th scope="col" className="num">Line</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">What happens</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <tr key={row.line} className={row.action === 'error' ? 'import-error' : undefined}>
                    <td className="num">{row.line}</td>
                    <td>{row.name ?? <span className="hint">none</span>}</td>
                    <td>{row.email ?? <span className="hint">none</span>}</td>
                    <td>
                      {ACTION_WORDS[row.action]}
                      {'message' in row && row.message ? <span className="import-problem">: {row.message}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="primary"
          disabled={!preview || action.busy || preview.counts.create + preview.counts.update === 0}
          onClick={() => void confirm()}
        >
          {preview ? `Import ${preview.counts.create + preview.counts.update} customers` : 'Import'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
