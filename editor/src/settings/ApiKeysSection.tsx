/** API keys for your point of sale or loyalty app: create (shown once), see use, revoke. */
import { useId, useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { ConfirmButton } from '../shell/ConfirmButton';
import { formatTime } from '../shell/format';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';
import { CopyField } from './CopyField';

export function ApiKeysSection() {
  const keys = useApi(() => call(api.v1['api-keys'].$get()), []);
  const [name, setName] = useState('');
  const creating = useAction();
  const revoking = useAction();
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const nameId = useId();

  async function create(event: FormEvent) {
    event.preventDefault();
    setCreated(undefined);
    await creating.run(async () => {
      const answer = await call(api.v1['api-keys'].$post({ json: { name: name.trim() } }));
      setCreated({ name: answer.name, key: answer.key });
      setName('');
      keys.reload();
    });
  }

  const revoke = (id: string) =>
    revoking.run(async () => {
      await call(api.v1['api-keys'][':id'].$delete({ param: { id } }));
      keys.reload();
    });

  const items = keys.data?.items;
  return (
    <section className="settings-section card" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="hint">Your point of sale or loyalty app uses a key to send customers and visits to Stampflow. Give each app its own key, so you can revoke one without touching the others.</p>
      <ErrorNote error={keys.error} />
      <ErrorNote error={revoking.error} />
      {items && items.length === 0 ? (
        <p className="hint">No keys yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {!items && (
                <tr>
                  <td colSpan={6} className="hint">
                    Loading keys…
                  </td>
                </tr>
              )}
              {items?.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'revoked' : undefined}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix.replace(/…$/, "")}…</code>
                  </td>
                  <td className="nowrap">{formatTime(k.createdAt)}</td>
                  <td className="nowrap">{k.lastUsedAt ? formatTime(k.lastUsedAt) : <span className="hint">never</span>}</td>
                  <td className="nowrap">
                    {k.revokedAt ? (
                      <span className="status status-cancelled" title={`Revoked ${formatTime(k.revokedAt)}`}>
                        revoked {formatTime(k.revokedAt)}
                      </span>
                    ) : (
                      <span className="status status-active">active</span>
                    )}
                  </td>
                  <td className="actions">
                    {!k.revokedAt && (
                      <ConfirmButton question={`Revoke “${k.name}”? Apps using it stop working.`} confirmLabel="Yes, revoke" onConfirm={() => revoke(k.id)}>
                        Revoke
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <form className="key-form" onSubmit={(e) => void create(e)} aria-label="Create an API key">
        <h3>Create a key</h3>
        <div className="row invite-row">
          <div className="filter-field grow">
            <label htmlFor={nameId}>Name</label>
            <input id={nameId} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="Till in the front shop" />
          </div>
          <button type="submit" className="primary" disabled={creating.busy || !name.trim()}>
            {creating.busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
        <ErrorNote error={creating.error} />
        {created && (
          <div className="secret-box warn" role="status">
            <p>
              <strong>Copy the key “{created.name}” now: it is shown only this once.</strong> Stampflow keeps only a fingerprint of it; if you lose it,
              create a new key and revoke this one.
            </p>
            <CopyField label="API key" value={created.key} />
            <button type="button" className="link-button" onClick={() => setCreated(undefined)}>
              I have stored it safely — hide the key
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
