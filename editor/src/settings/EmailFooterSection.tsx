/**
 * What every email's layout shows of the shop: its postal address in the footer and its brand
 * colour in the header band (`GET|PUT /v1/merchant/settings`).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';
import { SaveRow } from './SaveRow';

/** As the server counts it: characters after trimming. */
export const POSTAL_ADDRESS_MAX = 500;
/** The layout's colour when none is chosen (`DEFAULT_BRAND_COLOR` of the email renderer). */
const DEFAULT_COLOR = '#374151';

interface Footer {
  readonly address: string;
  readonly color: string | null;
}

export function EmailFooterSection() {
  const settings = useApi(() => call(api.v1.merchant.settings.$get()), []);
  const [saved, setSaved] = useState<Footer>();
  const [draft, setDraft] = useState<Footer>({ address: '', color: null });
  const [done, setDone] = useState(false);
  const saving = useAction();
  const ids = { address: useId(), color: useId(), hint: useId() };

  useEffect(() => {
    if (!settings.data) return;
    const stored = { address: settings.data.postalAddress ?? '', color: settings.data.brandColor };
    setSaved(stored);
    setDraft(stored);
  }, [settings.data]);

  const address = draft.address.trim();
  const dirty = saved !== undefined && (address !== saved.address.trim() || draft.color !== saved.color);

  async function save(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    await saving.run(async () => {
      const answer = await call(
        api.v1.merchant.settings.$put({
          json: { postalAddress: address === '' ? null : address, brandColor: draft.color },
        }),
      );
      const stored = { address: answer.postalAddress ?? '', color: answer.brandColor };
      setSaved(stored);
      setDraft(stored);
      setDone(true);
    });
  }

  const change = (next: Partial<Footer>) => {
    setDone(false);
    setDraft((d) => ({ ...d, ...next }));
  };

  return (
    <section className="settings-section card" aria-labelledby="footer-title">
      <h2 id="footer-title">Emails</h2>
      <p className="hint">
        Every email shows your shop’s name and colour at the top, and its name, postal address and an unsubscribe link
        at the bottom.
      </p>
      <ErrorNote error={settings.error} />
      <form className="footer-form stack" onSubmit={(e) => void save(e)} aria-label="Email footer">
        <div className="filter-field">
          <label htmlFor={ids.address}>Postal address</label>
          <textarea
            id={ids.address}
            rows={4}
            maxLength={POSTAL_ADDRESS_MAX}
            value={draft.address}
            disabled={!saved}
            aria-describedby={ids.hint}
            placeholder={'Café Nord GmbH\nHafenstraße 1\n20457 Hamburg'}
            onChange={(e) => change({ address: e.target.value })}
          />
          <span className="field-hint" id={ids.hint}>
            Required by anti-spam laws in most countries. Without it emails still go out, but the flow editor warns.{' '}
            {draft.address.length}/{POSTAL_ADDRESS_MAX}
          </span>
        </div>
        <div className="filter-field">
          <label htmlFor={ids.color}>Brand colour</label>
          <div className="row">
            <input
              id={ids.color}
              type="color"
              className="color-input"
              value={draft.color ?? DEFAULT_COLOR}
              disabled={!saved}
              onChange={(e) => change({ color: e.target.value.toLowerCase() })}
            />
            <code>{draft.color ?? 'default'}</code>
            {draft.color !== null && (
              <button type="button" className="link-button" onClick={() => change({ color: null })}>
                Use the default
              </button>
            )}
          </div>
        </div>
        <SaveRow label="Save email footer" busy={saving.busy} disabled={!dirty} saved={done && !dirty} />
        <ErrorNote error={saving.error} />
      </form>
    </section>
  );
}
